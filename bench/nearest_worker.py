"""Nearest-worker GEOSEARCH among 100,000 online workers on the real Redis (target p99 <= 2 ms).

Run: python bench/nearest_worker.py [--redis redis://127.0.0.1:6379/0]. Uses its own key prefix and
deletes it afterwards. The baseline is a PING round trip measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid

from redis.asyncio import Redis

from bpp.workforce.matching import GeoIndex

WORKERS = 100_000
QUERIES = 5_000
CENTRE = (26.8467, 80.9462)
SPREAD_DEGREES = 0.25  # about ±28 km: a whole district
BATCH = 5_000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def timed(call: object, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        await call()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def main(url: str) -> None:
    redis = Redis.from_url(url)
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    geo = GeoIndex(redis, prefix=prefix)
    key = geo.geo_key("SRV11-1011")
    rng = random.Random(7)
    try:
        for start in range(0, WORKERS, BATCH):
            members: list[object] = []
            for index in range(start, start + BATCH):
                lat = CENTRE[0] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)
                lng = CENTRE[1] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)
                members.extend((lng, lat, f"w{index}"))
            await redis.geoadd(key, members)

        def query() -> object:
            lat = CENTRE[0] + rng.uniform(-0.2, 0.2)
            lng = CENTRE[1] + rng.uniform(-0.2, 0.2)
            return geo.nearest("SRV11-1011", lat, lng, 3.0)

        await timed(redis.ping, 200)  # warm the connection
        baseline = await timed(redis.ping, QUERIES)
        search = await timed(query, QUERIES)
        found = len(await geo.nearest("SRV11-1011", CENTRE[0], CENTRE[1], 3.0))
    finally:
        await redis.delete(key)
        await redis.aclose()
    p50, p99 = statistics.median(search), percentile(search, 0.99)
    b50, b99 = statistics.median(baseline), percentile(baseline, 0.99)
    print(f"workers: {WORKERS}, queries: {QUERIES}, radius 3 km, workers within 3 km of Hazratganj: {found}")
    print(f"PING baseline    p50 {b50:.3f} ms  p99 {b99:.3f} ms")
    print(f"GEOSEARCH 3 km   p50 {p50:.3f} ms  p99 {p99:.3f} ms")
    print(f"ratio to PING    p50 {p50 / b50:.2f}x  p99 {p99 / b99:.2f}x")
    print(f"target p99 <= 2 ms: {'met' if p99 <= 2.0 else 'NOT met'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    asyncio.run(main(parser.parse_args().redis))
