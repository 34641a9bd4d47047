"""Cash at the door: which orders the worker collects in cash, and that she takes exactly the locked fee (pure).

Payment types paid on or after fulfillment are collected by the worker in cash; a prepaid order takes no money at
the door, and neither does one billed to an account's monthly invoice (a government department's). The locked fee is
the most she may take (more is overcharging) and the least she may record (less would leave the ledger short of the
cash she holds).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from schemas.refusal import Refusal

CASH_PAYMENT_TYPES: Final = ("ON-FULFILLMENT", "POST-FULFILLMENT")
PAID: Final = "PAID"
INVOICE_TAG: Final = "Invoice"  # the tag of a payment billed to an account's monthly invoice
INVOICE_ACCOUNT: Final = "Account"  # its entry naming the account


def invoiced_account(payment: Mapping[str, Any]) -> str | None:
    """The account whose monthly invoice bills this payment (a department's, `fulfillment.departments`), if any."""
    for tag in payment.get("tags") or ():
        if (tag.get("descriptor") or {}).get("code") == INVOICE_TAG:
            for entry in tag.get("list") or ():
                if (entry.get("descriptor") or {}).get("code") == INVOICE_ACCOUNT and entry.get("value"):
                    return str(entry["value"])
    return None


def cash_due(payment: Mapping[str, Any], total: Decimal) -> Decimal | None:
    """The fee the worker collects in cash at the door, or None when it is paid another way."""
    unpaid_cash = str(payment.get("type", "")).upper() in CASH_PAYMENT_TYPES and payment.get("status") != PAID
    return total if unpaid_cash and invoiced_account(payment) is None else None


def paid_in_cash(payment: Mapping[str, Any], receipt: str) -> dict[str, Any]:
    """The payment once the worker took the cash: PAID, and (SRV: `params.transaction_id` is "required
    when payment status is PAID") the receipt of that collection, which is the key of the ledger entry
    that puts the cash in her `cash_held` account (`docs/settlement.md`)."""
    params = {**(payment.get("params") or {}), "transaction_id": receipt}
    return {**payment, "status": PAID, "params": params}


def check_collected(amount: Decimal | None, fee: Decimal | None) -> None:
    """A Refusal unless `amount` is what the worker must have collected: exactly `fee`, or nothing when prepaid."""
    if fee is None:
        if amount is not None and amount != 0:
            raise Refusal(
                "overcharge",
                "This order is already paid (online or at a kiosk). Do not take any money from the customer.",
                message_hi="इस ऑर्डर का भुगतान पहले ही (ऑनलाइन या कियोस्क पर) हो चुका है। ग्राहक से कोई पैसा न लें।",
            )
        return
    if amount is None:
        raise Refusal(
            "amount_required",
            f"Enter the cash you collected: exactly ₹{fee}.",
            message_hi=f"लिया गया नकद दर्ज करें: ठीक ₹{fee}।",
        )
    if amount > fee:
        raise Refusal(
            "overcharge",
            f"₹{amount} is more than the fixed fee ₹{fee}. Overcharging is not allowed: return the extra.",
            message_hi=f"₹{amount} तय शुल्क ₹{fee} से अधिक है। अधिक वसूली मना है: अतिरिक्त राशि लौटाएँ।",
        )
    if amount < fee:
        raise Refusal(
            "amount_mismatch",
            f"The fixed fee is ₹{fee}; collect exactly that and enter it.",
            message_hi=f"तय शुल्क ₹{fee} है; ठीक इतनी राशि लें और दर्ज करें।",
        )
