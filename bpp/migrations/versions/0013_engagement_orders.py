"""engagement orders

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:40:00.000000

The ONDC order an engagement was booked as (issue 15): the buyer app, its transaction and order id, and the first
month's payment, so status and update find the engagement by the transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "engagement_orders",
        sa.Column("engagement_id", sa.String(length=64), nullable=False),
        sa.Column("bap_id", sa.String(length=255), nullable=False),
        sa.Column("transaction_id", sa.String(length=255), nullable=False),
        sa.Column("buyer_order_id", sa.String(length=255), nullable=False),
        sa.Column("buyer_created_at", sa.String(length=64), nullable=False),
        sa.Column("payment", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("engagement_id", name=op.f("pk_engagement_orders")),
    )
    with op.batch_alter_table("engagement_orders", schema=None) as batch_op:
        batch_op.create_index("ux_engagement_orders_transaction", ["bap_id", "transaction_id"], unique=True)
        batch_op.create_index("ux_engagement_orders_buyer_order", ["bap_id", "buyer_order_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("engagement_orders", schema=None) as batch_op:
        batch_op.drop_index("ux_engagement_orders_buyer_order")
        batch_op.drop_index("ux_engagement_orders_transaction")
    op.drop_table("engagement_orders")
