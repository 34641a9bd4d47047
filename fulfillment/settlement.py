"""Settlement rules: how an order's fixed fee, or its cancellation fee, splits into ledger postings.

Pure functions over plain values; docs/settlement.md explains each rule with a worked example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from catalog.finder_fee import NO_FINDER_FEE, FeeKind, FinderFee
from catalog.formats import to_paise
from fulfillment.kiosk import KioskTerms, kiosk_terms
from fulfillment.ledger import (
    ADVANCES,
    COMMISSION,
    KIOSK_COMMISSION,
    TAX,
    Account,
    JournalEntry,
    LedgerError,
    Line,
    build_entry,
    cancellation_key,
    cash_held,
    completion_key,
    credit,
    debit,
    fee_refund_key,
    finder_fee_payable,
    kiosk_cash,
    receivable,
    refunds_payable,
    unbilled,
    wallet,
)
from fulfillment.order import KIOSK, Order

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
FEE_REFUND = "cancellation_fee_refund"  # the entry kind of a cancellation fee given back


class PaymentMode(StrEnum):
    BUYER_APP_COLLECTS = "buyer_app"  # collected_by BAP (PRE-FULFILLMENT): the buyer app holds the money
    CASH_WITH_WORKER = "cash"  # collected_by BPP (ON-FULFILLMENT): the worker takes cash at the door
    KIOSK_COLLECTS = "kiosk"  # a kiosk took the fee at its counter when it booked (fulfillment.kiosk)
    INVOICED = "invoice"  # billed to a department's monthly invoice (fulfillment.departments): nothing at the door


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """What settlement needs from an order: its locked quote, payment terms and parties."""

    order_id: str
    bap_id: str | None  # None for an order of an assisted channel: no buyer app takes part
    worker_id: str | None
    total: Decimal  # the quote's price: pre-tax fee plus tax
    tax: Decimal  # the quote's tax lines
    mode: PaymentMode
    finder_fee: FinderFee
    settlement_window: str | None  # ISO 8601 duration from Settlement_Details/Window, e.g. P1D
    kiosk: KioskTerms | None = None  # the kiosk that booked the order (mode KIOSK_COLLECTS)
    billed_to: str | None = None  # the department account whose monthly invoice bills it (mode INVOICED)

    @property
    def pre_tax(self) -> Decimal:
        return self.total - self.tax


@dataclass(frozen=True, slots=True)
class SettlementPolicy:
    """The configurable part of the rules."""

    commission_percent: Decimal


@dataclass(frozen=True, slots=True)
class Split:
    """A gross amount divided among its parties; the parts sum to it exactly."""

    pre_tax: Decimal
    tax: Decimal
    commission: Decimal
    finder_fee: Decimal
    worker_share: Decimal

    @property
    def gross(self) -> Decimal:
        return self.pre_tax + self.tax


def split_fee(pre_tax: Decimal, tax: Decimal, policy: SettlementPolicy, finder_fee: Decimal) -> Split:
    """Commission is rounded half up; the finder fee is capped at what is left; the worker gets the rest."""
    if pre_tax < 0 or tax < 0:
        raise LedgerError(f"cannot split a negative fee (pre-tax {pre_tax}, tax {tax})")
    commission = to_paise(pre_tax * policy.commission_percent / HUNDRED)
    capped_finder_fee = min(finder_fee, pre_tax - commission)
    return Split(
        pre_tax=pre_tax,
        tax=tax,
        commission=commission,
        finder_fee=capped_finder_fee,
        worker_share=pre_tax - commission - capped_finder_fee,
    )


def completion_split(terms: OrderTerms, policy: SettlementPolicy) -> Split:
    finder_fee = terms.finder_fee.on(terms.pre_tax, terms.pre_tax)
    return split_fee(terms.pre_tax, terms.tax, policy, finder_fee)


def cancellation_split(terms: OrderTerms, policy: SettlementPolicy, fee: Decimal) -> Split:
    """The fee carries tax in the quote's proportion (rounded half up); the rest splits like a completion."""
    fee = to_paise(fee)
    if fee < 0 or fee > terms.total:
        raise LedgerError(f"cancellation fee {fee} must be between 0 and the order total {terms.total}")
    tax = to_paise(fee * terms.tax / terms.total) if terms.total else ZERO
    pre_tax = fee - tax
    return split_fee(pre_tax, tax, policy, terms.finder_fee.on(pre_tax, terms.pre_tax))


def completion_entry(terms: OrderTerms, policy: SettlementPolicy) -> JournalEntry:
    """The entry that settles a completed order (prepaid: buyer app owes us; cash: the worker holds it; invoiced:
    the department's visit waits, unbilled, for its monthly invoice)."""
    if terms.worker_id is None:
        raise LedgerError(f"order {terms.order_id} completed without an assigned worker")
    split = completion_split(terms, policy)
    shared = [
        credit(wallet(terms.worker_id), split.worker_share),
        credit(COMMISSION, split.commission),
        credit(TAX, split.tax),
    ]
    kiosk_lines: list[Line] = []
    detail = _detail(terms, split, refund=ZERO)
    if terms.mode is PaymentMode.BUYER_APP_COLLECTS:
        money_in = [debit(receivable(_buyer_app(terms)), split.gross - split.finder_fee)]
    elif terms.mode is PaymentMode.INVOICED:
        # earned now, billed with the month's other visits: the invoice moves it to the department's receivable
        money_in = [debit(unbilled(_billed(terms)), split.gross)]
    elif terms.mode is PaymentMode.KIOSK_COLLECTS:
        kiosk = _kiosk(terms)
        if kiosk.paid > split.gross:
            raise LedgerError(f"order {terms.order_id}: the kiosk took {kiosk.paid}, more than its total {split.gross}")
        # A fee added after booking (a reschedule's) is the kiosk's to collect, like the fee it took at booking.
        money_in = [debit(ADVANCES, kiosk.paid), debit(kiosk_cash(kiosk.kiosk_id), split.gross - kiosk.paid)]
        kiosk_lines = [debit(KIOSK_COMMISSION, kiosk.commission), credit(kiosk_cash(kiosk.kiosk_id), kiosk.commission)]
        detail["kiosk_commission"] = str(kiosk.commission)
    else:
        money_in = [debit(cash_held(terms.worker_id), split.gross)]
        if split.finder_fee:
            money_in.append(credit(finder_fee_payable(_buyer_app(terms)), split.finder_fee))
    return build_entry(
        completion_key(terms.order_id),
        "completion",
        [*money_in, *shared, *kiosk_lines],
        order_id=terms.order_id,
        worker_id=terms.worker_id,
        bap_id=terms.bap_id,
        detail=detail,
    )


def cancellation_entry(terms: OrderTerms, policy: SettlementPolicy, fee: Decimal) -> JournalEntry | None:
    """The entry of a cancellation: the fee splits like a completion; prepaid money beyond it is refunded.

    The buyer app collects the fee (nothing was paid in cash yet), so it becomes a receivable net of its
    finder fee. A kiosk's order was paid at the kiosk, which keeps the fee out of the citizen's cash and hands her
    back the rest. With no worker assigned, the worker's share stays with the platform. None: nothing moves.
    """
    split = cancellation_split(terms, policy, fee)
    earner: Account = wallet(terms.worker_id) if terms.worker_id else COMMISSION
    earned = [credit(earner, split.worker_share), credit(COMMISSION, split.commission), credit(TAX, split.tax)]
    if terms.mode is PaymentMode.KIOSK_COLLECTS:
        kiosk = _kiosk(terms)
        refund = kiosk.paid - split.gross
        money: list[Line] = [debit(ADVANCES, kiosk.paid), credit(kiosk_cash(kiosk.kiosk_id), refund)]
    else:
        refund = terms.total - split.gross if terms.mode is PaymentMode.BUYER_APP_COLLECTS else ZERO
        if split.gross == 0 and refund == 0:  # every part of the split is at least zero: nothing moves
            return None
        bap_id = _buyer_app(terms)
        money = [
            debit(receivable(bap_id), split.gross - split.finder_fee + refund),
            credit(refunds_payable(bap_id), refund),
        ]
    lines = [*money, *earned]
    return build_entry(
        cancellation_key(terms.order_id),
        "cancellation",
        lines,
        order_id=terms.order_id,
        worker_id=terms.worker_id,
        bap_id=terms.bap_id,
        detail=_detail(terms, split, refund=refund),
    )


def fee_refund_entry(terms: OrderTerms, policy: SettlementPolicy, fee: Decimal) -> JournalEntry:
    """The entry that gives back a cancellation's `fee`: what it paid the worker (or the platform), the commission
    and the tax go back, and the buyer app is owed it for its customer, less the finder fee it kept of it (a kiosk
    hands it back to the citizen out of the cash it holds)."""
    split = cancellation_split(terms, policy, fee)
    if split.gross == 0:
        raise LedgerError(f"order {terms.order_id}: a cancellation fee of 0 has nothing to refund")
    earner: Account = wallet(terms.worker_id) if terms.worker_id else COMMISSION
    given_back = split.gross - split.finder_fee
    paid_back_by = (kiosk_cash(_kiosk(terms).kiosk_id) if terms.mode is PaymentMode.KIOSK_COLLECTS
                    else refunds_payable(_buyer_app(terms)))
    lines = [
        debit(earner, split.worker_share),
        debit(COMMISSION, split.commission),
        debit(TAX, split.tax),
        credit(paid_back_by, given_back),
    ]
    return build_entry(
        fee_refund_key(terms.order_id),
        FEE_REFUND,
        lines,
        order_id=terms.order_id,
        worker_id=terms.worker_id,
        bap_id=terms.bap_id,
        detail=_detail(terms, split, refund=given_back),
    )


def _buyer_app(terms: OrderTerms) -> str:
    """The buyer app that owes or is owed this money; an order without one cannot have such a line."""
    if terms.bap_id is None:
        raise LedgerError(f"order {terms.order_id} has no buyer app to collect from, pay or refund")
    return terms.bap_id


def _billed(terms: OrderTerms) -> str:
    if terms.billed_to is None:
        raise LedgerError(f"order {terms.order_id} names no account to invoice")
    return terms.billed_to


def _kiosk(terms: OrderTerms) -> KioskTerms:
    if terms.kiosk is None:
        raise LedgerError(f"order {terms.order_id} has no kiosk terms")
    return terms.kiosk


def _detail(terms: OrderTerms, split: Split, refund: Decimal) -> dict[str, str]:
    """The figures behind an entry, kept for statements and reconciliation (strings: exact in JSON)."""
    kiosk = {"kiosk_id": terms.kiosk.kiosk_id} if terms.kiosk else {}
    billed = {"billed_to": terms.billed_to} if terms.billed_to else {}
    return kiosk | billed | {
        "mode": terms.mode.value,
        "order_total": str(terms.total),
        "gross": str(split.gross),
        "tax": str(split.tax),
        "commission": str(split.commission),
        "finder_fee": str(split.finder_fee),
        "worker_share": str(split.worker_share),
        "refund": str(refund),
    }


# --- reading an order --------------------------------------------------------------------------


def terms_from_order(order: Order) -> OrderTerms:
    """Settlement terms from the order its owner holds: its parties, and the quote and payment as agreed (Beckn JSON).

    The owner settles in the transaction that saved the order, so the aggregate in hand is what is stored."""
    quote = order.quote.snapshot
    total = _money(quote.get("price", {}).get("value", order.quote.total), "quote.price.value")
    tax = sum(
        (
            _money(line.get("price", {}).get("value"), "quote tax line")
            for line in quote.get("breakup", [])
            if _breakup_type(line) == "tax"
        ),
        ZERO,
    )
    if tax > total:
        raise LedgerError(f"order {order.id}: tax {tax} exceeds the quoted total {total}")
    payment = order.payment.snapshot
    tags = _tag_values(payment.get("tags", []))
    kiosk = kiosk_terms(payment) if order.channel.kind == KIOSK else None
    billed_to = order.billed_to
    return OrderTerms(
        order_id=order.id,
        bap_id=order.channel.bap_id,
        worker_id=order.worker_id,
        total=total,
        tax=tax,
        mode=_mode(payment, kiosk, billed_to),
        finder_fee=_finder_fee(tags.get("Buyer_Finder_Fee", {})),
        settlement_window=tags.get("Settlement_Details", {}).get("Window"),
        kiosk=kiosk,
        billed_to=billed_to,
    )


def _mode(payment: Mapping[str, Any], kiosk: KioskTerms | None, billed_to: str | None) -> PaymentMode:
    if kiosk is not None:
        return PaymentMode.KIOSK_COLLECTS
    return PaymentMode.INVOICED if billed_to is not None else _payment_mode(payment)


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise LedgerError(f"{what} {value!r} is not a number") from exc
    if not number.is_finite():
        raise LedgerError(f"{what} {value!r} is not a number")
    return number


def _money(value: Any, what: str) -> Decimal:
    return to_paise(_decimal(value, what))


def _breakup_type(line: Mapping[str, Any]) -> str | None:
    for tag in line.get("tags", []):
        for item in tag.get("list", []):
            if item.get("descriptor", {}).get("code") == "type":
                return str(item.get("value"))
    return None


def _tag_values(tags: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """{tag code: {list code: value}} from Beckn tag groups."""
    values: dict[str, dict[str, str]] = {}
    for tag in tags:
        code = tag.get("descriptor", {}).get("code")
        if code:
            values[code] = {
                item.get("descriptor", {}).get("code"): str(item.get("value"))
                for item in tag.get("list", [])
                if item.get("descriptor", {}).get("code")
            }
    return values


def _payment_mode(payment: Mapping[str, Any]) -> PaymentMode:
    collected_by = str(payment.get("collected_by", "")).upper()
    if collected_by == "BAP":
        return PaymentMode.BUYER_APP_COLLECTS
    if collected_by == "BPP":
        return PaymentMode.CASH_WITH_WORKER
    raise LedgerError(f"payment collected_by {collected_by!r} must be BAP or BPP")


def _finder_fee(tag: Mapping[str, str]) -> FinderFee:
    if not tag.get("Buyer_Finder_Fee_Amount"):
        return NO_FINDER_FEE
    kind = FeeKind.named(tag.get("Buyer_Finder_Fee_Type", "percent"))
    value = _decimal(tag["Buyer_Finder_Fee_Amount"], "Buyer_Finder_Fee_Amount")
    if kind is FeeKind.AMOUNT:
        value = to_paise(value)
    if value < 0 or (kind is FeeKind.PERCENT and value > HUNDRED):
        raise LedgerError(f"buyer finder fee {value} {kind} is out of range")
    return FinderFee(kind, value)
