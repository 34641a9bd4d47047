"""Shared fixtures: each storage-touching test runs on SQLite + in-process Redis and on PostgreSQL + Redis.

PostgreSQL and Redis must be reachable (CI starts them); an unreachable service fails the test, never skips it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from harness import Backend, RunningServer, SentSms, make_settings, start_server
from redis.asyncio import Redis

from bpp.simulator.buyer import BuyerApp, free_port
from bpp.storage.migrate import alembic_config
from bpp.wiring.services import Services, build_services

PG_ADMIN_DSN = os.environ.get("SEVAMITRA_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_HOST = PG_ADMIN_DSN.rsplit("/", 1)[0].split("://", 1)[1]
REDIS_TEST_URL = os.environ.get("SEVAMITRA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BACKENDS = ("embedded", "postgres")
# `python -m bpp …` subprocesses run this tree's code, not whichever checkout `pip install -e` pointed at last
ROOT = Path(__file__).resolve().parent.parent
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))


def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """Run blocking set-up (which starts its own event loop) outside the test's running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def _migrate_sync(url: str) -> None:
    from alembic import command

    _in_thread(command.upgrade, alembic_config(url), "head")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    _migrate_sync(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL database used as the TEMPLATE of each test's database."""
    name = f"sm_template_{uuid.uuid4().hex[:8]}"
    _in_thread(asyncio.run, _pg_admin(f'CREATE DATABASE "{name}"'))
    _migrate_sync(f"postgresql+asyncpg://{PG_HOST}/{name}")
    yield name
    _in_thread(asyncio.run, _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_admin(sql: str) -> None:
    try:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_DSN} is unreachable ({exc}); start it (see README)")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """A fresh, migrated database and an empty Redis, on each backend in turn."""
    if request.param == "embedded":
        path = tmp_path / "bpp.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield Backend("embedded", f"sqlite+aiosqlite:///{path}", "memory://")
        return
    template = request.getfixturevalue("postgres_template")
    name = f"sm_test_{uuid.uuid4().hex[:10]}"
    await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    redis = Redis.from_url(REDIS_TEST_URL)
    try:
        await redis.flushdb()
    except OSError as exc:
        pytest.fail(f"Redis at {REDIS_TEST_URL} is unreachable ({exc}); start it (see README)")
    finally:
        await redis.aclose()
    yield Backend("postgres", f"postgresql+asyncpg://{PG_HOST}/{name}", REDIS_TEST_URL)
    await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def services(backend: Backend) -> AsyncIterator[Services]:
    """Started services without an HTTP server (the registry is never called)."""
    built = build_services(make_settings(backend), registry_url="http://127.0.0.1:9")
    await built.start(run_dispatcher=False)
    yield built
    await built.stop()


@pytest.fixture
async def server(backend: Backend, request: pytest.FixtureRequest) -> AsyncIterator[RunningServer]:
    """The real app on 127.0.0.1:<free port>; `@pytest.mark.settings(**overrides)` adjusts its settings."""
    port = free_port()
    marker = request.node.get_closest_marker("settings")
    overrides = marker.kwargs if marker else {}
    running = await start_server(make_settings(backend, port, **overrides), port)
    yield running
    await running.stop()


@pytest.fixture
async def buyer(server: RunningServer) -> AsyncIterator[BuyerApp]:
    """A buyer app with its own keys and callback server, known to the server's registry."""
    app = BuyerApp(registry_url=server.base_url, registry_token=server.app.state.demo_registry.subscribe_token)
    await app.start()
    yield app
    await app.stop()


@pytest.fixture
def sent_sms() -> Iterator[SentSms]:
    logger = logging.getLogger("bpp.notify.sms")
    handler, level = SentSms(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)
