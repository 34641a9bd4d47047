"""Rating values, rated subjects and running averages."""

from decimal import Decimal

import pytest

from fulfillment.ratings import RatingAggregate, Subject, rating_value, subject_of
from schemas.refusal import Refusal


@pytest.mark.parametrize(
    ("category", "subject"),
    [
        ("Fulfillment", Subject.WORKER),
        ("Agent", Subject.WORKER),
        ("Provider", Subject.PROVIDER),
        (None, Subject.WORKER),
        ("PROVIDER", Subject.PROVIDER),
    ],
)
def test_subjects(category: str | None, subject: Subject) -> None:
    assert subject_of(category) is subject


@pytest.mark.parametrize("category", ["Item", "Support", "DRIVER"])
def test_unsupported_category_is_50003(category: str) -> None:
    with pytest.raises(Refusal) as refused:
        subject_of(category)
    assert refused.value.code == "50003"


@pytest.mark.parametrize("value", ["0", "6", "4.5", "", "abc"])
def test_bad_values_are_30015(value: str) -> None:
    with pytest.raises(Refusal) as refused:
        rating_value(value)
    assert refused.value.code == "30015"


def test_whole_star_values() -> None:
    assert [rating_value(v) for v in ("1", "5", "3.0", " 4 ")] == [1, 5, 3, 4]


def test_running_average() -> None:
    assert RatingAggregate(count=3, total=13).average == Decimal("4.33")
    assert RatingAggregate(count=2, total=9).average == Decimal("4.50")
    assert RatingAggregate().average is None
