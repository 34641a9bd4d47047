"""Options shared by commands."""

from __future__ import annotations

import argparse

from bpp.platform.settings import Settings, load_settings


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", default=None,
                        help="YAML configuration (default: $SEVAMITRA_CONFIG or ./registry_config.yaml)")


def settings_from(args: argparse.Namespace, **overrides: object) -> Settings:
    return load_settings(getattr(args, "config", None), **overrides)
