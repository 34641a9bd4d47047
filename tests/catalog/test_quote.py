"""Quotes: the item line is the fixed fee and the breakup sums exactly to the total."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from catalog.formats import money, price_value
from catalog.model import ServiceItem
from catalog.quote import breakup_sum, quote_for


def _item(fee: str, tax: str = "18") -> ServiceItem:
    return ServiceItem(
        id="I1",
        provider_id="P",
        category_id="SRV11-1047",
        name_en="Tap repair",
        name_hi="नल मरम्मत",
        fee=Decimal(fee),
        duration_minutes=45,
        tax_percent=Decimal(tax),
        version=3,
    )


def test_plumber_quote_lines() -> None:
    quote = quote_for(_item("199")).to_beckn()
    assert [line["price"]["value"] for line in quote["breakup"]] == ["199.00", "35.82", "0.00", "0.00"]
    assert quote["price"] == {"currency": "INR", "value": "234.82"}
    kinds = [line["tags"][0]["list"][0]["value"] for line in quote["breakup"]]
    assert kinds == ["item", "tax", "discount", "convenience_fee"]


def test_quote_keeps_item_version() -> None:
    assert quote_for(_item("499")).item_version == 3


@given(
    fee=st.decimals(min_value=Decimal("1"), max_value=Decimal("99999"), places=2),
    tax=st.sampled_from(["0", "5", "12", "18", "28"]),
)
def test_breakup_sums_to_total(fee: Decimal, tax: str) -> None:
    quote = quote_for(_item(str(fee), tax)).to_beckn()
    assert breakup_sum(quote) == Decimal(quote["price"]["value"])
    assert Decimal(quote["breakup"][0]["price"]["value"]) == fee


def test_price_value_reads_back_what_money_wrote() -> None:
    item = _item("499")
    assert price_value(quote_for(item).to_beckn()["price"]) == quote_for(item).total
    assert price_value({"currency": "INR", "value": money(Decimal("499.005"))}) == Decimal("499.01")
    assert price_value({"value": 590}) == Decimal("590")  # a JSON number, as some older rows hold
