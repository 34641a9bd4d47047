from datetime import timedelta

import pytest

from schemas.fields import parse_gps, parse_iso_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT30S", timedelta(seconds=30)),
        ("PT0.5S", timedelta(milliseconds=500)),
        ("PT1H", timedelta(hours=1)),
        ("PT1M", timedelta(minutes=1)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("P1D", timedelta(days=1)),
        ("P1W", timedelta(days=7)),
        ("P1M", timedelta(days=30)),  # months, not minutes
        ("P1Y", timedelta(days=365)),
        ("P1DT2H3M4S", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("P30S", timedelta(seconds=30)),  # official init examples: S before T
        ("PT5D", timedelta(days=5)),  # official on_update example: D after T
    ],
)
def test_parse_iso_duration(text: str, expected: timedelta) -> None:
    assert parse_iso_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "P1DT", "30S", "pt30s", "P-1D", "PT1X", "P1D1", "PTT1S", " PT1S"]
)
def test_parse_iso_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_iso_duration(text)


def test_parse_gps() -> None:
    assert parse_gps("26.8467,80.9462") == (26.8467, 80.9462)
    assert parse_gps("28.620976, 77.046732") == (28.620976, 77.046732)
    assert parse_gps("-90,180") == (-90.0, 180.0)


@pytest.mark.parametrize("text", ["26.8467", "26.8467;80.9462", "91,10", "10,181", "a,b", "", "1,2,3"])
def test_parse_gps_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="gps"):
        parse_gps(text)
