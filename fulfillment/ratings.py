"""Ratings of a finished or running order: what may be rated, valid values, running averages (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from schemas.errors import INVALID_RATING_VALUE, UNSUPPORTED_RATING_CATEGORY
from schemas.refusal import Refusal

MIN_RATING: Final = 1
MAX_RATING: Final = 5


class Subject(StrEnum):
    """Who a rating is about."""

    WORKER = "worker"
    PROVIDER = "provider"


# Beckn Rating.rating_category -> subject. A home service's fulfillment *is* the worker's visit.
CATEGORY_SUBJECTS: Final[dict[str, Subject]] = {
    "fulfillment": Subject.WORKER,
    "agent": Subject.WORKER,
    "provider": Subject.PROVIDER,
}


def subject_of(rating_category: str | None) -> Subject:
    """The subject a Beckn rating category rates; missing means the fulfillment (the worker)."""
    subject = CATEGORY_SUBJECTS.get((rating_category or "Fulfillment").lower())
    if subject is None:
        raise Refusal(
            UNSUPPORTED_RATING_CATEGORY.code,
            f"rating_category {rating_category!r} is not rated here; rate Fulfillment, Agent or Provider",
        )
    return subject


def rating_value(value: str) -> int:
    """A whole number of stars from 1 to 5, or Refusal 30015."""
    try:
        number = Decimal(value.strip())
    except ArithmeticError:
        number = Decimal(-1)
    if number != number.to_integral_value() or not MIN_RATING <= number <= MAX_RATING:
        raise Refusal(
            INVALID_RATING_VALUE.code, f"rating value {value!r} must be a whole number from 1 to 5"
        )
    return int(number)


@dataclass(frozen=True, slots=True)
class RatingAggregate:
    """How many ratings a subject has and their sum; the average is derived, never stored."""

    count: int = 0
    total: int = 0

    @property
    def average(self) -> Decimal | None:
        """Mean stars with two places; None before the first rating."""
        if self.count == 0:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
