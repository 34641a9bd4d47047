"""A database or Redis that does not answer at start-up stops each command with one line naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bpp.simulator.buyer import free_port
from signing import generate_encryption_keypair, generate_signing_keypair

PASSWORD = "not-for-the-screen"


def closed_port_environment(setting: str) -> dict[str, str]:
    """Our environment without SEVAMITRA_* settings, keys and a registry given, and `setting` aimed at a port
    where nothing listens."""
    signing_private, _ = generate_signing_keypair()
    encryption_private, _ = generate_encryption_keypair()
    closed = {
        "database_url": f"postgresql+asyncpg://postgres:{PASSWORD}@127.0.0.1:{free_port()}/sevamitra",
        "redis_url": f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0",
    }
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("SEVAMITRA_")},
        "SEVAMITRA_SIGNING_PRIVATE_KEY": signing_private,
        "SEVAMITRA_ENCRYPTION_PRIVATE_KEY": encryption_private,
        "SEVAMITRA_REGISTRY_URL": "http://127.0.0.1:9",
        f"SEVAMITRA_{setting.upper()}": closed[setting],
    }


@pytest.mark.parametrize(("command", "setting"), [
    (["serve", "--demo", "--port", "0"], "database_url"),
    (["serve", "--demo", "--port", "0"], "redis_url"),
    (["migrate"], "database_url"),
    (["ledger", "check"], "database_url"),
    (["dispatcher"], "database_url"),
    (["dispatcher"], "redis_url"),
], ids=["serve-database", "serve-redis", "migrate", "ledger-check", "dispatcher-database", "dispatcher-redis"])
def test_unreachable_storage_is_one_line_naming_the_setting(command: list[str], setting: str, tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-m", "bpp", *command], cwd=tmp_path,
                              env=closed_port_environment(setting), capture_output=True, text=True, timeout=60)

    output = (finished.stdout + finished.stderr).strip()
    assert finished.returncode == 2, output
    [line] = output.splitlines()
    assert line.startswith(f"configuration error: setting {setting} (SEVAMITRA_{setting.upper()}): cannot "), line
    assert "Connect call failed" in line and "; check that " in line
    assert PASSWORD not in line
