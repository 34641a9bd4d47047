"""A worker app's side of the tests: her login over HTTP and the offers she sees (shared by the worker app tests)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from harness import RunningServer

from bpp.workforce import repo as worker_repo

KM = 1 / 111.0  # degrees of latitude per km


async def phone_of(server: RunningServer, worker_id: str) -> str:
    async with server.services.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
    assert worker is not None
    return str(worker["phone"])


async def logged_in(server: RunningServer, worker_id: str, pin: str) -> httpx.AsyncClient:
    """An HTTP client carrying the worker's bearer token from POST /worker/api/login."""
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        answer = await anonymous.post("/worker/api/login", json={"phone": await phone_of(server, worker_id),
                                                                 "pin": pin})
    assert answer.status_code == 200, answer.text
    assert answer.json()["worker"]["id"] == worker_id
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {answer.json()['token']}"})


async def offer_for(client: httpx.AsyncClient, order_id: str, timeout: float = 8.0) -> dict[str, Any]:
    """Poll GET /offers until the worker sees an offer of `order_id`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        answer = await client.get("/worker/api/offers")
        assert answer.status_code == 200, answer.text
        found = [offer for offer in answer.json() if offer["order_id"] == order_id]
        if found:
            return found[0]
        assert asyncio.get_running_loop().time() < deadline, f"no offer of {order_id} reached the worker"
        await asyncio.sleep(0.05)
