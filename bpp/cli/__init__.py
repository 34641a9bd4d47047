"""`sevamitra-bpp`: serve, simulate, keys, sign, verify, subscribe, migrate, dispatcher, ledger, staff."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bpp.cli import dispatcher, keys, ledger, migrate, serve, signature_tools, simulate, staff, subscribe
from bpp.platform.settings import ConfigError

# Each adds its subcommands to the parser; a literal list so that imports stay visible to the layer checks.
CommandRegistrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
COMMANDS: tuple[CommandRegistrar, ...] = (
    serve.register,
    simulate.register,
    keys.register,
    signature_tools.register,
    subscribe.register,
    migrate.register,
    dispatcher.register,
    ledger.register,
    staff.register,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sevamitra-bpp",
        description="Seva Mitra home services as an ONDC seller app (BPP).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; configuration mistakes end in one line naming the setting, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
