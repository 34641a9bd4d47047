"""Fixtures for the signing tests: the published vectors and real loopback HTTP servers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
import uvicorn
from reference import SIGNING_VECTORS

ServeApp = Callable[[Any], AbstractContextManager[str]]


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    """The published ONDC/Beckn vectors (a copy in tests/data)."""
    return json.loads(SIGNING_VECTORS.read_text())


@contextmanager
def _serve(app: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn on 127.0.0.1 and a free port in a thread; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("loopback server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def serve_app() -> ServeApp:
    """A context manager factory: `with serve_app(app) as base_url: ...` serves over real HTTP."""
    return _serve
