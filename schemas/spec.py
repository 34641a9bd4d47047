"""Lazy, cached access to the shared ONDC spec files (`../shared/ondc/spec`)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SHARED_DIR_ENV = "SEVAMITRA_SHARED_DIR"
BUNDLE_FILE = "srv-draft-services.build.yaml"
CORE_FILE = "beckn-core-1.1.0.transaction.yaml"


def shared_dir() -> Path:
    """`$SEVAMITRA_SHARED_DIR`, else `shared/` next to the repository root."""
    override = os.environ.get(SHARED_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent.parent / "shared"


def spec_dir() -> Path:
    return shared_dir() / "ondc" / "spec"


@cache
def load_yaml(path: Path) -> Any:
    """Load one YAML file once (C loader: the SRV bundle is about 1 MB)."""
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=yaml.CSafeLoader)


def bundle() -> dict[str, Any]:
    return load_yaml(spec_dir() / BUNDLE_FILE)


def core() -> dict[str, Any]:
    return load_yaml(spec_dir() / CORE_FILE)


def enum_codes(file: str, *keys: str) -> frozenset[str]:
    """The `code`s listed under `keys` of `srv-components/enums/<file>.yaml`."""
    node: Any = load_yaml(spec_dir() / "srv-components" / "enums" / f"{file}.yaml")
    for key in keys:
        node = node[key]
    return frozenset(str(entry["code"]) for entry in node)
