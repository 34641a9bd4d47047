"""The buyer app's finder fee: read from its tags (`catalog.wire_in`), echoed in our payments, applied when an order
settles.

Search states it in the intent's `BAP_Terms` group (`finder_fee_type`, `finder_fee_amount`); init and
confirm payments carry it as `Buyer_Finder_Fee` (`Buyer_Finder_Fee_Type`, `Buyer_Finder_Fee_Amount`). The SRV
tag list: type `percent` is a share of the order value, `amount` a flat fee in INR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from catalog.formats import to_paise

HUNDRED: Final = Decimal(100)


class FeeKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"

    @classmethod
    def named(cls, text: str) -> FeeKind:
        """The kind a tag names: `percent…` in any case is a share, anything else a flat amount."""
        return cls.PERCENT if text.lower().startswith("percent") else cls.AMOUNT


@dataclass(frozen=True, slots=True)
class FinderFee:
    """`amount` percent of the order, or a flat `amount` in rupees."""

    kind: FeeKind
    amount: Decimal

    def on(self, pre_tax: Decimal, full_pre_tax: Decimal) -> Decimal:
        """The fee on `pre_tax`; a flat amount scales with the share of the full fee being settled."""
        if self.kind is FeeKind.PERCENT:
            return to_paise(pre_tax * self.amount / HUNDRED)
        if full_pre_tax == 0:
            return Decimal("0.00")
        return to_paise(self.amount * pre_tax / full_pre_tax)

    def tags(self) -> dict[str, Any]:
        """The Buyer_Finder_Fee tag group of on_init/on_confirm payments, echoing the buyer's terms."""
        values = (("Buyer_Finder_Fee_Type", self.kind.value), ("Buyer_Finder_Fee_Amount", f"{self.amount}"))
        return {
            "descriptor": {"code": "Buyer_Finder_Fee"},
            "list": [{"descriptor": {"code": code}, "value": value} for code, value in values],
        }

    def as_json(self) -> dict[str, str]:
        return {"type": self.kind.value, "amount": str(self.amount)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> FinderFee | None:
        if not data:
            return None
        return cls(FeeKind.named(str(data["type"])), Decimal(str(data["amount"])))


# What our payments echo when the buyer app stated no fee.
NO_FINDER_FEE: Final = FinderFee(FeeKind.PERCENT, Decimal("0"))

