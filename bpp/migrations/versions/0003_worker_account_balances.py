"""worker accounts keep their balance on the account row

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 10:00:00.000000

Posting an entry used to read each worker account's newest `balance_after` to extend it; now the
account row keeps the running total, raised in the statement that locks it. Worker accounts opened
before this revision start from the sum of their postings; other accounts keep no total (NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORKER_KINDS = ("wallet", "cash_held")  # AccountKind.WORKER_WALLET and WORKER_CASH, frozen at this revision

_accounts = sa.table(
    "ledger_accounts",
    sa.column("code", sa.String(320)),
    sa.column("kind", sa.String(32)),
    sa.column("balance", bpp.storage.types.Money()),
)
_postings = sa.table(
    "ledger_postings", sa.column("account_code", sa.String(320)), sa.column("amount", sa.Numeric(14, 2))
)


def upgrade() -> None:
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("balance", bpp.storage.types.Money(), nullable=True))
    # Summed in whole paise: exact on PostgreSQL and on SQLite (which sums NUMERIC as floating point).
    paise = sa.func.coalesce(sa.func.sum(sa.cast(sa.func.round(_postings.c.amount * 100), sa.BigInteger)), 0)
    total = sa.select(paise).where(_postings.c.account_code == _accounts.c.code).scalar_subquery()
    op.execute(
        _accounts.update()
        .where(_accounts.c.kind.in_(_WORKER_KINDS))
        .values(balance=total / sa.literal_column("100.0"))  # a numeric literal: no integer division
    )


def downgrade() -> None:
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.drop_column("balance")
