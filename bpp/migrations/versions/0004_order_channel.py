"""orders and complaints name the channel the order came through

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 09:00:00.000000

Orders come from ONDC buyer apps (`ondc:<bap_id>`) and from the assisted channels (`helpline`, `kiosk:<id>`,
`department:<id>`), which have no buyer app: `bap_id` and `bap_uri` become optional. Every order stored before
this revision came through a buyer app; a complaint takes the channel of its order, so staff filter both by it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_orders = sa.table("orders", sa.column("id", sa.String(64)), sa.column("bap_id", sa.String(255)),
                   sa.column("channel", sa.String(260)))
_complaints = sa.table("complaints", sa.column("order_id", sa.String(64)), sa.column("channel", sa.String(260)))


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=260), nullable=True))
    op.execute(_orders.update().values(channel=sa.literal("ondc:") + _orders.c.bap_id))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=260), nullable=False)
        batch_op.alter_column("bap_id", existing_type=sa.String(length=255), nullable=True)
        batch_op.alter_column("bap_uri", existing_type=sa.String(length=1024), nullable=True)
        batch_op.create_index("ix_orders_channel", ["channel", "created_at"], unique=False)

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=260), nullable=True))
    of_order = sa.select(_orders.c.channel).where(_orders.c.id == _complaints.c.order_id).scalar_subquery()
    op.execute(_complaints.update().values(channel=of_order))
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=260), nullable=False)
        batch_op.create_index("ix_complaints_channel", ["channel", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_channel")
        batch_op.drop_column("channel")
    assisted = sa.select(sa.func.count()).select_from(_orders).where(_orders.c.bap_id.is_(None))
    if op.get_bind().execute(assisted).scalar_one():
        raise RuntimeError("orders of the assisted channels exist; revision 0003 has no place for them")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_channel")
        batch_op.alter_column("bap_uri", existing_type=sa.String(length=1024), nullable=False)
        batch_op.alter_column("bap_id", existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_column("channel")
