"""Great-circle distance and "lat,lng" strings."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088
# The geo index (Redis GEO, on the Web Mercator square) refuses points nearer the poles than this;
# nobody is served there, and a point beyond it would make every later geo update of that worker fail.
MAX_INDEXABLE_LATITUDE = 85.05112878


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Distance in km between two points on the mean-radius Earth."""
    dlat = radians(lat2 - lat1)
    dlng = radians(lng2 - lng1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def format_gps(lat: float, lng: float) -> str:
    """(lat, lng) → `"26.846700,80.946200"` (six places, about 10 cm)."""
    return f"{lat:.6f},{lng:.6f}"
