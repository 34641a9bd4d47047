"""Worker location reports per second on PostgreSQL + Redis, against plain single-row updates in the same run.

At Uttar Pradesh's peak 500,000 workers are online; each reports where she is while the worker app is open, so
these reports, not the orders, size the database (docs/operations.md, "Capacity"). This creates a scratch
database, puts WORKERS verified, online, idle workers in it and in Redis geo sets under a key prefix of its own,
then runs with the same concurrency: (1) the baseline, one plain `UPDATE workers SET last_seen_at` per
transaction; (2) `Presence.report_location`, what the worker app's `POST /worker/api/location` does after the
login check: the row's update and the geo sets brought in line. Prints both rates, their ratio and this process's
CPU per report, and what the local PostgreSQL and Redis servers spent per report (their processes' CPU from
/proc, so only when they run on this machine), then drops the database and the keys.

    python bench/location_reports.py [--pg postgresql://postgres@127.0.0.1:5432/postgres]
                                     [--redis redis://127.0.0.1:6379/0] [--reports 6000] [--workers 2000]
                                     [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from redis.asyncio import Redis
from sqlalchemy import bindparam, update

sys.path.insert(0, str(Path(__file__).resolve().parent))

from settlement_throughput import run_concurrently

from bpp.storage.db import Database
from bpp.storage.tables import metadata
from bpp.storage.worker_tables import workers
from bpp.workforce.matching import GeoIndex
from bpp.workforce.presence import Presence

CENTRE = (26.8467, 80.9462)  # Hazratganj, Lucknow
SPREAD_DEGREES = 0.1
SKILLS = (["SRV11-1011"], ["SRV11-1016", "SRV11-1011"], ["SRV12-1008"])
TOUCH = update(workers).where(workers.c.id == bindparam("worker_id")).values(last_seen_at=bindparam("now"))


def server_cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by this machine's PostgreSQL and Redis server processes."""
    used = {"postgres": 0.0, "redis-server": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue  # not a process, or one that ended meanwhile
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if name in used:
            used[name] += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return used


def worker_row(index: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    lat = CENTRE[0] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)
    lng = CENTRE[1] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)
    return {
        "id": f"W{index}", "name": f"Worker {index}", "phone": f"9{index:09d}", "pin_hash": "-",
        "skills": SKILLS[index % len(SKILLS)], "languages": ["hi"], "documents": [], "district": "std:0522",
        "home_lat": lat, "home_lng": lng, "last_lat": lat, "last_lng": lng, "last_seen_at": now,
        "verification": "verified", "standing": "active", "online": True, "created_at": now, "updated_at": now,
    }


async def bench(admin_dsn: str, redis_url: str, reports: int, worker_count: int, concurrency: int) -> None:
    name = f"sm_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    host = admin_dsn.split("://", 1)[1].rsplit("/", 1)[0]
    db = Database(f"postgresql+asyncpg://{host}/{name}")
    redis = Redis.from_url(redis_url)
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    rng = random.Random(7)
    try:
        now = datetime.now(UTC)
        async with db.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(workers.insert(), [worker_row(i, now, rng) for i in range(worker_count)])
        presence = Presence(db, GeoIndex(redis, prefix=prefix), lambda: datetime.now(UTC), lambda: None)
        await presence.start()  # the geo sets, as a starting process fills them

        def baseline_job(index: int) -> Callable[[], Awaitable[None]]:
            async def job() -> None:
                async with db.begin() as conn:
                    await conn.execute(TOUCH, {"worker_id": f"W{index % worker_count}", "now": datetime.now(UTC)})

            return job

        def report_job(index: int) -> Callable[[], Awaitable[None]]:
            lat = CENTRE[0] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)
            lng = CENTRE[1] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)

            async def job() -> None:
                await presence.report_location(f"W{index % worker_count}", lat, lng)

            return job

        await run_concurrently([baseline_job(i) for i in range(200)], concurrency)  # warm the pool
        baseline = await run_concurrently([baseline_job(i) for i in range(reports)], concurrency)
        servers_before = server_cpu_seconds()
        reported = await run_concurrently([report_job(i) for i in range(reports)], concurrency)
        servers = {name: used - servers_before[name] for name, used in server_cpu_seconds().items()}
        baseline_rate, report_rate = reports / baseline.seconds, reports / reported.seconds
        print(f"reports {reports}, workers {worker_count}, concurrency {concurrency}, PostgreSQL {name}")
        print(f"baseline: {baseline_rate:8.0f} single-row update transactions/s"
              f" (client CPU {baseline.client_cpu_seconds / reports * 1000:.2f} ms each)")
        print(f"report:   {report_rate:8.0f} location reports/s"
              f" (client CPU {reported.client_cpu_seconds / reports * 1000:.2f} ms each)")
        print(f"ratio reports/baseline: {report_rate / baseline_rate:.2f}")
        print("server CPU per report: " + ", ".join(f"{name} {used / reports * 1000:.2f} ms"
                                                    for name, used in servers.items()))
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
        await db.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin DSN")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--reports", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(bench(args.pg, args.redis, args.reports, args.workers, args.concurrency))


if __name__ == "__main__":
    main()
