"""orders keep their customer's mobile number as ten digits, indexed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 11:00:00.000000

A helpline operator finds a caller's orders by her mobile number, whatever channel they came through; the number
inside the `customer` JSON cannot be indexed the same way on SQLite and PostgreSQL, so it gets a column of its own.
Orders stored before this revision take it from their `customer` (null when that holds no Indian mobile number).
"""

import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOBILE = re.compile(r"(?:\+?91|0)?([6-9][0-9]{9})")  # bpp.notify.normalise_phone as it is at this revision
_orders = sa.table("orders", sa.column("id", sa.String(64)), sa.column("customer", sa.JSON()),
                   sa.column("customer_phone", sa.String(10)))


def _mobile(customer: Any) -> str | None:
    if isinstance(customer, str):  # a JSON column read without its type on some drivers
        customer = json.loads(customer)
    phone = str((customer or {}).get("phone") or "")
    match = _MOBILE.fullmatch(re.sub(r"[\s()-]", "", phone))
    return match.group(1) if match else None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_phone", sa.String(length=10), nullable=True))
        batch_op.create_index("ix_orders_customer_phone", ["customer_phone", "created_at"], unique=False)
    bind = op.get_bind()
    for order_id, customer in bind.execute(sa.select(_orders.c.id, _orders.c.customer)).all():
        phone = _mobile(customer)
        if phone is not None:
            bind.execute(_orders.update().where(_orders.c.id == order_id).values(customer_phone=phone))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_customer_phone")
        batch_op.drop_column("customer_phone")
