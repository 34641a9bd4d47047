"""Finder fees read from tag groups: search's BAP_Terms and the payment's Buyer_Finder_Fee."""

from decimal import Decimal

from catalog.search_intent import FinderFee, finder_fee_from_tags


def group(code: str, **values: str) -> dict[str, object]:
    return {"descriptor": {"code": code}, "list": [{"descriptor": {"code": k}, "value": v} for k, v in values.items()]}


def test_search_terms_and_payment_tags_read_alike() -> None:
    assert finder_fee_from_tags([group("BAP_Terms", finder_fee_type="percent", finder_fee_amount="3")]) == FinderFee(
        "percent", Decimal("3")
    )
    payment = [group("Buyer_Finder_Fee", Buyer_Finder_Fee_Type="amount", Buyer_Finder_Fee_Amount="25.50")]
    read = finder_fee_from_tags(payment, "Buyer_Finder_Fee", "Buyer_Finder_Fee_Type", "Buyer_Finder_Fee_Amount")
    assert read == FinderFee("amount", Decimal("25.50"))


def test_an_unreadable_amount_is_none_not_a_crash() -> None:
    payment = [group("Buyer_Finder_Fee", Buyer_Finder_Fee_Type="percent", Buyer_Finder_Fee_Amount="abc")]
    assert finder_fee_from_tags(payment, "Buyer_Finder_Fee", "Buyer_Finder_Fee_Type", "Buyer_Finder_Fee_Amount") is None
    assert finder_fee_from_tags([group("Other", finder_fee_amount="3")]) is None
