"""Test harness: backends, settings for a test BPP, and a BPP served on loopback."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.demo.workers_seed import seed_demo_workers
from bpp.notify.phones import mask_phone
from bpp.platform.settings import Settings
from bpp.wiring.app import create_app
from bpp.wiring.services import Services
from schemas.attributes import validate_attributes
from schemas.outgoing import validate_enums, validate_outgoing
from signing import generate_encryption_keypair, generate_signing_keypair


@dataclass(frozen=True)
class Backend:
    """Where one test's data lives."""

    name: str
    database_url: str
    redis_url: str


def make_settings(backend: Backend, port: int = 8000, **overrides: Any) -> Settings:
    """Settings for a test BPP: fresh keys, http callbacks allowed, the backend's storage."""
    signing_private, _ = generate_signing_keypair()
    encryption_private, _ = generate_encryption_keypair()
    values: dict[str, Any] = {
        "subscriber_id": "bpp.sevamitra.test",
        "subscriber_url": f"http://127.0.0.1:{port}/ondc",
        "unique_key_id": "test-key-1",
        "signing_private_key": signing_private,
        "encryption_private_key": encryption_private,
        "database_url": backend.database_url,
        "redis_url": backend.redis_url,
        "allow_http_callbacks": True,
        "callback_max_backoff_seconds": 1.0,
        "dispatcher_poll_seconds": 0.05,
        "offer_timeout_seconds": 2.0,
        "demo_step_seconds": 0.05,
        "documents_dir": tempfile.mkdtemp(prefix="sevamitra-documents-"),  # never the working folder's var/
    }
    values.update(overrides)
    return Settings(**values)


# The smallest files the worker-documents upload accepts, being what their first bytes say: a PDF and a PNG.
SCANNED_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
SCANNED_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)


async def upload_worker_documents(staff: httpx.AsyncClient, worker_id: str) -> None:
    """Upload the documents a worker needs before she can be marked verified: ID proof, police certificate."""
    for kind, content, name in (("id_proof", SCANNED_PNG, "aadhaar.png"),
                                ("police_certificate", SCANNED_PDF, "police.pdf")):
        answer = await staff.post(f"/staff/api/workers/{worker_id}/documents/{kind}", content=content,
                                  params={"filename": name})
        assert answer.status_code == 201, answer.text


@dataclass
class RunningServer:
    """A BPP under uvicorn on loopback."""

    app: FastAPI
    base_url: str
    uvicorn_server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def services(self) -> Services:
        return self.app.state.services

    @property
    def ondc_url(self) -> str:
        return self.base_url + "/ondc"

    async def stop(self) -> None:
        self.uvicorn_server.should_exit = True
        await self.task


def conformance_errors(action: str, body: Mapping[str, Any]) -> list[str]:
    """What one of our callbacks must pass: the SRV bundle schema, its enums and tag codes, and the SRV attribute
    tables (required attributes, less our known deviations; docs/conformance.md). Empty when it conforms.

    A callback carrying an `error` is a refusal: its message echoes what names the request, not an answer the
    tables describe (SRV's own `on_select_nack` example is one), so only the bundle checks it."""
    bundle = [*validate_outgoing(action, body), *validate_enums(action, body)]
    if body.get("error"):
        return bundle
    return [*bundle, *validate_attributes(action, body)]


async def seed_demo(services: Services) -> None:
    """The demo's Lucknow catalogue and its verified workers around Hazratganj, online, as `serve --demo` seeds them."""
    await seed_demo_catalog(services.db, services.catalog)
    await seed_demo_workers(services.db, services.fulfillment, services.clock,
                            (item.category_id for item in services.catalog.snapshot.items.values()))


async def serve(app: FastAPI, port: int) -> RunningServer:
    """`app` under uvicorn on 127.0.0.1:`port`, started (lifespan included); raises if it does not start."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    task = asyncio.create_task(server.serve())
    for _ in range(1000):
        if server.started:
            return RunningServer(app, f"http://127.0.0.1:{port}", server, task)
        if task.done():
            task.result()
            raise RuntimeError(f"the server on port {port} stopped before it started")
        await asyncio.sleep(0.01)
    raise RuntimeError(f"the server on port {port} did not start within 10 s")


async def start_server(settings: Settings, port: int) -> RunningServer:
    """Serve `settings` on `port`; the app is its own demo registry."""
    return await serve(create_app(settings, registry_url=f"http://127.0.0.1:{port}", migrate=False), port)


STARTUP_SECONDS = 30.0


@dataclass
class BppProcess:
    """One `sevamitra-bpp` process in its own folder, its output in `<folder>/bpp.log`."""

    folder: Path
    args: list[str]
    environment: dict[str, str]
    port: int | None = None
    process: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return (self.folder / "bpp.log").read_text(errors="replace")

    async def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "bpp.log").open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bpp", *self.args, cwd=self.folder, env=self.environment, stdout=log,
                stderr=subprocess.STDOUT)

    async def ready(self) -> None:
        """Wait until the server answers /readyz (database and Redis reachable, demo data seeded)."""
        assert self.process is not None
        async with httpx.AsyncClient(timeout=1) as client:
            for _ in range(int(STARTUP_SECONDS / 0.1)):
                if self.process.returncode is not None:
                    pytest.fail(f"{self.args} exited with {self.process.returncode}:\n{self.log}")
                try:
                    if (await client.get(f"{self.base_url}/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        pytest.fail(f"{self.args} was not ready within {STARTUP_SECONDS:.0f} s:\n{self.log}")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                await self.kill()


CHROMIUM = "/usr/bin/chromium"  # Debian's package; scripts/test.sh installs it
HAVE_CHROMIUM = Path(CHROMIUM).exists()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


async def launch_chromium(playwright: Any) -> Any:
    """Headless Debian Chromium for the page tests; a clear failure when it is not installed."""
    assert HAVE_CHROMIUM, "install Chromium: apt-get install chromium"
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@dataclass(eq=False)  # a logging handler is kept in weak sets: hashed by identity
class SentSms(logging.Handler):
    """The SMS the log backend sent in this test process: what the citizen's phone shows."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)  # template, masked phone, text

    def __post_init__(self) -> None:
        super().__init__(logging.INFO)

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "sms_template") and isinstance(record.args, tuple):
            self.sent.append((record.sms_template, record.sms_to, str(record.args[-1])))

    async def texts(self, template: str, phone: str, count: int = 1, seconds: float = 20.0) -> list[str]:
        """Every text of `template` sent to `phone`, once at least `count` were."""
        masked = mask_phone(phone)
        for _ in range(int(seconds / 0.05)):
            found = [text for name, to, text in self.sent if name == template and to == masked]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"{count} {template} SMS to {masked} not sent within {seconds} s: {self.sent}")
