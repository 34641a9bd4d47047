"""The price of one fixed-fee service: item, tax, discount and misc lines that sum to the total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from catalog.formats import money, price_value, to_paise
from catalog.model import ServiceItem

CURRENCY: Final = "INR"
QUOTE_TTL: Final = "PT15M"
ZERO: Final = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote for one item at one catalogue version; `total` is the exact sum of the lines."""

    item_id: str
    item_version: int
    title: str
    item_price: Decimal
    tax: Decimal
    discount: Decimal = ZERO  # a reduction, kept as a negative amount
    misc: Decimal = ZERO  # convenience fee; tagged `convenience_fee` as the SRV title enum says

    @property
    def total(self) -> Decimal:
        return self.item_price + self.tax + self.discount + self.misc

    def to_beckn(self) -> dict[str, Any]:
        """The Beckn `quote` object with breakup lines tagged by title type."""
        lines = (
            (self.title, "item", self.item_price),
            ("tax", "tax", self.tax),
            ("discount", "discount", self.discount),
            ("convenience_fee", "convenience_fee", self.misc),
        )
        breakup = [self._line(title, kind, amount) for title, kind, amount in lines]
        return {
            "price": {"currency": CURRENCY, "value": money(self.total)},
            "breakup": breakup,
            "ttl": QUOTE_TTL,
        }

    def _line(self, title: str, kind: str, amount: Decimal) -> dict[str, Any]:
        # Every line is about the one visit booked, so each carries its quantity (SRV order tables:
        # `quote.breakup.item.quantity` is required on every line, tax and fees included).
        item: dict[str, Any] = {"id": self.item_id, "quantity": {"selected": {"count": 1}}}
        if kind == "item":
            item["price"] = {"currency": CURRENCY, "value": money(amount)}
        return {
            "title": title,
            "price": {"currency": CURRENCY, "value": money(amount)},
            "item": item,
            "tags": [
                {
                    "descriptor": {"code": "title"},
                    "list": [{"descriptor": {"code": "type"}, "value": kind}],
                }
            ],
        }


def quote_for(item: ServiceItem) -> Quote:
    """The quote of `item`: its fixed fee plus GST at its tax rate, rounded to paise."""
    fee = to_paise(item.fee)
    return Quote(
        item_id=item.id,
        item_version=item.version,
        title=item.name_en,
        item_price=fee,
        tax=to_paise(fee * item.tax_percent / Decimal(100)),
    )


def breakup_sum(quote: dict[str, Any]) -> Decimal:
    """The sum of a Beckn quote's breakup lines (to check it equals `price.value`)."""
    return sum((price_value(line["price"]) for line in quote["breakup"]), ZERO)
