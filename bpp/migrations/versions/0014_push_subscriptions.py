"""the worker app's Web Push subscriptions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 17:40:00.000000

A worker's phone that allowed notifications is woken for each offer by Web Push even while the app is closed
(bpp/workforce/push.py); each of her devices keeps its push service endpoint and keys here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("worker_id", sa.String(length=64), nullable=False),
        sa.Column("endpoint", sa.String(length=1024), nullable=False),
        sa.Column("p256dh", sa.String(length=128), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint"),
    )
    op.create_index("ix_push_subscriptions_worker", "push_subscriptions", ["worker_id"])


def downgrade() -> None:
    op.drop_index("ix_push_subscriptions_worker", table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
