"""engagement visits start with the customer's OTP

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 17:50:00.000000

Each engagement visit starts with the customer's OTP (issue 15.4): when it started, and the OTP issued and not used
yet (its hash, issue time and wrong tries), as for one-off orders.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("engagement_visits") as batch:
        batch.add_column(sa.Column("started_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("otp_hash", sa.String(length=256), nullable=True))
        batch.add_column(sa.Column("otp_issued_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("otp_wrong_tries", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("engagement_visits") as batch:
        for name in ("otp_wrong_tries", "otp_issued_at", "otp_hash", "started_at"):
            batch.drop_column(name)
