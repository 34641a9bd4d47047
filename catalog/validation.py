"""Checks on staff input for catalogue items and providers; each problem names its field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from catalog.codec import item_from_json, provider_from_json
from catalog.engagement_terms import (
    MAX_NOTICE_DAYS,
    MAX_TERM_MONTHS,
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    BillingMode,
    EmploymentBasis,
)
from catalog.model import FULFILLMENT_STATES, Provider, ServiceItem
from catalog.schedule import parse_clock, parse_days
from catalog.taxonomy import CATEGORIES
from schemas.spreadsheet import formula_refusal, looks_like_formula

_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_DURATION: Final = re.compile(r"P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?")
_GPS: Final = re.compile(r"-?\d{1,2}\.\d+,-?\d{1,3}\.\d+")
_CITY: Final = re.compile(r"std:\d{2,5}")
MAX_FEE: Final = Decimal("100000")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One wrong field: its name and what to do, in English and Hindi."""

    field: str
    en: str
    hi: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "en": self.en, "hi": self.hi}


class _Checker:
    """Collects FieldErrors while reading one input mapping."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: list[FieldError] = []

    def fail(self, field: str, en: str, hi: str) -> None:
        self.errors.append(FieldError(field, en, hi))

    def text(self, field: str, *, max_length: int = 200, required: bool = True) -> None:
        value = self.data.get(field)
        if value in (None, "") and not required:
            return
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"Enter {field}; it cannot be empty.", f"{field} भरें; यह खाली नहीं हो सकता।")
        elif len(value) > max_length:
            self.fail(
                field,
                f"Shorten {field} to at most {max_length} characters.",
                f"{field} को अधिकतम {max_length} अक्षरों का करें।",
            )

    def name(self, field: str) -> None:
        """A required display name that does not begin like a spreadsheet formula (it reaches CSV exports)."""
        self.text(field, max_length=120)
        value = self.data.get(field)
        if isinstance(value, str) and looks_like_formula(value):
            self.fail(field, *formula_refusal(field))

    def identifier(self, field: str) -> None:
        value = self.data.get(field)
        if not isinstance(value, str) or not _ID.fullmatch(value):
            self.fail(
                field,
                f"{field} must be 1-64 letters, digits, '-' or '_' (e.g. SM-LKO-PLUMB-1).",
                f"{field} में 1-64 अक्षर, अंक, '-' या '_' हों (जैसे SM-LKO-PLUMB-1)।",
            )

    def decimal(self, field: str, low: Decimal, high: Decimal) -> Decimal | None:
        try:
            value = Decimal(str(self.data.get(field)))
            ok = value.is_finite() and low <= value <= high and -value.as_tuple().exponent <= 2  # type: ignore[operator]
        except (InvalidOperation, TypeError):
            ok = False
        if not ok:
            self.fail(
                field,
                f"{field} must be a number from {low} to {high} with at most 2 decimal places, e.g. 299.00.",
                f"{field} {low} से {high} के बीच की संख्या हो (अधिकतम 2 दशमलव), जैसे 299.00।",
            )
            return None
        return value

    def integer(self, field: str, low: int, high: int) -> None:
        value = self.data.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                field,
                f"{field} must be a whole number from {low} to {high}.",
                f"{field} {low} से {high} के बीच की पूर्ण संख्या हो।",
            )

    def parsed(self, field: str, value: Any, parse: Callable[[Any], Any], en: str, hi: str) -> Any:
        try:
            return parse(value)
        except (ValueError, TypeError, KeyError, InvalidOperation):
            self.fail(field, en, hi)
            return None


def _check_availability(checker: _Checker, data: Any) -> None:
    if not isinstance(data, Mapping):
        checker.fail("availability", "Give the availability (days, opens, closes).", "उपलब्धता (दिन, समय) भरें।")
        return
    checker.parsed(
        "availability.days",
        str(data.get("days")),
        parse_days,
        "days must be weekday numbers 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5,6.",
        "दिन 1 (सोमवार) से 7 (रविवार) की संख्या हों, जैसे 1,2,3,4,5,6।",
    )
    opens = checker.parsed(
        "availability.opens",
        data.get("opens"),
        parse_clock,
        "opens must be a time like 08:00.",
        "खुलने का समय 08:00 जैसा हो।",
    )
    closes = checker.parsed(
        "availability.closes",
        data.get("closes"),
        parse_clock,
        "closes must be a time like 20:00.",
        "बंद होने का समय 20:00 जैसा हो।",
    )
    if opens is not None and closes is not None and opens >= closes:
        checker.fail(
            "availability.closes",
            "closes must be later than opens.",
            "बंद होने का समय खुलने के समय के बाद हो।",
        )
    slot = data.get("slot_minutes")
    if isinstance(slot, bool) or not isinstance(slot, int) or not 15 <= slot <= 480:
        checker.fail(
            "availability.slot_minutes",
            "slot_minutes must be a whole number from 15 to 480.",
            "slot_minutes 15 से 480 के बीच की पूर्ण संख्या हो।",
        )
    for index, day in enumerate(data.get("holidays") or ()):
        checker.parsed(
            f"availability.holidays[{index}]",
            str(day),
            date.fromisoformat,
            "holidays must be dates like 2025-10-20.",
            "छुट्टियाँ 2025-10-20 जैसी तारीख़ हों।",
        )


def _check_cancellation(checker: _Checker, terms: Any) -> None:
    if not isinstance(terms, list) or not terms:
        checker.fail("cancellation_terms", "Give the cancellation terms.", "रद्द करने की शर्तें भरें।")
        return
    states = [term.get("state") for term in terms if isinstance(term, Mapping)]
    for index, term in enumerate(terms):
        field = f"cancellation_terms[{index}]"
        if not isinstance(term, Mapping) or term.get("state") not in FULFILLMENT_STATES:
            checker.fail(
                f"{field}.state",
                f"state must be one of {', '.join(FULFILLMENT_STATES)}.",
                f"state इनमें से एक हो: {', '.join(FULFILLMENT_STATES)}।",
            )
            continue
        term_checker = _Checker(term)
        has_percent, has_amount = term.get("fee_percent") is not None, term.get("fee_amount") is not None
        if has_percent == has_amount:
            checker.fail(
                f"{field}.fee_percent",
                "Give either fee_percent or fee_amount, not both.",
                "fee_percent या fee_amount में से केवल एक भरें।",
            )
        elif has_percent:
            term_checker.decimal("fee_percent", Decimal(0), Decimal(100))
        else:
            term_checker.decimal("fee_amount", Decimal(0), MAX_FEE)
        checker.errors.extend(FieldError(f"{field}.{e.field}", e.en, e.hi) for e in term_checker.errors)
        if (
            term["state"] == "Pending"
            and Decimal(str(term.get("fee_amount") or term.get("fee_percent") or 0)) != 0
        ):
            checker.fail(
                f"{field}.fee_amount",
                "Cancelling before the worker sets out (Pending) is always free; set its fee to 0.",
                "कर्मी के निकलने से पहले (Pending) रद्द करना मुफ़्त है; शुल्क 0 रखें।",
            )
    if len(states) != len(set(states)):
        checker.fail("cancellation_terms", "Give each state only once.", "हर state केवल एक बार दें।")


def _check_reschedule(checker: _Checker, terms: Any) -> None:
    if not isinstance(terms, Mapping):
        checker.fail("reschedule_terms", "Give the reschedule terms.", "समय बदलने की शर्तें भरें।")
        return
    sub = _Checker(terms)
    sub.decimal("fee", Decimal(0), MAX_FEE)
    if (
        not isinstance(terms.get("within"), str)
        or not _DURATION.fullmatch(terms["within"])
        or terms["within"] == "P"
    ):
        sub.fail("within", "within must be a duration like PT2H.", "within PT2H जैसी अवधि हो।")
    if not isinstance(terms.get("eligible"), bool):
        sub.fail("eligible", "eligible must be true or false.", "eligible true या false हो।")
    checker.errors.extend(FieldError(f"reschedule_terms.{e.field}", e.en, e.hi) for e in sub.errors)


def _check_engagement(checker: _Checker, terms: Any) -> None:
    """An engagement item's terms: its schedule within the item's days and hours, its term, notice, basis, billing."""
    if not isinstance(terms, Mapping):
        checker.fail("engagement", "Give the engagement terms (days, time, term, notice, basis, billing).",
                     "लंबी अवधि की सेवा की शर्तें (दिन, समय, अवधि, सूचना, आधार, बिलिंग) भरें।")
        return
    sub = _Checker(terms)
    days = sub.parsed("days", str(terms.get("days")), parse_days,
                      "days must be weekday numbers 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5,6,7 for daily.",
                      "दिन 1 (सोमवार) से 7 (रविवार) की संख्या हों, जैसे रोज़ के लिए 1,2,3,4,5,6,7।")
    start = sub.parsed("time", terms.get("time"), parse_clock, "time must be a time of day like 07:00.",
                       "समय 07:00 जैसा हो।")
    sub.integer("min_months", 1, MAX_TERM_MONTHS)
    sub.integer("max_months", 1, MAX_TERM_MONTHS)
    sub.integer("notice_days", 0, MAX_NOTICE_DAYS)
    if not sub.errors and terms["min_months"] > terms["max_months"]:
        sub.fail("max_months", "max_months must not be below min_months.", "max_months, min_months से कम न हो।")
    for name, kind in (("basis", EmploymentBasis), ("billing", BillingMode)):
        if terms.get(name) not in {member.value for member in kind}:
            choices = ", ".join(member.value for member in kind)
            sub.fail(name, f"{name} must be one of {choices}.", f"{name} इनमें से एक हो: {choices}।")
    availability = checker.data.get("availability")
    if isinstance(availability, Mapping) and not any(e.field.startswith("availability") for e in checker.errors):
        if days is not None and not days <= parse_days(str(availability["days"])):
            sub.fail("days", "Visits can be only on days the item is available.",
                     "विज़िट केवल उन्हीं दिनों में हो सकती है जब सेवा उपलब्ध है।")
        if start is not None and not parse_clock(availability["opens"]) <= start < parse_clock(availability["closes"]):
            sub.fail("time", "Visits must begin within the item's opening hours.",
                     "विज़िट सेवा के खुलने के समय के भीतर शुरू हो।")
    checker.errors.extend(FieldError(f"engagement.{e.field}", e.en, e.hi) for e in sub.errors)
    minutes = checker.data.get("duration_minutes")
    if isinstance(minutes, int) and not MIN_VISIT_MINUTES <= minutes <= MAX_VISIT_MINUTES:
        checker.fail("duration_minutes",
                     f"A visit of an engagement lasts {MIN_VISIT_MINUTES} to {MAX_VISIT_MINUTES} minutes.",
                     f"लंबी अवधि की सेवा की विज़िट {MIN_VISIT_MINUTES} से {MAX_VISIT_MINUTES} मिनट की हो।")


def parse_item(data: Mapping[str, Any]) -> tuple[ServiceItem | None, list[FieldError]]:
    """A ServiceItem from its JSON form, or the list of wrong fields."""
    checker = _Checker(data)
    checker.identifier("id")
    checker.identifier("provider_id")
    if data.get("category_id") not in CATEGORIES:
        checker.fail(
            "category_id",
            "category_id must be an SRV code (e.g. SRV11-1047) or a Seva Mitra code (e.g. SM-1000).",
            "category_id कोई SRV कोड (जैसे SRV11-1047) या सेवा मित्र कोड (जैसे SM-1000) हो।",
        )
    checker.name("name_en")
    checker.name("name_hi")
    checker.text("description_en", max_length=1000, required=False)
    checker.text("description_hi", max_length=1000, required=False)
    checker.decimal("fee", Decimal("1"), MAX_FEE)
    checker.decimal("tax_percent", Decimal(0), Decimal(28))
    checker.integer("duration_minutes", 15, 1440)
    images = data.get("images") or []
    if not isinstance(images, list) or not all(
        isinstance(u, str) and u.startswith(("https://", "http://")) for u in images
    ):
        checker.fail("images", "images must be a list of http(s) URLs.", "images http(s) URL की सूची हो।")
    _check_availability(checker, data.get("availability"))
    _check_cancellation(checker, data.get("cancellation_terms"))
    _check_reschedule(checker, data.get("reschedule_terms"))
    if data.get("engagement") is not None:
        _check_engagement(checker, data["engagement"])
    if checker.errors:
        return None, checker.errors
    return item_from_json(data), []


def parse_provider(data: Mapping[str, Any]) -> tuple[Provider | None, list[FieldError]]:
    """A Provider from its JSON form, or the list of wrong fields."""
    checker = _Checker(data)
    checker.identifier("id")
    if not isinstance(data.get("city"), str) or not _CITY.fullmatch(data["city"]):
        checker.fail("city", "city must be an STD code like std:0522.", "city std:0522 जैसा STD कोड हो।")
    checker.name("name_en")
    checker.name("name_hi")
    checker.text("address", max_length=300)
    checker.text("area_code", max_length=12)
    checker.text("city_name", max_length=80, required=False)
    if not isinstance(data.get("gps"), str) or not _GPS.fullmatch(data["gps"]):
        checker.fail(
            "gps", "gps must be 'lat,lng' like 26.8467,80.9462.", "gps 26.8467,80.9462 जैसा 'lat,lng' हो।"
        )
    checker.decimal("serviceability_km", Decimal("0.5"), Decimal(50))
    if checker.errors:
        return None, checker.errors
    return provider_from_json(data), []
