"""government departments: accounts, officers, work orders, visits, invoices, payments; crews in matching

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 10:00:00.000000

Departments book workers on credit (issue 13.4): a work order asks for workers of a service for some days at an
office, is approved by the department's approving officer, and makes one visit (an order) per worker and day; each
month's completed visits are billed on one GST invoice per account, which staff mark paid as the treasury pays.
Matching jobs name the crew (work order) and day of such a visit, so that a day's visits go to distinct workers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department_accounts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=128), nullable=False),
        sa.Column("office", sa.String(length=128), nullable=False),
        sa.Column("district", sa.String(length=16), nullable=False),
        sa.Column("ddo_code", sa.String(length=20), nullable=False),
        sa.Column("gstin", sa.String(length=15), nullable=False),
        sa.Column("billing_address", sa.String(length=500), nullable=False),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "department_officers",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index("ix_department_officers_account", "department_officers", ["account_id"])
    op.create_table(
        "work_orders",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("service", sa.JSON(), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("site", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("requested", sa.JSON(), nullable=False),
        sa.Column("approval", sa.JSON(), nullable=True),
        sa.Column("closing", sa.JSON(), nullable=True),
        sa.Column("requested_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("booked_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_index("ix_work_orders_account", "work_orders", ["account_id", "requested_at"])
    op.create_table(
        "work_order_visits",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("work_order", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("invoice_no", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("order_id"),
        sa.UniqueConstraint("work_order", "day", "place", name="uq_work_order_visits_place"),
    )
    op.create_index("ix_work_order_visits_billing", "work_order_visits", ["account_id", "invoice_no"])
    op.create_table(
        "department_invoices",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("issued_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=128), nullable=False),
        sa.Column("recipient", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("total", bpp.storage.types.Money(precision=14, scale=2), nullable=False),
        sa.Column("paid", bpp.storage.types.Money(precision=14, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("number"),
        sa.UniqueConstraint("account_id", "month", name="uq_department_invoices_month"),
        sa.UniqueConstraint("financial_year", "serial", name="uq_department_invoices_serial"),
    )
    op.create_table(
        "department_payments",
        sa.Column("invoice_no", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("amount", bpp.storage.types.Money(precision=14, scale=2), nullable=False),
        sa.Column("paid_on", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("invoice_no", "reference"),
    )
    op.add_column("matching_jobs", sa.Column("crew", sa.String(length=32), nullable=True))
    op.add_column("matching_jobs", sa.Column("crew_day", sa.String(length=10), nullable=True))
    op.create_index("ix_matching_jobs_crew", "matching_jobs", ["crew", "crew_day"])


def downgrade() -> None:
    op.drop_index("ix_matching_jobs_crew", table_name="matching_jobs")
    with op.batch_alter_table("matching_jobs") as batch:
        batch.drop_column("crew_day")
        batch.drop_column("crew")
    op.drop_table("department_payments")
    op.drop_table("department_invoices")
    op.drop_index("ix_work_order_visits_billing", table_name="work_order_visits")
    op.drop_table("work_order_visits")
    op.drop_index("ix_work_orders_account", table_name="work_orders")
    op.drop_table("work_orders")
    op.drop_index("ix_department_officers_account", table_name="department_officers")
    op.drop_table("department_officers")
    op.drop_table("department_accounts")
