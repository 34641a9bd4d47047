"""`sevamitra-bpp`: serve, simulate, keys, sign, verify, subscribe, migrate, dispatcher, ledger, staff."""

from __future__ import annotations

import argparse
import importlib
import sys

from bpp.settings import ConfigError

COMMAND_MODULES = (
    "bpp.commands.serve",
    "bpp.commands.simulate",
    "bpp.commands.keys",
    "bpp.commands.signature_tools",
    "bpp.commands.subscribe",
    "bpp.commands.migrate",
    "bpp.commands.dispatcher",
    "bpp.commands.ledger",
    "bpp.commands.staff",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sevamitra-bpp",
        description="Seva Mitra home services as an ONDC seller app (BPP).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
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
