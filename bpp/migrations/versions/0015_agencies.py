"""service-provider agencies

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 17:45:00.000000

Firms that supply workers apply (issue 16.2): an agency's application, approved by district staff, gets a login
with role `agency`; the workers it adds are worker applications linked to it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("registration_number", sa.String(length=64), nullable=False),
        sa.Column("gstin", sa.String(length=15), nullable=False),
        sa.Column("pan", sa.String(length=10), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("district", sa.String(length=16), nullable=False),
        sa.Column("contact_name", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("staff_user_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"],
                                name=op.f("fk_agencies_staff_user_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("phone", name=op.f("uq_agencies_phone")),
        sa.UniqueConstraint("gstin", name=op.f("uq_agencies_gstin")),
        sa.UniqueConstraint("staff_user_id", name=op.f("uq_agencies_staff_user_id")),
    )
    op.create_index("ix_agencies_queue", "agencies", ["district", "status", "submitted_at"])
    op.create_table(
        "agency_workers",
        sa.Column("worker_id", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("added_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["worker_id"], ["worker_applications.id"],
                                name=op.f("fk_agency_workers_worker_id_worker_applications")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_agency_workers_agency_id_agencies")),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_agency_workers")),
    )
    op.create_index("ix_agency_workers_agency", "agency_workers", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_agency_workers_agency", table_name="agency_workers")
    op.drop_table("agency_workers")
    op.drop_index("ix_agencies_queue", table_name="agencies")
    op.drop_table("agencies")
