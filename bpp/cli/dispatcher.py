"""`dispatcher`: a process that only delivers callbacks from the outbox (run several on PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from bpp.cli.common import add_config_option, settings_from
from bpp.ops.logs import configure_logging
from bpp.platform.settings import Settings
from bpp.storage.reachability import ensure_storage_reachable
from bpp.wiring.services import build_services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dispatcher", help="deliver callbacks from the outbox (and answer searches, with search_answers: dispatcher)",
        description="Claim due callbacks (FOR UPDATE SKIP LOCKED on PostgreSQL), sign and deliver them, retry "
        "with capped backoff until each deadline. Several may run against one PostgreSQL database. With "
        "search_answers: dispatcher, also take searches off the Redis stream the serve processes fill, and answer "
        "them (on_search).",
    )
    add_config_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    configure_logging(settings.resolved_log_format)
    asyncio.run(ensure_storage_reachable(settings.database_url, settings.redis_url))
    asyncio.run(_dispatch(settings))
    return 0


async def _dispatch(settings: Settings) -> None:
    services = build_services(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    answerer = await services.start_dispatching()
    try:
        await stop.wait()
    finally:
        if answerer is not None:
            await answerer.stop()
        await services.stop()
