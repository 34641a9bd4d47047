"""kiosks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00.000000

Jan Seva Kendra kiosks that book for walk-in citizens (issue 13.3): each has one staff login (role
kiosk_operator), books only in its district, and may have its own commission per completed booking.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kiosks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("district", sa.String(length=16), nullable=False),
        sa.Column("operator_name", sa.String(length=128), nullable=False),
        sa.Column("operator_phone", sa.String(length=10), nullable=False),
        sa.Column("commission", bpp.storage.types.Money(precision=14, scale=2), nullable=True),
        sa.Column("staff_user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"],
                                name=op.f("fk_kiosks_staff_user_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosks")),
        sa.UniqueConstraint("staff_user_id", name=op.f("uq_kiosks_staff_user_id")),
    )
    op.create_index("ix_kiosks_district", "kiosks", ["district"])


def downgrade() -> None:
    op.drop_index("ix_kiosks_district", table_name="kiosks")
    op.drop_table("kiosks")
