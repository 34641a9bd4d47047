"""Indian mobile numbers as the notifier stores them (ten digits) and shows them in logs (masked)."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"(?:\+?91|0)?([6-9][0-9]{9})")


def normalise_phone(text: str) -> str | None:
    """Ten digits from "98765 43210", "+91-98765-43210", "09876543210" …; None unless it is an Indian mobile
    number (ten digits starting 6–9, after an optional +91, 91 or 0)."""
    match = _MOBILE.fullmatch(re.sub(r"[\s()-]", "", text))
    return match.group(1) if match else None


def mask_phone(phone: str) -> str:
    """All but the last four digits hidden: "******3210"."""
    return "*" * max(len(phone) - 4, 0) + phone[-4:]
