"""engagements

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 17:03:37.518493

Long-term engagements (issue 15): engagements (the booking, its locked rate and terms, its timeline of schedules and
pauses, its steady worker), engagement_events, and engagement_visits (one a day, stored ahead, indexed by worker and
start for her calendar).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "engagement_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("engagement_id", sa.String(length=64), nullable=False),
        sa.Column("at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_events")),
    )
    with op.batch_alter_table("engagement_events", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_events_engagement", ["engagement_id", "at"], unique=False)

    op.create_table(
        "engagement_visits",
        sa.Column("engagement_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("worker_id", sa.String(length=64), nullable=True),
        sa.Column("substitute", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("completed_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("engagement_id", "day", name=op.f("pk_engagement_visits")),
    )
    with op.batch_alter_table("engagement_visits", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_visits_worker", ["worker_id", "start_at"], unique=False)

    op.create_table(
        "engagements",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=260), nullable=False),
        sa.Column("bap_id", sa.String(length=255), nullable=True),
        sa.Column("bap_uri", sa.String(length=1024), nullable=True),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("city", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("rate", bpp.storage.types.Money(precision=14, scale=2), nullable=False),
        sa.Column("tax_percent", bpp.storage.types.Money(precision=14, scale=2), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("place_gps", sa.String(length=64), nullable=False),
        sa.Column("customer", sa.JSON(), nullable=False),
        sa.Column("end_location", sa.JSON(), nullable=False),
        sa.Column("billing", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("worker_id", sa.String(length=64), nullable=True),
        sa.Column("schedules", sa.JSON(), nullable=False),
        sa.Column("pauses", sa.JSON(), nullable=False),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagements")),
    )
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.create_index("ix_engagements_channel", ["channel", "created_at"], unique=False)
        batch_op.create_index("ix_engagements_state", ["state", "last_day"], unique=False)
        batch_op.create_index("ix_engagements_worker", ["worker_id", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.drop_index("ix_engagements_worker")
        batch_op.drop_index("ix_engagements_state")
        batch_op.drop_index("ix_engagements_channel")

    op.drop_table("engagements")
    with op.batch_alter_table("engagement_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_engagement_visits_worker")

    op.drop_table("engagement_visits")
    with op.batch_alter_table("engagement_events", schema=None) as batch_op:
        batch_op.drop_index("ix_engagement_events_engagement")

    op.drop_table("engagement_events")
