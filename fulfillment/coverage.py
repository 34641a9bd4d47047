"""Which categories some listed worker can serve near a point: an in-memory grid index (pure).

Called on every search, so a lookup touches only the few grid cells around the point and stops
at the first worker within the radius for each category.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from math import cos, floor, radians

from fulfillment.geo import haversine_km

CELL_DEGREES = 0.05  # about 5.5 km north-south
KM_PER_DEGREE_LAT = 111.0


@dataclass(frozen=True, slots=True)
class WorkerPoint:
    """A listed worker's position (home or last known) and skills."""

    lat: float
    lng: float
    skills: frozenset[str]


class CoverageIndex:
    """Grid buckets of worker positions per category; rebuilt whole, read lock-free."""

    def __init__(self, points: Iterable[WorkerPoint] = ()) -> None:
        cells: dict[tuple[int, int], dict[str, list[tuple[float, float]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        count = 0
        for point in points:
            bucket = cells[_cell(point.lat, point.lng)]
            for skill in point.skills:
                bucket[skill].append((point.lat, point.lng))
            count += 1
        self._cells = {
            key: {skill: tuple(pts) for skill, pts in bucket.items()} for key, bucket in cells.items()
        }
        self.size = count

    def categories_near(self, lat: float, lng: float, radius_km: float) -> set[str]:
        """Category ids with at least one listed worker within `radius_km` of (lat, lng)."""
        found: set[str] = set()
        lat_span = radius_km / KM_PER_DEGREE_LAT
        lng_span = radius_km / (KM_PER_DEGREE_LAT * max(cos(radians(lat)), 0.01))
        row_min, col_min = _cell(lat - lat_span, lng - lng_span)
        row_max, col_max = _cell(lat + lat_span, lng + lng_span)
        for row in range(row_min, row_max + 1):
            for col in range(col_min, col_max + 1):
                bucket = self._cells.get((row, col))
                if bucket is None:
                    continue
                for skill, points in bucket.items():
                    if skill in found:
                        continue
                    if any(haversine_km(lat, lng, p_lat, p_lng) <= radius_km for p_lat, p_lng in points):
                        found.add(skill)
        return found


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return floor(lat / CELL_DEGREES), floor(lng / CELL_DEGREES)
