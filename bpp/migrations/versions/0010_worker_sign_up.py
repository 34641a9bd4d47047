"""worker sign-up: applications and phone OTPs

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 12:00:00.000000

Skilled workers apply themselves (issue 16): an application, proven by an OTP to its phone, waits for district
staff; approved, it becomes a worker under the same id. The OTP is kept only as a hash.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_applications",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("trades", sa.JSON(), nullable=False),
        sa.Column("qualification", sa.String(length=16), nullable=False),
        sa.Column("pincode", sa.String(length=6), nullable=False),
        sa.Column("place_district", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=16), nullable=False),
        sa.Column("home_lat", sa.Float(), nullable=False),
        sa.Column("home_lng", sa.Float(), nullable=False),
        sa.Column("pin_hash", sa.String(length=256), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("police_reference", sa.String(length=64), nullable=True),
        sa.Column("police_requested_on", sa.Date(), nullable=True),
        sa.Column("police_result", sa.String(length=16), nullable=True),
        sa.Column("police_result_reference", sa.String(length=64), nullable=True),
        sa.Column("police_result_on", sa.Date(), nullable=True),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_applications")),
        sa.UniqueConstraint("phone", name=op.f("uq_worker_applications_phone")),
    )
    op.create_index("ix_worker_applications_queue", "worker_applications", ["district", "status", "submitted_at"])
    op.create_table(
        "signup_otps",
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=256), nullable=True),
        sa.Column("issued_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("locked_until", bpp.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_signup_otps")),
    )


def downgrade() -> None:
    op.drop_table("signup_otps")
    op.drop_index("ix_worker_applications_queue", table_name="worker_applications")
    op.drop_table("worker_applications")
