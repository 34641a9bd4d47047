"""Field types shared by the Beckn models: ids, GPS, decimal strings, timestamps, durations."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

__all__ = [
    "MAX_ID_LENGTH",
    "MAX_SUBSCRIBER_ID_LENGTH",
    "MAX_URL_LENGTH",
    "BecknModel",
    "BoundedId",
    "Count",
    "DecimalStr",
    "Gps",
    "Id",
    "SubscriberId",
    "Timestamp",
    "Ttl",
    "parse_gps",
    "parse_iso_duration",
]

_DURATION_PART: Final = re.compile(r"(\d+(?:\.\d+)?)([YMWDHS])|T")
# Calendar units have no fixed length; a ttl only needs an upper bound, so a year counts
# 365 days and a month 30 days (P1M = 30 days, while PT1M = 1 minute).
_UNIT_SECONDS: Final = {
    "Y": 365 * 86400,
    "M": 30 * 86400,
    "W": 7 * 86400,
    "D": 86400,
    "H": 3600,
    "S": 1,
}
# Context values the BPP stores in bounded columns (bpp/storage: ids VARCHAR(128), subscriber ids VARCHAR(255),
# callback URLs VARCHAR(1024) once `/on_<action>` is appended): longer ones are refused at the door with their path,
# so no accepted request can fail to be stored (tests/schemas check the columns still fit).
MAX_ID_LENGTH: Final = 128
MAX_SUBSCRIBER_ID_LENGTH: Final = 255
MAX_URL_LENGTH: Final = 1000
_GPS: Final = re.compile(r"\s*([+-]?\d{1,2}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)\s*")
_DECIMAL: Final = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")


@lru_cache(maxsize=256)
def parse_iso_duration(value: str) -> timedelta:
    """Parse an ISO 8601 duration (`PT30S`, `P1D`, `PT1H30M`, `P1W`) into a timedelta.

    `M` is months before `T` and minutes after it.  The official SRV examples send `P30S`
    (init) and `PT5D` (on_update); a designator other than `M` means one thing only, so its
    side of `T` is not enforced.  `P1Y` counts 365 days and `P1M` 30 days.
    """
    if not value.startswith("P") or len(value) < 3:
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    seconds = 0.0
    position, in_time, components = 1, False, 0
    for part in _DURATION_PART.finditer(value, 1):
        if part.start() != position or (part[0] == "T" and in_time):
            break
        position = part.end()
        if part[0] == "T":
            in_time = True
            continue
        unit = part[2]
        seconds += float(part[1]) * (60 if unit == "M" and in_time else _UNIT_SECONDS[unit])
        components += 1
    if position != len(value) or components == 0 or value.endswith("T"):
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:  # e.g. P99999999999Y: a bad request, not a server fault
        raise ValueError(f"duration {value!r} is too long") from None


def _gps_match(value: str) -> re.Match[str]:
    match = _GPS.fullmatch(value)
    if match is None:
        raise ValueError("gps must be 'lat,lng' in decimal degrees")
    if not (abs(float(match[1])) <= 90.0 and abs(float(match[2])) <= 180.0):
        raise ValueError("gps out of range")
    return match


def parse_gps(value: str) -> tuple[float, float]:
    """Parse `"lat,lng"` (spaces around the comma allowed) into checked floats."""
    match = _gps_match(value)
    return float(match[1]), float(match[2])


def _gps(value: object) -> str:
    """Check a GPS string and drop the spaces some buyer apps put after the comma."""
    if not isinstance(value, str):
        raise ValueError("gps must be a string 'lat,lng'")
    match = _gps_match(value)
    return f"{match[1]},{match[2]}"


def _decimal(value: object) -> Decimal:
    if not isinstance(value, str) or _DECIMAL.fullmatch(value) is None:
        raise ValueError("must be a decimal number as a string, e.g. '499.00'")
    return Decimal(value)


def _timestamp(value: object) -> datetime:
    if not isinstance(value, str) or "T" not in value:
        raise ValueError("must be an RFC 3339 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an RFC 3339 date-time string") from None
    if parsed.tzinfo is None:
        raise ValueError("date-time must carry a UTC offset, e.g. 'Z'")
    return parsed


def _duration(value: object) -> timedelta:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 duration string, e.g. 'PT30S'")
    return parse_iso_duration(value)


Id = Annotated[str, StringConstraints(pattern=r"\S")]
BoundedId = Annotated[str, StringConstraints(pattern=r"\S", max_length=MAX_ID_LENGTH)]
SubscriberId = Annotated[str, StringConstraints(pattern=r"\S", max_length=MAX_SUBSCRIBER_ID_LENGTH)]
Gps = Annotated[str, BeforeValidator(_gps)]
DecimalStr = Annotated[Decimal, BeforeValidator(_decimal)]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
Ttl = Annotated[timedelta, BeforeValidator(_duration)]
Count = Annotated[int, Field(strict=True, ge=0)]


class BecknModel(BaseModel):
    """Base of every protocol model: unknown fields are kept, not rejected."""

    model_config = ConfigDict(extra="allow")
