"""`sevamitra-bpp serve --demo` and `simulate` as separate processes, then `ledger check` on what they left.

Embedded storage only (the demo's defaults), so this runs once, not per backend.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bpp.simulator.buyer import free_port

STARTUP_SECONDS = 20.0
SIMULATE_SECONDS = 30.0


def bpp_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bpp", *args]


def clean_environment() -> dict[str, str]:
    """Our environment without any SEVAMITRA_* setting, plus quick demo workers."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SEVAMITRA_")}
    env["SEVAMITRA_DEMO_STEP_SECONDS"] = "0.1"
    return env


def wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve --demo exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"serve --demo was not healthy within {STARTUP_SECONDS:.0f} s:\n{log.read_text()}")


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[str]:
    """`serve --demo` in an empty directory; yields its base URL and checks that SIGINT stops it cleanly."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(bpp_command("serve", "--demo", "--port", str(port)), cwd=tmp_path,
                                   env=clean_environment(), stdout=output, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_healthy(process, base_url, log)
        yield base_url
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_simulate_cli_against_serve_demo(demo_server: str, tmp_path: Path) -> None:
    simulated = subprocess.run(bpp_command("simulate", "--bpp", f"{demo_server}/ondc", "--timeout", "25"),
                               cwd=tmp_path, env=clean_environment(), capture_output=True, text=True,
                               timeout=SIMULATE_SECONDS)

    assert simulated.returncode == 0, simulated.stdout + simulated.stderr
    header, *rows, summary = simulated.stdout.strip().splitlines()
    assert header.split() == ["step", "time", "result"]
    steps = [row.split()[1] for row in rows]
    assert all(row.startswith("ok ") for row in rows), rows
    for expected in ("on_search", "on_select", "on_init", "on_confirm", "on_status"):
        assert expected in steps, steps
    assert "finished with status Completed" in summary
    assert f"{len(rows)} steps passed" in summary

    checked = subprocess.run(bpp_command("ledger", "check", "--json"), cwd=tmp_path, env=clean_environment(),
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["entries"] >= 1
    assert report["balanced"] is True
