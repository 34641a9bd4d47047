"""A compressed city day against one and then two `serve --demo` processes on PostgreSQL + Redis.

For each configuration the bench creates a fresh PostgreSQL database (dropped at the end), empties its Redis
database, migrates, starts the servers (the second one uses the first one's demo registry and shares its demo
keys, so both are the same subscriber) and replays, over real HTTP on loopback with the buyer-app simulator:

1. idle: nothing is sent for a few seconds, to show what the background loops cost on their own;
2. searches only: signed searches, each answered by an on_search, spread over the servers;
3. orders: whole orders (search, select, init, confirm, the offer accepted by a simulated demo worker, travelling,
   arrived, start with the OTP, complete with its settlement, status), one buyer app per service category with as
   many orders in flight as that category has demo workers, alternating between the servers.

It prints searches and orders completed per second and the CPU time of the BPP processes per search and per order
(utime + stime from /proc/<pid>/stat before and after each phase, divided by what completed), the same for this
database's PostgreSQL backends, and how busy the whole machine was, so a figure taken on a shared machine says so.
Visits are made by the demo's simulated workers inside each `serve` (every SEVAMITRA_DEMO_STEP_SECONDS), so the
per-order CPU includes the worker steps that a worker's phone would otherwise send.

    python bench/city_day.py [--servers 1,2] [--searches 300] [--orders 32] [--step-seconds 0.1]
        [--pg postgresql://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/15]

The Redis database given (default: SEVAMITRA_BENCH_REDIS_URL, else db 15) is emptied before and after each run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from processes import stop_all  # noqa: E402  (bench/, the script's own folder)

from bpp.demo.registry import TOKEN_FILE, read_published_token  # noqa: E402
from bpp.demo.workers_seed import WORKERS_PER_CATEGORY  # noqa: E402
from bpp.simulator.buyer import BuyerApp, free_port  # noqa: E402
from bpp.simulator.journey import Journey, JourneyFailed  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
IDLE_SECONDS = 3.0
STARTUP_SECONDS = 60.0


# --- CPU accounting ---------------------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """utime + stime of one process in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15 of proc(5); [0] is field 3


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user and nice
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


@dataclass
class Reading:
    """CPU seconds of each thing we account for, at one moment."""

    wall: float
    bpp: float
    postgres: dict[int, float]
    client: float
    busy: float
    total: float


@dataclass
class Usage:
    """What one phase cost: wall seconds and CPU seconds of the BPP, its PostgreSQL backends, this client, and
    every core of the machine (busy / cores available)."""

    wall: float
    bpp: float
    postgres: float
    client: float
    machine_busy: float
    machine_total: float

    @property
    def cores_busy(self) -> float:
        return self.machine_busy / self.wall

    @property
    def others(self) -> float:
        """CPU seconds the machine spent on what this bench did not start (other users, Redis, the kernel)."""
        return max(0.0, self.machine_busy - self.bpp - self.postgres - self.client)


class Meter:
    """Reads the CPU of the BPP processes and of the PostgreSQL backends serving this bench's database."""

    def __init__(self, pids: Sequence[int], pg_admin: str, database: str) -> None:
        self._pids = pids
        self._pg_admin = pg_admin
        self._database = database

    async def read(self) -> Reading:
        conn = await asyncpg.connect(self._pg_admin)
        try:
            backends = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", self._database)
        finally:
            await conn.close()
        busy, total = machine_busy()
        return Reading(time.monotonic(), sum(process_cpu(pid) for pid in self._pids),
                       {row["pid"]: process_cpu(row["pid"]) for row in backends}, time.process_time(), busy, total)

    async def measure(self, phase: Callable[[], Awaitable[None]]) -> Usage:
        before = await self.read()
        await phase()
        after = await self.read()
        # a backend that started during the phase counts whole; one that ended during it is lost (rare: pooled)
        postgres = sum(cpu - before.postgres.get(pid, 0.0) for pid, cpu in after.postgres.items())
        cores = os.cpu_count() or 1
        return Usage(after.wall - before.wall, after.bpp - before.bpp, postgres, after.client - before.client,
                     after.busy - before.busy, (after.total - before.total) / cores)


# --- servers ----------------------------------------------------------------------------------------------


@dataclass
class Servers:
    """The `serve --demo` processes of one configuration and the registry token buyer apps subscribe with."""

    urls: list[str]
    pids: list[int]
    token: str


def bpp_environment(database_url: str, redis_url: str, step_seconds: float) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SEVAMITRA_")}
    return env | {
        "SEVAMITRA_DATABASE_URL": database_url, "SEVAMITRA_REDIS_URL": redis_url,
        "SEVAMITRA_DEMO_STEP_SECONDS": str(step_seconds), "SEVAMITRA_SESSION_SECRET": secrets.token_urlsafe(32),
        "SEVAMITRA_RATE_LIMIT_PER_MINUTE": "100000000", "SEVAMITRA_SOURCE_RATE_LIMIT_PER_MINUTE": "100000000",
        "PYTHONPATH": str(ROOT),
    }


def wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} was not ready within {STARTUP_SECONDS:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_servers(count: int, env: dict[str, str], work: Path) -> Iterator[Servers]:
    """Start `count` servers one after the other in `work` (so they share ./var/demo-keys.json); the first
    one's demo registry serves all. Stops them with SIGINT on the way out."""
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    token = ""
    try:
        for index in range(count):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            server_env = env if index == 0 else env | {"SEVAMITRA_REGISTRY_URL": urls[0]}
            log = work / f"serve-{index + 1}.log"
            with log.open("wb") as output:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "bpp", "serve", "--demo", "--port", str(port)], cwd=work, env=server_env,
                    stdout=output, stderr=subprocess.STDOUT,
                ))
            wait_ready(processes[-1], url, log)
            urls.append(url)
            if index == 0:  # read before a second `serve --demo` writes its own (unused) token over it
                token = read_published_token(work / TOKEN_FILE) or ""
        yield Servers(urls, [process.pid for process in processes], token)
    finally:
        stop_all(processes)


# --- the day ----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the buyer apps saw in one phase."""

    done: int = 0
    failures: list[str] = field(default_factory=list)


async def categories(buyer: BuyerApp, url: str) -> list[str]:
    """The service categories the catalogue offers, from one wildcard search."""
    on_search = await Journey(buyer, f"{url}/ondc", callback_timeout=30).search()
    providers = (on_search.message.get("catalog") or {}).get("providers") or []
    return sorted({category for provider in providers for item in provider.get("items") or []
                   for category in item.get("category_ids") or ()})


async def searches(lanes: Sequence[tuple[BuyerApp, str]], urls: Sequence[str], count: int,
                   concurrency: int) -> Outcome:
    """`count` searches, `concurrency` at a time, each waiting for its on_search; servers and buyer apps in turn."""
    outcome = Outcome()
    numbers = iter(range(count))

    async def searcher() -> None:
        for number in numbers:
            buyer, category = lanes[number % len(lanes)]
            try:
                await Journey(buyer, f"{urls[number % len(urls)]}/ondc", category=category,
                              callback_timeout=30).search()
                outcome.done += 1
            except (JourneyFailed, httpx.HTTPError) as exc:
                outcome.failures.append(f"{type(exc).__name__}: {exc}")

    await asyncio.gather(*(searcher() for _ in range(concurrency)))
    return outcome


async def orders(lanes: Sequence[tuple[BuyerApp, str]], urls: Sequence[str], count: int) -> Outcome:
    """`count` whole orders: each category's buyer app keeps as many in flight as the category has workers
    (more would find nobody free and be cancelled), servers alternating order by order."""
    outcome = Outcome()
    numbers = itertools.count()

    async def customer(buyer: BuyerApp, category: str) -> None:
        while (number := next(numbers)) < count:
            journey = Journey(buyer, f"{urls[number % len(urls)]}/ondc", category=category, callback_timeout=30,
                              completion_timeout=90)
            try:
                final = await journey.run()
            except (JourneyFailed, httpx.HTTPError) as exc:
                outcome.failures.append(f"{type(exc).__name__}: {exc}")
                continue
            if final.get("status") == "Completed":
                outcome.done += 1
            else:
                outcome.failures.append(f"order ended {final.get('status')}")

    await asyncio.gather(*(customer(buyer, category) for buyer, category in lanes
                           for _ in range(WORKERS_PER_CATEGORY)))
    return outcome


def metric_totals(urls: Sequence[str]) -> dict[str, float]:
    """Offers, matching and settlement figures summed over the servers, as Prometheus would."""
    totals: dict[str, float] = {}
    wanted = {"sevamitra_offers_total": "outcome", "sevamitra_settlements_total": "kind"}
    for url in urls:
        for family in text_string_to_metric_families(httpx.get(f"{url}/metrics", timeout=10).text):
            for sample in family.samples:
                if sample.name in wanted:
                    key = f"{sample.name.removeprefix('sevamitra_').removesuffix('_total')}:" \
                          f"{sample.labels[wanted[sample.name]]}"
                elif sample.name in ("sevamitra_matching_seconds_count", "sevamitra_matching_seconds_sum"):
                    key = sample.name.removeprefix("sevamitra_")
                else:
                    continue
                totals[key] = totals.get(key, 0.0) + sample.value
    return totals


def ledger_check(env: dict[str, str], work: Path) -> str:
    checked = subprocess.run([sys.executable, "-m", "bpp", "ledger", "check"], cwd=work, env=env,
                             capture_output=True, text=True, timeout=120)
    return checked.stdout.strip().splitlines()[-1] if checked.stdout.strip() else checked.stderr.strip()[-300:]


# --- one configuration ------------------------------------------------------------------------------------


@dataclass
class Result:
    servers: int
    idle: Usage
    search: Usage
    searched: Outcome
    order: Usage
    ordered: Outcome


async def pg_admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def drive(servers: Servers, meter: Meter, args: argparse.Namespace) -> Result:
    """Warm up, then the idle, search-only and order phases, each measured."""
    first = BuyerApp(registry_url=servers.urls[0], registry_token=servers.token)
    await first.start()
    buyers = [first]
    try:
        kinds = await categories(first, servers.urls[0])
        for _ in kinds[1:]:
            buyers.append(BuyerApp(registry_url=servers.urls[0], registry_token=servers.token))
            await buyers[-1].start()
        lanes = list(zip(buyers, kinds, strict=True))
        count = len(servers.urls)
        print(f"\n== {count} serve process(es): {', '.join(servers.urls)}; {len(kinds)} categories × "
              f"{WORKERS_PER_CATEGORY} demo workers ==", flush=True)
        await searches(lanes, servers.urls, 2 * len(lanes), len(lanes))  # warm-up: caches, registry look-ups
        await orders(lanes, servers.urls, len(lanes))
        idle = await meter.measure(lambda: asyncio.sleep(IDLE_SECONDS))
        searched, ordered = Outcome(), Outcome()

        async def search_phase() -> None:
            nonlocal searched
            searched = await searches(lanes, servers.urls, args.searches, args.search_concurrency)

        async def order_phase() -> None:
            nonlocal ordered
            ordered = await orders(lanes, servers.urls, args.orders)

        print(f"idle        : BPP {idle.bpp / idle.wall * 1000:.0f} ms CPU per second with no traffic "
              f"({count} process(es): background loops and demo workers)", flush=True)
        search = await meter.measure(search_phase)
        report("searches", search, searched, idle)
        order = await meter.measure(order_phase)
        report("orders", order, ordered, idle)
        return Result(count, idle, search, searched, order, ordered)
    finally:
        for buyer in buyers:
            await buyer.stop()


def run_configuration(count: int, args: argparse.Namespace) -> Result:
    """A fresh database and Redis, `count` servers, the day; everything removed afterwards."""
    database = f"sm_cityday_{uuid.uuid4().hex[:8]}"
    host = args.pg.rsplit("/", 1)[0].split("://", 1)[1]
    redis = Redis.from_url(args.redis)
    work = Path(tempfile.mkdtemp(prefix="sm-cityday-"))
    asyncio.run(pg_admin(args.pg, f'CREATE DATABASE "{database}"'))
    try:
        redis.flushdb()
        env = bpp_environment(f"postgresql+asyncpg://{host}/{database}", args.redis, args.step_seconds)
        subprocess.run([sys.executable, "-m", "bpp", "migrate"], cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        with running_servers(count, env, work) as servers:
            result = asyncio.run(drive(servers, Meter(servers.pids, args.pg, database), args))
            print(f"metrics     : {metric_totals(servers.urls)}")
            print(f"ledger check: {ledger_check(env, work)}", flush=True)
        return result
    finally:
        redis.flushdb()
        redis.close()
        asyncio.run(pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        shutil.rmtree(work, ignore_errors=True)


def above_idle(usage: Usage, idle: Usage) -> float:
    """BPP CPU seconds of a phase beyond what its processes spend with no traffic at all in as long."""
    return usage.bpp - idle.bpp / idle.wall * usage.wall


def report(name: str, usage: Usage, outcome: Outcome, idle: Usage) -> None:
    done = max(outcome.done, 1)
    unit = name.removesuffix("es").removesuffix("s")
    print(f"{name:<12}: {outcome.done} completed, {len(outcome.failures)} failed, in {usage.wall:.1f} s = "
          f"{outcome.done / usage.wall:.2f}/s; CPU per {unit}: BPP {usage.bpp / done * 1000:.1f} ms "
          f"({above_idle(usage, idle) / done * 1000:.1f} ms above idle), PostgreSQL "
          f"{usage.postgres / done * 1000:.1f} ms, bench client {usage.client / done * 1000:.1f} ms")
    print(f"{'':<12}  machine {usage.cores_busy:.2f} of {os.cpu_count()} cores busy: BPP "
          f"{usage.bpp / usage.wall:.2f}, PostgreSQL {usage.postgres / usage.wall:.2f}, client "
          f"{usage.client / usage.wall:.2f}, everything else (Redis, other users) {usage.others / usage.wall:.2f}",
          flush=True)
    for failure in outcome.failures[:3]:
        print(f"{'':<12}  failed: {failure[:200]}")


def summary(results: Sequence[Result]) -> None:
    print("\nCPU ms per search / per order: all of it (above idle); others = cores busy with what this bench did "
          "not start")
    print("servers  searches/s  BPP ms/search  PG ms/search  orders/s  BPP ms/order   PG ms/order  "
          "others (search, orders)")
    for r in results:
        searched, ordered = max(r.searched.done, 1), max(r.ordered.done, 1)
        search_bpp = f"{r.search.bpp / searched * 1000:.1f} ({above_idle(r.search, r.idle) / searched * 1000:.1f})"
        order_bpp = f"{r.order.bpp / ordered * 1000:.0f} ({above_idle(r.order, r.idle) / ordered * 1000:.0f})"
        print(f"{r.servers:>7}  {r.searched.done / r.search.wall:>10.1f}  {search_bpp:>13}  "
              f"{r.search.postgres / searched * 1000:>12.1f}  {r.ordered.done / r.order.wall:>8.2f}  "
              f"{order_bpp:>12}  {r.order.postgres / ordered * 1000:>12.1f}  "
              f"{r.search.others / r.search.wall:.2f}, {r.order.others / r.order.wall:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default="1,2", help="server counts to run, in order (default 1,2)")
    parser.add_argument("--searches", type=int, default=300, help="searches in the search-only phase")
    parser.add_argument("--search-concurrency", type=int, default=16)
    parser.add_argument("--orders", type=int, default=32, help="whole orders in the order phase")
    parser.add_argument("--step-seconds", type=float, default=0.1, help="pause between simulated worker steps")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an administrator DSN: a database is created and dropped through it")
    parser.add_argument("--redis", default=os.environ.get("SEVAMITRA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
                        help="a Redis database this bench may empty")
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average before the run: {' '.join(load)} on {os.cpu_count()} cores", flush=True)
    results = [run_configuration(int(count), args) for count in args.servers.split(",")]
    summary(results)


if __name__ == "__main__":
    main()
