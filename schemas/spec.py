"""Lazy, cached access to the ONDC spec files shipped inside this package (`schemas/spec/`, see PROVENANCE.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).resolve().parent / "spec"
BUNDLE_FILE = "srv-draft-services.build.yaml"
CORE_FILE = "beckn-core-1.1.0.transaction.yaml"


def spec_dir() -> Path:
    return SPEC_DIR


@cache
def load_yaml(path: Path) -> Any:
    """Load one YAML file once (C loader: the SRV bundle is about 1 MB)."""
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=yaml.CSafeLoader)


def bundle() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(SPEC_DIR / BUNDLE_FILE)
    return document


def core() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(SPEC_DIR / CORE_FILE)
    return document


def components_dir() -> Path:
    return SPEC_DIR / "srv-components"


def enum_codes(file: str, *keys: str) -> frozenset[str]:
    """The `code`s listed under `keys` of `srv-components/enums/<file>.yaml`."""
    node: Any = load_yaml(components_dir() / "enums" / f"{file}.yaml")
    for key in keys:
        node = node[key]
    return frozenset(str(entry["code"]) for entry in node)
