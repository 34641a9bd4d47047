"""The double-entry ledger's vocabulary: accounts, postings and journal entries that always balance.

Amounts are signed `Decimal` rupees with paise: a debit is positive, a credit negative, and the
postings of one entry sum to exactly zero. An entry carries the idempotency key of the business
event it records, so storage can refuse to post the same event twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from catalog.formats import to_paise
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal

ZERO = Decimal("0.00")


class LedgerError(Refusal):
    """An entry or an amount breaks a ledger rule (ONDC 40000 "Business Error" should one reach a buyer app).

    Kept apart from other refusals because most ledger rules guard our own bookkeeping: an unexpected one
    is a bug to look at, not an answer to pass on.
    """

    def __init__(self, message: str, field: str | None = None, message_hi: str | None = None) -> None:
        super().__init__(BUSINESS_ERROR.code, message, field, message_hi)


class AccountKind(StrEnum):
    """The kinds of account; per-worker and per-buyer-app kinds carry an owner id."""

    WORKER_WALLET = "wallet"  # what we owe a worker (liability)
    WORKER_CASH = "cash_held"  # cash a worker collected from customers and holds (asset)
    COMMISSION_INCOME = "commission"  # the platform's commission (income)
    TAX_PAYABLE = "tax_payable"  # tax collected, owed to the government (liability)
    BAP_RECEIVABLE = "receivable"  # owed to us by a buyer app that collected payment (asset)
    BAP_FINDER_FEE = "finder_fee_payable"  # a buyer app's finder fee we owe it (liability)
    BAP_REFUNDS = "refunds_payable"  # refunds we owe a buyer app for its customers (liability)
    PAYOUT_CLEARING = "payout_clearing"  # wallet money in a payout batch, not yet at the bank (liability)
    BANK = "bank"  # the platform's bank account (asset)
    KIOSK_CASH = "kiosk_cash"  # fees a kiosk took at its counter and holds for us, less its commission (asset)
    ADVANCES = "advances"  # fees citizens paid before their service was done (liability)
    KIOSK_COMMISSION = "kiosk_commission"  # what the kiosks earned for completed bookings (expense)
    UNBILLED = "unbilled"  # a department's completed visits not yet on its monthly invoice (asset)
    DEPARTMENT_RECEIVABLE = "department_receivable"  # a department's invoices the treasury has not paid (asset)


DEBIT_NORMAL_KINDS = frozenset(
    {
        AccountKind.WORKER_CASH,
        AccountKind.BAP_RECEIVABLE,
        AccountKind.BANK,
        AccountKind.KIOSK_CASH,
        AccountKind.KIOSK_COMMISSION,
        AccountKind.UNBILLED,
        AccountKind.DEPARTMENT_RECEIVABLE,
    }
)
OWNED_KINDS = frozenset(
    {
        AccountKind.WORKER_WALLET,
        AccountKind.WORKER_CASH,
        AccountKind.BAP_RECEIVABLE,
        AccountKind.BAP_FINDER_FEE,
        AccountKind.BAP_REFUNDS,
        AccountKind.KIOSK_CASH,
        AccountKind.UNBILLED,
        AccountKind.DEPARTMENT_RECEIVABLE,
    }
)
WORKER_KINDS = frozenset({AccountKind.WORKER_WALLET, AccountKind.WORKER_CASH})


@dataclass(frozen=True, slots=True, order=True)
class Account:
    """One account: a kind plus, for per-worker and per-buyer-app kinds, its owner's id."""

    kind: AccountKind
    owner: str = ""

    def __post_init__(self) -> None:
        if (self.kind in OWNED_KINDS) != bool(self.owner):
            needs = "needs an owner" if self.kind in OWNED_KINDS else "takes no owner"
            raise LedgerError(f"account kind {self.kind.value} {needs}")

    @property
    def code(self) -> str:
        """The stable text key stored with each posting, e.g. `wallet:W42` or `commission`."""
        return f"{self.kind.value}:{self.owner}" if self.owner else self.kind.value

    @property
    def is_worker_account(self) -> bool:
        """Worker accounts keep a verifiable running balance on each posting."""
        return self.kind in WORKER_KINDS

    @classmethod
    def from_code(cls, code: str) -> Account:
        kind, _, owner = code.partition(":")
        return cls(AccountKind(kind), owner)

    def natural_balance(self, signed_sum: Decimal) -> Decimal:
        return natural_amount(self.kind, signed_sum)


def natural_amount(kind: AccountKind, signed_sum: Decimal) -> Decimal:
    """An amount as people read it: debits count up for assets, credits for liabilities and income."""
    return signed_sum if kind in DEBIT_NORMAL_KINDS else -signed_sum


def wallet(worker_id: str) -> Account:
    return Account(AccountKind.WORKER_WALLET, worker_id)


def cash_held(worker_id: str) -> Account:
    return Account(AccountKind.WORKER_CASH, worker_id)


def receivable(bap_id: str) -> Account:
    return Account(AccountKind.BAP_RECEIVABLE, bap_id)


def finder_fee_payable(bap_id: str) -> Account:
    return Account(AccountKind.BAP_FINDER_FEE, bap_id)


def refunds_payable(bap_id: str) -> Account:
    return Account(AccountKind.BAP_REFUNDS, bap_id)


def kiosk_cash(kiosk_id: str) -> Account:
    return Account(AccountKind.KIOSK_CASH, kiosk_id)


def unbilled(account_id: str) -> Account:
    return Account(AccountKind.UNBILLED, account_id)


def department_receivable(account_id: str) -> Account:
    return Account(AccountKind.DEPARTMENT_RECEIVABLE, account_id)


COMMISSION = Account(AccountKind.COMMISSION_INCOME)
TAX = Account(AccountKind.TAX_PAYABLE)
PAYOUT_CLEARING = Account(AccountKind.PAYOUT_CLEARING)
BANK = Account(AccountKind.BANK)
ADVANCES = Account(AccountKind.ADVANCES)
KIOSK_COMMISSION = Account(AccountKind.KIOSK_COMMISSION)


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of an entry: a signed amount (debit positive, credit negative) on one account."""

    account: Account
    amount: Decimal


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced set of postings recording one business event, named by its idempotency key."""

    event_key: str
    kind: str
    postings: tuple[Posting, ...]
    order_id: str | None = None
    worker_id: str | None = None
    bap_id: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.event_key:
            raise LedgerError("an entry needs the idempotency key of its event")
        if len(self.postings) < 2:
            raise LedgerError(f"entry {self.event_key} needs at least two postings")
        seen: set[Account] = set()
        for posting in self.postings:
            if posting.amount != to_paise(posting.amount) or posting.amount == 0:
                raise LedgerError(f"entry {self.event_key}: {posting.amount} is not a non-zero paise amount")
            if posting.account in seen:
                raise LedgerError(f"entry {self.event_key} posts twice to {posting.account.code}")
            seen.add(posting.account)
        total = sum((p.amount for p in self.postings), ZERO)
        if total != 0:
            raise LedgerError(f"entry {self.event_key} does not balance: postings sum to {total}")


Line = tuple[Account, Decimal]


def debit(account: Account, amount: Decimal) -> Line:
    return account, amount


def credit(account: Account, amount: Decimal) -> Line:
    return account, -amount


def build_entry(
    event_key: str,
    kind: str,
    lines: Iterable[Line],
    *,
    order_id: str | None = None,
    worker_id: str | None = None,
    bap_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> JournalEntry:
    """An entry from signed lines: same-account lines merge, zero lines drop, the balance is checked."""
    merged: dict[Account, Decimal] = {}
    for account, amount in lines:
        merged[account] = merged.get(account, ZERO) + amount
    postings = tuple(Posting(a, amount) for a, amount in sorted(merged.items()) if amount != 0)
    return JournalEntry(
        event_key, kind, postings, order_id=order_id, worker_id=worker_id, bap_id=bap_id, detail=detail or {}
    )


def completion_key(order_id: str) -> str:
    return f"order:{order_id}:completed"


def cancellation_key(order_id: str) -> str:
    return f"order:{order_id}:cancelled"


def fee_refund_key(order_id: str) -> str:
    """A cancellation's fee is given back once, however often staff ask."""
    return f"order:{order_id}:fee-refunded"


def payout_key(batch_id: str, line_no: int, outcome: str) -> str:
    """`payout:{batch}:{line}:reserved|paid|failed`."""
    return f"payout:{batch_id}:{line_no}:{outcome}"


def cash_deposit_key(worker_id: str, receipt: str) -> str:
    """`cash:{worker}:{receipt}`: one deposit slip posts once, however often staff submit it."""
    return f"cash:{worker_id}:{receipt}"


# Staff enter deposits in the console; one Hindi text covers each way a deposit is refused.
_DEPOSIT_HI: Final = "जमा राशि जाँचें: राशि कर्मी के पास रखे नकद से अधिक नहीं हो सकती और रसीद संख्या ज़रूरी है।"


def cash_deposit_entry(worker_id: str, amount: Decimal, receipt: str, held: Decimal) -> JournalEntry:
    """A worker hands in cash she collected at doors: it leaves her cash held and reaches the bank."""
    if amount <= 0 or amount != to_paise(amount):
        raise LedgerError(
            f"Check the deposit: the deposit must be a positive amount in rupees and paise, got {amount}.",
            "amount",
            _DEPOSIT_HI,
        )
    if amount > held:
        raise LedgerError(f"Check the deposit: the deposit of {amount} is more than the {held} she holds.",
                          "amount", _DEPOSIT_HI)
    if not receipt.strip():
        raise LedgerError("Check the deposit: give the deposit's receipt or bank reference.", "receipt", _DEPOSIT_HI)
    return build_entry(
        cash_deposit_key(worker_id, receipt.strip()),
        "cash_deposit",
        [debit(BANK, amount), credit(cash_held(worker_id), amount)],
        worker_id=worker_id,
        detail={"receipt": receipt.strip()},
    )
