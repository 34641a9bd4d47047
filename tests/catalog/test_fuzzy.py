"""Item-name search forgives spelling in English and Hindi."""

from __future__ import annotations

import pytest

from catalog.fuzzy import matches, tokens


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("plumbr", ["Plumber visit: tap repair"]),
        ("AC servise", ["AC service (split or window)"]),
        ("Electrician", ["Electrician visit: switch and socket"]),
        ("नल मरमत", ["प्लंबर विज़िट: नल और मिक्सर मरम्मत"]),
        ("फ़्रिज", ["फ्रिज जांच"]),  # nukta and no nukta are the same letter to a searcher
        ("रसोईया", ["रसोइया: एक समय का खाना"]),
    ],
)
def test_forgiving_matches(query: str, names: list[str]) -> None:
    assert matches(query, names)


@pytest.mark.parametrize(("query", "names"), [("cook", ["Driver for 8 hours"]), ("ड्राइवर", ["रसोइया"]), ("", ["Cook"])])
def test_unrelated_names_do_not_match(query: str, names: list[str]) -> None:
    assert not matches(query, names)


def test_tokens_drop_plural_and_punctuation() -> None:
    assert tokens("Pipes, Taps & Drains!") == ("pipe", "tap", "drain")
