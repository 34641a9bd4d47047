"""The settlement ledger: accounts, journal entries (one per business event), postings, payouts.

Balances are sums of postings. Worker accounts also keep their running total in `ledger_accounts.balance`,
raised in the same statement that locks the account row, and copied onto each posting as `balance_after`;
`ledger check` re-verifies both against the postings.
"""

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from bpp.storage.gateway_tables import BigId
from bpp.storage.metadata import metadata
from bpp.storage.types import ID, Money, UTCDateTime

ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    Column("code", String(320), primary_key=True),  # kind or kind:owner, e.g. wallet:W42
    Column("kind", String(32), nullable=False),
    Column("owner", String(255), nullable=False, default=""),  # worker id or buyer-app id
    Column("created_at", UTCDateTime(), nullable=False),
    # Signed sum of the postings, kept for worker accounts only: a kept total on the platform's own accounts
    # would be one row every settlement updates, and so a queue every settlement waits in.
    Column("balance", Money),
    Index("ix_ledger_accounts_kind", "kind", "owner"),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_key", String(255), nullable=False),  # order:{id}:completed, payout:{batch}:{line}:paid
    Column("kind", String(32), nullable=False),
    Column("order_id", ID),
    Column("worker_id", ID),
    Column("bap_id", String(255)),
    Column("posted_at", UTCDateTime(), nullable=False),
    Column("window_start", UTCDateTime()),  # the buyer app's settlement window (orders only)
    Column("window_end", UTCDateTime()),
    Column("detail", JSON, nullable=False),
    UniqueConstraint("event_key", name="uq_journal_entries_event_key"),
    Index("ix_journal_entries_bap_window", "bap_id", "window_start"),
    Index("ix_journal_entries_order", "order_id"),
)

ledger_postings = Table(
    "ledger_postings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("entry_id", BigId, ForeignKey("journal_entries.id"), nullable=False),
    Column("account_code", String(320), ForeignKey("ledger_accounts.code"), nullable=False),
    Column("amount", Money, nullable=False),  # debit positive, credit negative
    Column("balance_after", Money),  # signed running total; worker accounts only
    Index("ix_ledger_postings_account", "account_code", "id"),
    Index("ix_ledger_postings_entry", "entry_id"),
)

payout_batches = Table(
    "payout_batches",
    metadata,
    Column("id", ID, primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("cutoff", UTCDateTime(), nullable=False),
    Column("minimum", Money, nullable=False),
    Column("district", String(16)),  # None: every district
    Column("line_count", Integer, nullable=False),
    Column("total", Money, nullable=False),
)

payout_lines = Table(
    "payout_lines",
    metadata,
    Column("batch_id", ID, ForeignKey("payout_batches.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("worker_id", ID, nullable=False),
    Column("wallet_debit", Money, nullable=False),
    Column("cash_offset", Money, nullable=False),
    Column("amount", Money, nullable=False),
    Column("status", String(16), nullable=False),  # reserved | paid | failed
    Column("bank_reference", String(128)),
    Column("failure_reason", Text),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_payout_lines_worker", "worker_id"),
)

payout_accounts = Table(
    "payout_accounts",
    metadata,
    Column("worker_id", ID, primary_key=True),
    Column("holder_name", String(128), nullable=False),
    Column("upi_vpa", String(255)),
    Column("bank_account", String(34)),
    Column("ifsc", String(11)),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("updated_by", String(128), nullable=False),
)
