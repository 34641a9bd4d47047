"""The agency application's rules: every wrong field at once, in Hindi and English; the GSTIN's check character and
the PAN's format are checked, and the GSTIN must carry the firm's PAN."""

from __future__ import annotations

from dataclasses import replace

from fulfillment.agencies import MIN_PASSWORD, AgencyDetails, agency_problems, pan_problem
from fulfillment.departments import gstin_check_character

LUCKNOW = "std:0522"
PAN = "AAAFS1234K"  # F: a firm
GSTIN = "09AAAFS1234K1Z" + gstin_check_character("09AAAFS1234K1Z")
FIRM = AgencyDetails("Shakti Manpower Services", "UP/LKO/2019/0042", GSTIN, PAN, "12 Hazratganj, Lucknow 226001",
                     LUCKNOW, "Ramesh Kumar")
PASSWORD = "x" * MIN_PASSWORD


def fields(details: AgencyDetails, password: str | None = PASSWORD) -> list[str]:
    return [problem.field or "" for problem in agency_problems(details.normalised(), [LUCKNOW], password)]


def test_a_right_application_has_no_problems_and_spaces_and_small_letters_are_forgiven() -> None:
    assert fields(FIRM) == []
    spaced = replace(FIRM, gstin=" ".join(GSTIN.lower()), pan=PAN.lower())
    assert fields(spaced) == []
    assert spaced.normalised().gstin == GSTIN and spaced.normalised().pan == PAN


def test_every_wrong_field_is_named_at_once_in_both_languages() -> None:
    wrong = AgencyDetails("AB", "1", GSTIN[:-1] + ("0" if GSTIN[-1] != "0" else "1"), "ABCDE123", "short", "std:011",
                          "=cmd")
    problems = agency_problems(wrong.normalised(), [LUCKNOW], "short")
    assert [p.field for p in problems] == ["name", "registration_number", "address", "contact_name", "district",
                                           "gstin", "pan", "password"]
    assert all(p.message and p.message_hi for p in problems)
    assert "formula" in problems[3].message


def test_a_gstin_whose_check_character_is_wrong_is_refused_with_the_departments_rule() -> None:
    mistyped = GSTIN[:5] + ("B" if GSTIN[5] != "B" else "C") + GSTIN[6:]  # one character changed
    assert fields(replace(FIRM, gstin=mistyped, pan=mistyped[2:12])) == ["gstin"]


def test_the_gstin_must_carry_the_firms_pan() -> None:
    other_pan = "AAAFT9876L"
    assert fields(replace(FIRM, pan=other_pan)) == ["gstin"]


def test_a_pan_has_five_letters_four_digits_a_letter_and_a_known_holder_type() -> None:
    assert pan_problem("AAAFS1234K") is None
    assert pan_problem("AAAXS1234K") is not None  # X is no holder type
    assert pan_problem("AAAF51234K") is not None


def test_the_password_is_checked_only_when_given() -> None:
    assert fields(FIRM, "short") == ["password"]
    assert fields(FIRM, None) == []
