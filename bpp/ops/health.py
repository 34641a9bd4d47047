"""`/healthz` (the process answers), `/readyz` (it can serve: database, Redis, schema current) and `/metrics`.

A load balancer sends traffic only to ready processes and restarts one whose liveness fails; readiness fails
while the database or Redis is unreachable or the schema is older than the code (run `sevamitra-bpp migrate`).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text

from bpp.ops.metrics import OUTBOX_OLDEST_SECONDS, OUTBOX_PENDING
from bpp.storage.db import Database
from bpp.storage.gateway_tables import outbox
from bpp.storage.migrate import alembic_config

router = APIRouter(tags=["ops"])


@cache
def _schema_heads() -> frozenset[str]:
    """The newest migration(s) this code ships (read once: they do not change while it runs)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def _database_check(db: Database) -> str:
    try:
        async with db.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
    if frozenset(version) != _schema_heads():
        return (f"schema at {', '.join(version) or 'nothing'}, code expects {', '.join(sorted(_schema_heads()))}: "
                "run `sevamitra-bpp migrate`")
    return "ok"


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process runs its event loop. Nothing else is checked, so a database outage restarts nothing."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Readiness: database reachable with the current schema, Redis reachable; 503 naming what is wrong."""
    state = request.app.state
    checks: dict[str, str] = {"database": await _database_check(state.db)}
    try:
        await state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"unreachable: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "subscriber_id": state.settings.subscriber_id,
                            "demo": state.settings.demo, **checks,
                            "transaction_log_dropped_rows": state.txlog.dropped_rows}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus text format; the outbox figures are read from the database now."""
    state = request.app.state
    try:
        await _read_outbox(state.db, state.clock())
    except Exception:  # a scrape during a database outage still returns the process's own figures
        OUTBOX_PENDING.set(float("nan"))
        OUTBOX_OLDEST_SECONDS.set(float("nan"))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _read_outbox(db: Database, now: datetime) -> None:
    async with db.connect() as conn:
        pending, oldest = (await conn.execute(
            select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.status == "pending")
        )).one()
    OUTBOX_PENDING.set(pending)
    OUTBOX_OLDEST_SECONDS.set((now - oldest).total_seconds() if oldest is not None else 0.0)
