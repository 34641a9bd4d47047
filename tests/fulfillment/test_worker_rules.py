"""Worker registration, verification lifecycle, standing, rating and calendar rules."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fulfillment.workers import (
    REQUIRED_DOCUMENTS,
    Registration,
    check_rating,
    is_listed,
    is_matchable,
    rating_average,
    registration_problems,
    slot_is_free,
    standing_change,
    verification_step,
)
from schemas.refusal import Refusal

GOOD = Registration("Sunita", "9876543210", "1234", ("SRV11-1011",), 26.85, 80.95, "std:0522")


def test_good_registration_passes() -> None:
    assert registration_problems(GOOD, {"SRV11-1011"}) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": '=HYPERLINK("http://evil.example")'}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "5876543210"}, "phone"),
        ({"pin": "12"}, "pin"),
        ({"skills": ()}, "skills"),
        ({"skills": ("NOPE",)}, "skills"),
        ({"home_lat": 95.0}, "home_gps"),
        ({"district": "Lucknow"}, "district"),
    ],
)
def test_bad_registration_names_the_field_and_the_fix(change: dict[str, object], field: str) -> None:
    reg = Registration(**{name: change.get(name, getattr(GOOD, name)) for name in GOOD.__slots__})
    [problem] = registration_problems(reg, {"SRV11-1011"})
    assert problem.field == field
    assert problem.message and problem.message_hi


def test_every_wrong_field_is_reported_at_once() -> None:
    reg = Registration(**{**{name: getattr(GOOD, name) for name in GOOD.__slots__}, "phone": "1", "pin": "x"})
    assert [problem.field for problem in registration_problems(reg, None)] == ["phone", "pin"]


def test_verification_goes_step_by_step() -> None:
    status = "registered"
    for step in ("check_documents", "request_police_verification", "police_cleared"):
        status = verification_step(status, step, REQUIRED_DOCUMENTS)
    assert status == "verified"


def test_verification_cannot_skip_steps() -> None:
    with pytest.raises(Refusal):
        verification_step("registered", "police_cleared", REQUIRED_DOCUMENTS)


@pytest.mark.parametrize(
    ("on_file", "named_en", "named_hi"),
    [
        ((), "ID proof and police verification certificate", "पहचान पत्र और पुलिस सत्यापन प्रमाणपत्र"),
        (("id_proof",), "police verification certificate", "पुलिस सत्यापन प्रमाणपत्र"),
        (("police_certificate", "photo"), "ID proof", "पहचान पत्र"),
    ],
)
def test_no_one_is_verified_without_both_documents_on_file(
    on_file: tuple[str, ...], named_en: str, named_hi: str
) -> None:
    # the earlier steps need no upload: the certificate only exists once the police have cleared her
    assert verification_step("registered", "check_documents", on_file) == "documents_checked"
    with pytest.raises(Refusal) as refused:
        verification_step("police_verification_pending", "police_cleared", on_file)
    assert refused.value.field == "documents"
    assert f"Upload the worker's {named_en} before" in refused.value.message
    assert refused.value.message_hi is not None and named_hi in refused.value.message_hi


def test_reject_only_before_verified() -> None:
    assert verification_step("police_verification_pending", "reject", ()) == "rejected"
    with pytest.raises(Refusal):
        verification_step("verified", "reject", REQUIRED_DOCUMENTS)


def test_suspend_and_reinstate() -> None:
    assert standing_change("active", "suspend", "overcharged") == "suspended"
    assert standing_change("suspended", "reinstate", None) == "active"


def test_suspend_needs_a_reason() -> None:
    with pytest.raises(Refusal):
        standing_change("active", "suspend", " ")


@pytest.mark.parametrize("action", ["suspend", "reinstate", "ban"])
def test_ban_is_permanent(action: str) -> None:
    assert standing_change("suspended", "ban", "repeat overcharging") == "banned"
    with pytest.raises(Refusal):
        standing_change("banned", action, "try")


@pytest.mark.parametrize(
    ("verification", "standing", "online", "matchable"),
    [
        ("verified", "active", True, True),
        ("verified", "active", False, False),
        ("verified", "suspended", True, False),
        ("verified", "banned", True, False),
        ("police_verification_pending", "active", True, False),
    ],
)
def test_only_verified_active_online_are_matchable(
    verification: str, standing: str, online: bool, matchable: bool
) -> None:
    assert is_matchable(verification, standing, online) is matchable
    assert is_listed(verification, standing) is (verification == "verified" and standing == "active")


def test_rating_average() -> None:
    assert rating_average(Decimal(0), 0) is None
    assert rating_average(Decimal("9"), 2) == Decimal("4.5")
    with pytest.raises(Refusal):
        check_rating(Decimal(6))


def test_calendar_overlap() -> None:
    nine = datetime(2026, 1, 1, 9, tzinfo=UTC)
    booked = [(nine, nine + timedelta(hours=1))]
    assert slot_is_free(booked, nine + timedelta(hours=1), nine + timedelta(hours=2))
    assert not slot_is_free(booked, nine + timedelta(minutes=30), nine + timedelta(hours=2))
