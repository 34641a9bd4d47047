"""Kiosks (Jan Seva Kendra counters) booking for walk-in citizens: their money rules (pure, no I/O).

A kiosk takes the order's whole fee in cash at its counter when it books, so the order is paid before the visit
and the worker collects nothing at the door. The ledger follows the cash:

- booking: the kiosk holds the fee for Seva Mitra (`kiosk_cash:{kiosk}`), owed to the citizen until the service
  is done (`advances`);
- completion: the advance pays the worker, commission and tax exactly as a buyer app's payment would, and the
  kiosk earns its commission, which it keeps out of the cash it holds (`kiosk_commission` → `kiosk_cash`);
- cancellation: the kiosk hands the citizen back what the cancellation terms leave her, out of the same cash;
- deposit: staff record the cash the kiosk paid in (`kiosk_cash` → `bank`).

So the kiosk's cash account is exactly what it owes Seva Mitra (its cash due). The commission is a fixed amount
per completed booking, fixed in the order's payment when it is booked: a later change of the kiosk's rate does not
reach bookings already made. `docs/settlement.md` has the entries with an example.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from catalog.formats import money, to_paise
from fulfillment.ledger import (
    ADVANCES,
    BANK,
    ZERO,
    JournalEntry,
    LedgerError,
    build_entry,
    credit,
    debit,
    kiosk_cash,
)
from schemas.refusal import Refusal

KIOSK_TAG: Final = "Kiosk_Collection"  # the tag of a kiosk order's payment naming the kiosk and its commission
COLLECTION: Final = "kiosk_collection"  # entry kinds
DEPOSIT: Final = "kiosk_deposit"
OUTSIDE_DISTRICT: Final = "outside_district"  # the refusal code of a booking outside the kiosk's district
_COMPLETION: Final = "completion"  # fulfillment.settlement's entry kind, which imports this module


@dataclass(frozen=True, slots=True)
class KioskTerms:
    """What a kiosk order's payment fixed at booking: the kiosk, the cash it took and the commission it will earn."""

    kiosk_id: str
    paid: Decimal
    commission: Decimal


def commission_for_booking(rate: Decimal, pre_tax_fee: Decimal) -> Decimal:
    """The kiosk's commission on one booking: its fixed rate, never more than the service's own pre-tax fee."""
    if rate < 0 or rate != to_paise(rate):
        raise LedgerError(f"a kiosk commission must be a positive amount in rupees and paise, got {rate}",
                          "commission", "कियोस्क कमीशन रुपये और पैसे में शून्य या उससे अधिक राशि होनी चाहिए।")
    return min(rate, pre_tax_fee)


def collection_key(order_id: str) -> str:
    """The receipt of the cash a kiosk took for an order: the key of its entry and the payment's transaction id."""
    return f"order:{order_id}:paid-at-kiosk"


def deposit_key(kiosk_id: str, receipt: str) -> str:
    """`kiosk:{kiosk}:deposit:{receipt}`: one deposit slip posts once, however often staff submit it."""
    return f"kiosk:{kiosk_id}:deposit:{receipt}"


def paid_at_kiosk(order_id: str, terms: KioskTerms) -> dict[str, Any]:
    """The payment of an order a kiosk booked: paid in full before the visit, the kiosk collecting for us (BPP)."""
    return {
        "type": "PRE-FULFILLMENT",
        "collected_by": "BPP",
        "params": {"amount": money(terms.paid), "currency": "INR", "transaction_id": collection_key(order_id)},
        "status": "PAID",
        "tags": [
            {
                "descriptor": {"code": KIOSK_TAG},
                "list": [
                    {"descriptor": {"code": "Kiosk_Id"}, "value": terms.kiosk_id},
                    {"descriptor": {"code": "Commission"}, "value": money(terms.commission)},
                ],
            }
        ],
    }


def kiosk_terms(payment: Mapping[str, Any]) -> KioskTerms:
    """The kiosk terms `paid_at_kiosk` wrote into an order's payment; a LedgerError when they are not there."""
    listed = next(
        (tag.get("list", []) for tag in payment.get("tags", []) if tag.get("descriptor", {}).get("code") == KIOSK_TAG),
        None,
    )
    if listed is None:
        raise LedgerError(f"a kiosk order's payment lacks its {KIOSK_TAG} tag")
    values = {item.get("descriptor", {}).get("code"): item.get("value") for item in listed}
    return KioskTerms(
        kiosk_id=str(values.get("Kiosk_Id") or ""),
        paid=_amount(payment.get("params", {}).get("amount"), "params.amount"),
        commission=_amount(values.get("Commission"), "Commission"),
    )


def _amount(value: Any, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise LedgerError(f"a kiosk order's payment {what} {value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount != to_paise(amount):
        raise LedgerError(f"a kiosk order's payment {what} {value!r} is not an amount in rupees and paise")
    return amount


def collection_entry(order_id: str, terms: KioskTerms) -> JournalEntry:
    """The kiosk took the citizen's fee at its counter: it holds the cash, and we owe her the service."""
    if terms.paid <= 0:
        raise LedgerError(f"order {order_id}: a kiosk booking collects a positive fee, not {terms.paid}")
    return build_entry(
        collection_key(order_id),
        COLLECTION,
        [debit(kiosk_cash(terms.kiosk_id), terms.paid), credit(ADVANCES, terms.paid)],
        order_id=order_id,
        detail={"kiosk_id": terms.kiosk_id, "paid": str(terms.paid), "commission": str(terms.commission)},
    )


# Staff enter deposits in the console; one Hindi text covers each way a deposit is refused.
_DEPOSIT_HI: Final = "जमा राशि जाँचें: राशि कियोस्क की बकाया नकद राशि से अधिक नहीं हो सकती और रसीद संख्या ज़रूरी है।"


def deposit_entry(kiosk_id: str, amount: Decimal, receipt: str, due: Decimal) -> JournalEntry:
    """The kiosk paid in cash it held for us (`due` is what it owed): it leaves the kiosk's account for the bank."""
    if amount <= 0 or amount != to_paise(amount):
        raise LedgerError(
            f"Check the deposit: the deposit must be a positive amount in rupees and paise, got {amount}.",
            "amount", _DEPOSIT_HI,
        )
    if amount > due:
        raise LedgerError(f"Check the deposit: the deposit of {amount} is more than the {due} the kiosk owes.",
                          "amount", _DEPOSIT_HI)
    slip = receipt.strip()
    if not slip:
        raise LedgerError("Check the deposit: give the deposit's receipt or bank reference.", "receipt", _DEPOSIT_HI)
    return build_entry(
        deposit_key(kiosk_id, slip),
        DEPOSIT,
        [debit(BANK, amount), credit(kiosk_cash(kiosk_id), amount)],
        detail={"kiosk_id": kiosk_id, "receipt": slip},
    )


def check_booking_district(kiosk_district: str, kiosk_district_name: str, booking_district: str,
                           booking_district_name: str) -> None:
    """A kiosk books only for places in its own district (city codes such as `std:0522`); else a refusal naming
    the pincode, in English and Hindi."""
    if booking_district == kiosk_district:
        return
    raise Refusal(
        OUTSIDE_DISTRICT,
        f"This kiosk books only in {kiosk_district_name} district; this pincode is in {booking_district_name}. "
        "A kiosk of that district, or the helpline 155330, can book it.",
        "pincode",
        f"यह कियोस्क केवल {kiosk_district_name} ज़िले में बुकिंग करता है; यह पिनकोड {booking_district_name} में है। "
        "उस ज़िले का कियोस्क या हेल्पलाइन 155330 यह बुकिंग कर सकते हैं।",
    )


# --- the statement ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Movement:
    """One journal entry as it touched a kiosk's cash: `change` is what it did to the kiosk's cash due."""

    entry_id: int
    at: datetime
    kind: str  # kiosk_collection, completion, cancellation, cancellation_fee_refund, kiosk_deposit
    order_id: str | None
    change: Decimal
    detail: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StatementLine:
    at: datetime
    kind: str
    order_id: str | None
    change: Decimal  # + the kiosk owes more (a booking's fee), − less (its commission, a refund, a deposit)
    commission: Decimal  # earned by this line: a completed booking's
    due_after: Decimal
    receipt: str | None  # a deposit's slip


@dataclass(frozen=True, slots=True)
class KioskStatement:
    """A kiosk's cash account over a period: what it owed before, each movement, and what it owes now."""

    opening_due: Decimal
    lines: tuple[StatementLine, ...]

    @property
    def cash_due(self) -> Decimal:
        """What the kiosk owes Seva Mitra at the end of the period (negative: Seva Mitra owes the kiosk)."""
        return self.lines[-1].due_after if self.lines else self.opening_due

    @property
    def bookings(self) -> int:
        return sum(1 for line in self.lines if line.kind == COLLECTION)

    @property
    def collected(self) -> Decimal:
        return sum((line.change for line in self.lines if line.kind == COLLECTION), ZERO)

    @property
    def commission(self) -> Decimal:
        return sum((line.commission for line in self.lines), ZERO)

    @property
    def deposited(self) -> Decimal:
        return -sum((line.change for line in self.lines if line.kind == DEPOSIT), ZERO)

    @property
    def refunded(self) -> Decimal:
        """Handed back to citizens whose bookings were cancelled (or whose cancellation fee was given back)."""
        return -sum((line.change for line in self.lines if line.kind not in (COLLECTION, DEPOSIT, _COMPLETION)),
                    ZERO)


def statement(opening_due: Decimal, movements: Iterable[Movement]) -> KioskStatement:
    """The statement of the movements (any order: they are sorted as posted) after `opening_due`."""
    lines: list[StatementLine] = []
    due = opening_due
    for movement in sorted(movements, key=lambda m: m.entry_id):
        due += movement.change
        commission = _commission_of(movement)
        receipt = movement.detail.get("receipt") if movement.kind == DEPOSIT else None
        lines.append(StatementLine(movement.at, movement.kind, movement.order_id, movement.change, commission, due,
                                   receipt))
    return KioskStatement(opening_due, tuple(lines))


def _commission_of(movement: Movement) -> Decimal:
    value = movement.detail.get("kiosk_commission") if movement.kind == _COMPLETION else None
    return Decimal(str(value)) if value is not None else ZERO

