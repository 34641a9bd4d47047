"""Payment objects of on_init / on_confirm: who collects, our settlement account, the finder fee.

Shapes follow the SRV examples: on_init carries `Settlement_Details` (counterparty and account)
and `Buyer_Finder_Fee`; on_confirm carries `Settlement_Counterparty` (account),
`Settlement_Details` (window, basis, withholding, phase) and `Buyer_Finder_Fee`. Both carry our
account in `params` too (`bank_account_number`, `virtual_payment_address`, the IFSC as Beckn's
`bank_code`): the SRV attribute tables of on_init/on_confirm/on_status mark the first two required.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from catalog.finder_fee import NO_FINDER_FEE, FinderFee
from catalog.formats import money
from catalog.quote import CURRENCY

SETTLEMENT_WINDOW: Final = "P1D"


@dataclass(frozen=True, slots=True)
class SettlementAccount:
    """Where a buyer app that collected the money settles it to Seva Mitra."""

    beneficiary_name: str
    upi_address: str
    bank_account_number: str
    ifsc_code: str

    def params(self) -> dict[str, str]:
        """The account as Beckn `payments[].params` name it."""
        return {
            "bank_account_number": self.bank_account_number,
            "bank_code": self.ifsc_code,
            "virtual_payment_address": self.upi_address,
        }


def _group(code: str, values: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {
        "descriptor": {"code": code},
        "list": [{"descriptor": {"code": key}, "value": value} for key, value in values],
    }


def _counterparty(terms: dict[str, str], account: SettlementAccount) -> tuple[tuple[str, str], ...]:
    counterparty = "BPP" if terms["collected_by"] == "BAP" else "BAP"
    return (
        ("Counterparty", counterparty),
        ("Mode", "UPI"),
        ("Beneficiary_Name", account.beneficiary_name),
        ("Bank_Account_No", account.bank_account_number),
        ("Ifsc_Code", account.ifsc_code),
        ("UPI_Address", account.upi_address),
    )


def init_payment(
    terms: dict[str, str], total: Decimal, account: SettlementAccount, finder_fee: FinderFee | None
) -> dict[str, Any]:
    """The on_init payment: terms, amount due, settlement account and the echoed finder fee."""
    return {
        "id": "PY1" if terms["type"] == "PRE-FULFILLMENT" else "PY2",
        **terms,
        "params": {**account.params(), "amount": money(total), "currency": CURRENCY},
        "status": "NOT-PAID",
        "tags": [
            _group("Settlement_Details", _counterparty(terms, account)),
            (finder_fee or NO_FINDER_FEE).tags(),
        ],
    }


def confirm_payment(
    terms: dict[str, str],
    total: Decimal,
    account: SettlementAccount,
    finder_fee: FinderFee | None,
    *,
    status: str,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The on_confirm payment: as on_init plus the settlement window and basis."""
    details = (
        ("Window", SETTLEMENT_WINDOW),
        ("Basis", "Completed"),
        ("Witholding_Amount", "0.00"),
        ("Phase", "sale-amount"),
    )
    return {
        "id": "PY1" if terms["type"] == "PRE-FULFILLMENT" else "PY2",
        **terms,
        "params": {**(params or {}), **account.params(), "amount": money(total), "currency": CURRENCY},
        "status": status,
        "tags": [
            _group("Settlement_Counterparty", _counterparty(terms, account)),
            _group("Settlement_Details", details),
            (finder_fee or NO_FINDER_FEE).tags(),
        ],
    }


def cash_at_visit(total: Decimal) -> dict[str, Any]:
    """The payment of an order booked without a buyer app (helpline): the citizen pays the worker in cash at the
    visit, as on an ONDC ON-FULFILLMENT order we collect; no buyer app settles, so no settlement tags."""
    return {
        "type": "ON-FULFILLMENT",
        "collected_by": "BPP",
        "params": {"amount": money(total), "currency": CURRENCY},
        "status": "NOT-PAID",
    }
