"""Pincode look-up on the packaged India Post directory: real Uttar Pradesh pincodes, others, bad input."""

from __future__ import annotations

import re

import indian_pincode
import pytest

from bpp import places
from fulfillment.geo import haversine_km


@pytest.mark.parametrize(
    ("pincode", "district", "near", "office"),
    [
        ("226001", "LUCKNOW", (26.8467, 80.9462), "Lucknow GPO"),  # Hazratganj, the demo's centre
        ("208001", "KANPUR NAGAR", (26.4670, 80.3500), "Kanpur HO"),  # its head office is misfiled under Fatehpur
        ("221001", "VARANASI", (25.3176, 83.0100), "Varanasi HO"),
        ("201301", "GAUTAM BUDDHA NAGAR", (28.5700, 77.3200), "Noida HO"),  # two of three offices are 500 km off
    ],
)
def test_uttar_pradesh_pincodes_give_district_and_a_point_near_the_town(
    pincode: str, district: str, near: tuple[float, float], office: str
) -> None:
    place = places.lookup(pincode)
    assert place is not None
    assert (place.pincode, place.district, place.state) == (pincode, district, "UTTAR PRADESH")
    assert places.is_in_uttar_pradesh(place)
    assert place.latitude is not None and place.longitude is not None
    assert haversine_km(place.latitude, place.longitude, *near) < 3
    assert place.offices[0] == office
    assert place.districts[0] == district


def test_a_pincode_straddling_two_districts_lists_both_majority_first() -> None:
    place = places.lookup("208001")
    assert place is not None
    assert place.districts == ("KANPUR NAGAR", "FATEHPUR")


def test_a_pincode_outside_uttar_pradesh() -> None:
    place = places.lookup("110001")
    assert place is not None
    assert (place.district, place.state) == ("NEW DELHI", "DELHI")
    assert not places.is_in_uttar_pradesh(place)


def test_spaces_around_and_inside_a_pincode_are_ignored() -> None:
    assert places.lookup(" 226 001\t") == places.lookup("226001")


@pytest.mark.parametrize("text", ["", "22600", "2260011", "22600a", "026001", "२२६००१", "226-001", "226001.0"])
def test_malformed_input_finds_nothing_and_is_told_apart(text: str) -> None:
    assert places.lookup(text) is None
    assert not places.well_formed(text)


def test_a_well_formed_pincode_the_directory_does_not_know() -> None:
    assert places.well_formed("999999")
    assert places.lookup("999999") is None


def test_a_sorting_centre_with_no_district_is_unknown() -> None:
    assert places.well_formed("273011")  # NDC Gorakhpur: the directory names no district or state for it
    assert places.lookup("273011") is None


def test_the_directory_covers_every_district_of_uttar_pradesh() -> None:
    districts = {place.district for pincode in indian_pincode.get_pincodes(state="UTTAR PRADESH")
                 if (place := places.lookup(pincode)) is not None and places.is_in_uttar_pradesh(place)}
    assert len(districts) == 75
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}", places.data_version())  # the India Post snapshot date
