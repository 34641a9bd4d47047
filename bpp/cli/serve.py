"""`serve`: run the BPP (with `--demo`: Lucknow demo data, simulated workers, a built-in registry)."""

from __future__ import annotations

import argparse
import asyncio
import os

from bpp.cli.common import add_config_option, settings_from
from bpp.ops.logs import configure_logging


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the BPP web server",
        description="Run the network endpoints, onboarding, staff and worker APIs. On the embedded defaults "
        "(SQLite, in-process Redis) migrations run automatically and one dispatcher runs inside.",
    )
    add_config_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--demo", action="store_true",
                        help="Lucknow demo catalogue and workers, simulated workers, built-in registry")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from bpp.storage.reachability import ensure_storage_reachable
    from bpp.wiring.app import create_app
    from bpp.wiring.services import check_configuration

    overrides: dict[str, object] = {}
    if args.demo:
        overrides.update(demo=True, allow_http_callbacks=True)
        if "SEVAMITRA_SUBSCRIBER_URL" not in os.environ:
            overrides["subscriber_url"] = f"http://{_loopback(args.host)}:{args.port}/ondc"
    settings = settings_from(args, **overrides)
    configure_logging(settings.resolved_log_format)
    registry_url = None
    if settings.demo and not settings.registry_url:
        registry_url = f"http://{_loopback(args.host)}:{args.port}"
    check_configuration(settings, registry_url)  # a missing key or registry stops here, in one line
    asyncio.run(ensure_storage_reachable(settings.database_url, settings.redis_url))  # so does a database down
    app = create_app(settings, registry_url=registry_url)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                loop="uvloop", http="httptools")
    return 0


def _loopback(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
