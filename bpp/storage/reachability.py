"""Start-up checks that the database and Redis answer: one line naming the setting, instead of a traceback."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bpp.platform.settings import ConfigError
from bpp.storage.db import Database
from bpp.storage.redis import create_redis

CONNECT_SECONDS = 10.0  # a host that drops packets would otherwise hold start-up for the driver's minute


async def ensure_database_reachable(database_url: str) -> None:
    """Raise ConfigError naming `database_url` when the database cannot be opened."""
    db = Database(database_url)
    try:
        async with asyncio.timeout(CONNECT_SECONDS), db.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        where = make_url(database_url).render_as_string(hide_password=True)
        raise ConfigError(
            f"setting database_url (SEVAMITRA_DATABASE_URL): cannot open {where} ({_reason(exc)}); check that the "
            "database server is running and reachable and that the URL's host, port, user, password and database "
            "name are right"
        ) from None
    finally:
        await db.dispose()


async def ensure_redis_reachable(redis_url: str) -> None:
    """Raise ConfigError naming `redis_url` when a Redis server is configured and does not answer a PING."""
    if redis_url.startswith("memory://"):
        return  # in process: nothing to reach
    redis = create_redis(redis_url)
    try:
        async with asyncio.timeout(CONNECT_SECONDS):
            await redis.ping()
    except (OSError, RedisError, TimeoutError) as exc:
        parts = urlsplit(redis_url)
        where = f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"  # never the password
        raise ConfigError(
            f"setting redis_url (SEVAMITRA_REDIS_URL): cannot reach {where} ({_reason(exc)}); check that Redis is "
            "running and reachable and that the URL's host, port, password and database number are right, or use "
            "memory:// for a single process"
        ) from None
    finally:
        await redis.aclose()


async def ensure_storage_reachable(database_url: str, redis_url: str) -> None:
    """Both checks, the database first."""
    await ensure_database_reachable(database_url)
    await ensure_redis_reachable(redis_url)


def _reason(exc: BaseException) -> str:
    """The driver's own words, on one line (SQLAlchemy adds its SQL and a help link on later lines)."""
    original = getattr(exc, "orig", None) or exc
    words = str(original).strip().splitlines()
    return words[0] if words else type(original).__name__
