"""Writing one journal entry exactly once, in as few round trips as each database allows.

Every completed or cancelled order posts an entry inside its owner's transaction, so what settlement
costs is mostly round trips and statement building. On PostgreSQL one prepared statement does it all:
claim the event key (`ON CONFLICT DO NOTHING`), create the accounts it names, raise the kept balance of
its worker accounts (the upsert locks those rows until commit, which serialises a worker's postings) and
insert its postings with their running totals. When the key was already claimed every part of it works
on no rows. SQLite has no data-modifying `WITH` but runs in process, so the same steps are separate
statements there, under the database write lock every SQLite transaction takes.

The statements are built once, with bind parameters, so each call only binds values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String, bindparam, column, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.ledger_tables import journal_entries, ledger_accounts, ledger_postings
from bpp.storage.types import Money, UTCDateTime
from fulfillment.ledger import JournalEntry

_ENTRY_COLUMNS = ("event_key", "kind", "order_id", "worker_id", "bap_id", "window_start", "window_end", "detail")
_ACCOUNT_COLUMNS = ["code", "kind", "owner", "created_at"]
_POSTING_COLUMNS = ["entry_id", "account_code", "amount", "balance_after"]


def _entry_values() -> dict[str, Any]:
    return {name: bindparam(name) for name in _ENTRY_COLUMNS} | {"posted_at": bindparam("posted_at")}


def _build_postgres_statement() -> Any:
    entry = (
        pg_insert(journal_entries)
        .values(_entry_values())
        .on_conflict_do_nothing(index_elements=["event_key"])
        .returning(journal_entries.c.id)
        .cte("entry")
    )
    given = func.unnest(
        bindparam("codes", type_=ARRAY(String)),
        bindparam("kinds", type_=ARRAY(String)),
        bindparam("owners", type_=ARRAY(String)),
        bindparam("amounts", type_=ARRAY(Money)),
        bindparam("running", type_=ARRAY(Boolean)),
    ).table_valued(
        column("code", String),
        column("kind", String),
        column("owner", String),
        column("amount", Money),
        column("running", Boolean),
        with_ordinality="n",
    ).render_derived(name="given")
    lines = select(entry.c.id.label("entry_id"), given).select_from(entry).join(given, true()).cte("lines")
    created_at = bindparam("posted_at", type_=UTCDateTime())
    accounts = (
        pg_insert(ledger_accounts)
        .from_select(
            _ACCOUNT_COLUMNS,
            select(lines.c.code, lines.c.kind, lines.c.owner, created_at).where(~lines.c.running),
        )
        .on_conflict_do_nothing(index_elements=["code"])
        .cte("accounts")
    )
    raise_balances = pg_insert(ledger_accounts).from_select(
        [*_ACCOUNT_COLUMNS, "balance"],
        select(lines.c.code, lines.c.kind, lines.c.owner, created_at, lines.c.amount)
        .where(lines.c.running)
        .order_by(lines.c.code),  # rows lock in code order, as `LedgerRepo.lock_accounts` takes them
    )
    balances = (
        raise_balances.on_conflict_do_update(
            index_elements=["code"], set_={"balance": ledger_accounts.c.balance + raise_balances.excluded.balance}
        )
        .returning(ledger_accounts.c.code, ledger_accounts.c.balance)
        .cte("balances")
    )
    postings = ledger_postings.insert().from_select(
        _POSTING_COLUMNS,
        select(lines.c.entry_id, lines.c.code, lines.c.amount, balances.c.balance)
        .select_from(lines.outerjoin(balances, balances.c.code == lines.c.code))
        .order_by(lines.c.n),
    )
    return select(entry.c.id).add_cte(accounts, postings.cte("postings"))  # a row only when this call posted


_POST_ON_POSTGRES = _build_postgres_statement()

_CLAIM_ON_SQLITE = (
    sqlite_insert(journal_entries)
    .values(_entry_values())
    .on_conflict_do_nothing(index_elements=["event_key"])
    .returning(journal_entries.c.id)
)
_ADD_ACCOUNT_ON_SQLITE = sqlite_insert(ledger_accounts).on_conflict_do_nothing(index_elements=["code"])
_raise = sqlite_insert(ledger_accounts)
# SQLite adds NUMERIC as floating point: rounding to paise brings the sum back to the exact amount.
_RAISE_BALANCE_ON_SQLITE = _raise.on_conflict_do_update(
    index_elements=["code"], set_={"balance": func.round(ledger_accounts.c.balance + _raise.excluded.balance, 2)}
).returning(ledger_accounts.c.balance)


async def post_entry(
    conn: AsyncConnection,
    is_postgres: bool,
    entry: JournalEntry,
    posted_at: datetime,
    window: tuple[datetime, datetime] | None,
) -> bool:
    """Write `entry` unless its event was already posted; True when this call posted it."""
    head = {
        "event_key": entry.event_key,
        "kind": entry.kind,
        "order_id": entry.order_id,
        "worker_id": entry.worker_id,
        "bap_id": entry.bap_id,
        "posted_at": posted_at,
        "window_start": window[0] if window else None,
        "window_end": window[1] if window else None,
        "detail": dict(entry.detail),
    }
    accounts = [p.account for p in entry.postings]
    if is_postgres:
        lines = {
            "codes": [a.code for a in accounts],
            "kinds": [a.kind.value for a in accounts],
            "owners": [a.owner for a in accounts],
            "amounts": [p.amount for p in entry.postings],
            "running": [a.is_worker_account for a in accounts],
        }
        return (await conn.execute(_POST_ON_POSTGRES, head | lines)).first() is not None
    return await _post_on_sqlite(conn, entry, head)


async def _post_on_sqlite(conn: AsyncConnection, entry: JournalEntry, head: dict[str, Any]) -> bool:
    entry_id = (await conn.execute(_CLAIM_ON_SQLITE, head)).scalar_one_or_none()
    if entry_id is None:
        return False
    postings = []
    for posting in entry.postings:
        account = posting.account
        row = {"code": account.code, "kind": account.kind.value, "owner": account.owner}
        row["created_at"] = head["posted_at"]
        balance_after = None
        if account.is_worker_account:
            raised = await conn.execute(_RAISE_BALANCE_ON_SQLITE, row | {"balance": posting.amount})
            balance_after = raised.scalar_one()
        else:
            await conn.execute(_ADD_ACCOUNT_ON_SQLITE, row)
        postings.append({"entry_id": entry_id, "account_code": account.code, "amount": posting.amount,
                         "balance_after": balance_after})
    await conn.execute(ledger_postings.insert(), postings)
    return True
