"""Wire formats the catalogue writes: prices with two places, RFC 3339 UTC timestamps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PAISA = Decimal("0.01")


def to_paise(amount: Decimal) -> Decimal:
    """Round to whole paise, half up: how GST amounts are rounded on Indian invoices and every ledger split."""
    if not isinstance(amount, Decimal):  # a float would carry binary rounding error into the books
        raise TypeError(f"money must be Decimal, got {type(amount).__name__}")
    return amount.quantize(PAISA, rounding=ROUND_HALF_UP)


def money(amount: Decimal) -> str:
    """A price value as ONDC sends it: a decimal string with exactly two places."""
    return f"{to_paise(amount):.2f}"


def price_value(price: Mapping[str, Any]) -> Decimal:
    """The amount of a Beckn `price` object (`{"currency": "INR", "value": "499.00"}`) read back as Decimal.

    The one way the domain reads a price it wrote with `money` (or an older row stored as a JSON number).
    """
    return Decimal(str(price["value"]))


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, e.g. `2024-05-01T09:30:00.000Z`."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

