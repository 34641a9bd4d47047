"""Coverage index and nearest-candidate choice against brute force over random positions."""

from __future__ import annotations

import asyncio

import pytest
from fakeredis import FakeServer
from fakeredis.aioredis import FakeRedis
from hypothesis import given, settings
from hypothesis import strategies as st

from bpp.workforce.matching import GeoIndex
from fulfillment import coverage
from fulfillment.coverage import CoverageIndex, WorkerPoint
from fulfillment.geo import haversine_km
from fulfillment.matching import offer_order

LAT, LNG = 26.8467, 80.9462
offsets = st.tuples(st.floats(-0.06, 0.06), st.floats(-0.06, 0.06))
skills = st.sampled_from(["SRV11-1011", "SRV12-1000", "SM-1001"])
workers = st.lists(st.tuples(offsets, skills), max_size=40)


@given(workers=workers, query=offsets, radius=st.floats(0.5, 6.0))
def test_categories_near_equals_brute_force(
    workers: list[tuple[tuple[float, float], str]], query: tuple[float, float], radius: float
) -> None:
    points = [WorkerPoint(LAT + dlat, LNG + dlng, frozenset({skill})) for (dlat, dlng), skill in workers]
    lat, lng = LAT + query[0], LNG + query[1]
    expected = {
        skill for point in points for skill in point.skills if haversine_km(lat, lng, point.lat, point.lng) <= radius
    }
    assert CoverageIndex(points).categories_near(lat, lng, radius) == expected


@settings(max_examples=40, deadline=None)
@given(workers=workers, query=offsets, excluded=st.sets(st.integers(0, 39), max_size=5))
def test_first_offer_goes_to_the_nearest_eligible_worker(
    workers: list[tuple[tuple[float, float], str]], query: tuple[float, float], excluded: set[int]
) -> None:
    lat, lng = LAT + query[0], LNG + query[1]
    skip = {f"w{i}" for i in excluded}

    async def first_choice() -> str | None:
        geo = GeoIndex(FakeRedis(server=FakeServer()))
        for index, ((dlat, dlng), skill) in enumerate(workers):
            await geo.follow(f"w{index}", [skill], (LAT + dlat, LNG + dlng), release_claim=False)
        order = offer_order(await geo.nearest("SRV11-1011", lat, lng, 3.0), skip, 3.0)
        return order[0].worker_id if order else None

    chosen = asyncio.run(first_choice())
    distances = {
        f"w{index}": haversine_km(lat, lng, LAT + dlat, LNG + dlng)
        for index, ((dlat, dlng), skill) in enumerate(workers)
        if skill == "SRV11-1011" and f"w{index}" not in skip
    }
    within = {wid: d for wid, d in distances.items() if d <= 3.0}
    if chosen is None:
        assert all(d > 2.995 for d in distances.values())
    else:
        assert distances[chosen] <= 3.005, f"offered to {chosen}, {distances[chosen]:.3f} km away, beyond the radius"
        assert within, "a worker was chosen although none is within the radius"
        assert distances[chosen] <= min(within.values()) + 0.002


def test_a_coverage_lookup_measures_only_workers_near_the_point(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches call it every time: it must touch the grid cells around the point, not all workers (how long
    that takes is a benchmark's business, not a test's)."""
    points = [
        WorkerPoint(LAT + (i % 100 - 50) * 0.01, LNG + (i // 100 - 50) * 0.01, frozenset({f"C{i % 40}"}))
        for i in range(10_000)  # a 100 x 100 grid about 1.1 km apart: some 110 km across
    ]
    index = CoverageIndex(points)
    measured = 0

    def counted(*args: float) -> float:
        nonlocal measured
        measured += 1
        return haversine_km(*args)

    monkeypatch.setattr(coverage, "haversine_km", counted)
    found = index.categories_near(LAT, LNG, 3.0)

    within = {f"C{i % 40}" for i, p in enumerate(points) if haversine_km(LAT, LNG, p.lat, p.lng) <= 3.0}
    assert found == within
    assert measured < len(points) // 20, f"{measured} distances measured for one lookup"
