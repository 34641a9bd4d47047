"""`sevamitra-bpp serve --demo` and `simulate` as separate processes, then `ledger check` on what they left.

Twice: from this checkout, and as a new user gets it — a copy of the repository alone in a temporary folder,
installed (not editable) into a new virtual environment, so a file read from outside the package fails here.
Embedded storage only (the demo's defaults), so this runs once per installation, not per backend.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bpp.simulator.buyer import free_port

STARTUP_SECONDS = 20.0
SIMULATE_SECONDS = 30.0


REPOSITORY = Path(__file__).resolve().parents[2]
# what a clone does not have (or a user would not copy): caches, local data, keys, the checkout's own install
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "build", "var", ".venv", ".pytest_cache",
                                        ".ruff_cache", ".mypy_cache", "keys*.json", ".env")

Command = Callable[..., list[str]]


def _fresh_install(folder: Path) -> Path:
    """Copy the repository into `folder/sevamitra-bpp` (nothing beside it) and install it into a new venv."""
    copy = folder / "sevamitra-bpp"
    shutil.copytree(REPOSITORY, copy, ignore=NOT_IN_A_CLONE)
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                "--disable-pip-version-check", str(copy)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv / "bin" / "sevamitra-bpp"


@pytest.fixture(scope="module", params=["checkout", "fresh-copy"])
def bpp_command(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Command:
    """How to run `sevamitra-bpp`: from this checkout, or from a copy installed into a new virtual environment."""
    if request.param == "checkout":
        return lambda *args: [sys.executable, "-m", "bpp", *args]
    program = _fresh_install(tmp_path_factory.mktemp("fresh-copy"))
    return lambda *args: [str(program), *args]


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
            if httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"serve --demo was not healthy within {STARTUP_SECONDS:.0f} s:\n{log.read_text()}")


@pytest.fixture
def demo_server(bpp_command: Command, tmp_path: Path) -> Iterator[str]:
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


def test_simulate_cli_against_serve_demo(bpp_command: Command, demo_server: str, tmp_path: Path) -> None:
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
