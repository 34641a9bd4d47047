"""`dispatcher`: a process that only delivers callbacks from the outbox (run several on PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from bpp.cli.common import add_config_option, settings_from
from bpp.ops.logs import configure_logging
from bpp.storage.reachability import ensure_storage_reachable
from bpp.wiring.services import build_services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dispatcher", help="deliver callbacks from the outbox",
        description="Claim due callbacks (FOR UPDATE SKIP LOCKED on PostgreSQL), sign and deliver them, retry "
        "with capped backoff until each deadline. Several may run against one PostgreSQL database.",
    )
    add_config_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    configure_logging(settings.resolved_log_format)
    asyncio.run(ensure_storage_reachable(settings.database_url, settings.redis_url))
    asyncio.run(_dispatch(settings))
    return 0


async def _dispatch(settings: object) -> None:
    services = build_services(settings)  # type: ignore[arg-type]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    services.txlog.start()
    services.dispatcher.start()
    try:
        await stop.wait()
    finally:
        await services.dispatcher.stop()
        await services.txlog.stop()
        await services.sender.close()
        await services.http.aclose()
        await services.db.dispose()
