"""Finder fees read from tag groups: search's BAP_Terms and the payment's Buyer_Finder_Fee."""

from decimal import Decimal

from catalog.finder_fee import FeeKind, FinderFee
from catalog.wire_in import finder_fee as finder_fee_from_tags
from schemas.objects import TagGroup


def group(code: str, **values: str) -> TagGroup:
    return TagGroup.model_validate(
        {"descriptor": {"code": code}, "list": [{"descriptor": {"code": k}, "value": v} for k, v in values.items()]}
    )


def test_search_terms_and_payment_tags_read_alike() -> None:
    assert finder_fee_from_tags([group("BAP_Terms", finder_fee_type="percent", finder_fee_amount="3")]) == FinderFee(
        FeeKind.PERCENT, Decimal("3")
    )
    payment = [group("Buyer_Finder_Fee", Buyer_Finder_Fee_Type="amount", Buyer_Finder_Fee_Amount="25.50")]
    read = finder_fee_from_tags(payment, "Buyer_Finder_Fee", "Buyer_Finder_Fee_Type", "Buyer_Finder_Fee_Amount")
    assert read == FinderFee(FeeKind.AMOUNT, Decimal("25.50"))


def test_an_unreadable_amount_is_none_not_a_crash() -> None:
    payment = [group("Buyer_Finder_Fee", Buyer_Finder_Fee_Type="percent", Buyer_Finder_Fee_Amount="abc")]
    assert finder_fee_from_tags(payment, "Buyer_Finder_Fee", "Buyer_Finder_Fee_Type", "Buyer_Finder_Fee_Amount") is None
    assert finder_fee_from_tags([group("Other", finder_fee_amount="3")]) is None


def test_the_fee_we_echo_reads_back_as_the_fee_we_settle() -> None:
    """One FinderFee from search's terms to the payment tag settlement reads: echo, store and read agree."""
    stated = finder_fee_from_tags([group("BAP_Terms", finder_fee_type="Percentage", finder_fee_amount="3")])
    assert stated is not None and stated == FinderFee(FeeKind.PERCENT, Decimal("3"))
    payment_tags = [TagGroup.model_validate(stated.tags())]
    echoed = finder_fee_from_tags(payment_tags, "Buyer_Finder_Fee", "Buyer_Finder_Fee_Type", "Buyer_Finder_Fee_Amount")
    assert echoed == stated == FinderFee.from_json(stated.as_json())
    assert stated.on(Decimal("500.00"), Decimal("500.00")) == Decimal("15.00")
