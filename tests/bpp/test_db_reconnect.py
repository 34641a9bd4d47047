"""A pooled PostgreSQL connection the server closed (as a restart closes them all) is replaced, not used."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from conftest import PG_ADMIN_DSN
from harness import Backend
from sqlalchemy import text

from bpp.storage.db import Database

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def test_a_transaction_after_the_server_closed_every_pooled_connection_succeeds(backend: Backend) -> None:
    db = Database(backend.database_url)
    try:
        async with db.begin() as conn:  # the connection goes back to the pool
            pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
            while await admin.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid):
                await asyncio.sleep(0.01)
        finally:
            await admin.close()
        await asyncio.sleep(0.05)  # the event loop reads the server's close, as a running server's loop soon does

        async with db.begin() as conn:
            assert (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one() != pid
    finally:
        await db.dispose()
