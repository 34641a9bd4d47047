"""Staff and worker logins: tokens by role, wrong secrets refused in two languages, guessing locked out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from harness import RunningServer

from bpp.platform.auth import hash_secret
from bpp.staff.users import create_staff_user
from bpp.workforce import repo as worker_repo
from fulfillment.workers import Registration

PASSWORD = "correct horse battery"
PIN = "4321"
STRANGER = "127.0.0.2"  # any loopback address reaches the server; this one plays another machine


@dataclass(frozen=True)
class Login:
    """One login form: where it posts, and the bodies for the right secret, a wrong one and an unknown account."""

    path: str
    right: dict[str, str]
    wrong: dict[str, str]
    unknown: dict[str, str]


@pytest.fixture(params=["staff", "worker"])
async def login(request: pytest.FixtureRequest, server: RunningServer) -> Login:
    """An existing staff member or worker, and how each logs in."""
    services = server.services
    async with services.db.begin() as conn:
        if request.param == "staff":
            await create_staff_user(conn, "admin", PASSWORD, "admin", "Admin")
            return Login("/staff/api/login", {"username": "admin", "password": PASSWORD},
                         {"username": "admin", "password": "guess"}, {"username": "nobody", "password": "guess"})
        registration = Registration("Asha", "9876543210", PIN, ("SRV11-1011",), 26.85, 80.95, "std:0522")
        await worker_repo.insert_worker(conn, registration, hash_secret(PIN), services.clock(), "test")
    return Login("/worker/api/login", {"phone": "9876543210", "pin": PIN}, {"phone": "9876543210", "pin": "0000"},
                 {"phone": "9876543211", "pin": "0000"})


def client_from(server: RunningServer, address: str = "127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.base_url,
                             transport=httpx.AsyncHTTPTransport(local_address=address))


async def test_login_gives_a_token_and_guessing_is_locked_out(server: RunningServer) -> None:
    async with server.services.db.begin() as conn:
        await create_staff_user(conn, "officer", PASSWORD, "district_officer", "Officer", "std:0522")
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        good = await http.post("/staff/api/login", json={"username": "officer", "password": PASSWORD})
        assert good.status_code == 200
        assert good.json()["role"] == "district_officer" and good.json()["district"] == "std:0522"
        for _ in range(5):
            wrong = await http.post("/staff/api/login", json={"username": "officer", "password": "guess"})
            assert wrong.status_code == 401
            assert wrong.json()["detail"]["en"] and wrong.json()["detail"]["hi"]
        locked = await http.post("/staff/api/login", json={"username": "officer", "password": PASSWORD})
        assert locked.status_code == 429
        assert "155330" in locked.json()["detail"]["en"]


async def test_a_forged_or_missing_token_is_refused(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        missing = await http.get("/staff/api/transactions/some-transaction")
        forged = await http.get("/staff/api/transactions/some-transaction",
                                headers={"Authorization": "Bearer eyJmYWtlIjoxfQ.bm90LWEtbWFj"})
    assert missing.status_code == 401 and forged.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"


async def test_guesses_sent_at_once_are_counted_before_the_secret_is_checked(
    server: RunningServer, login: Login
) -> None:
    async with client_from(server) as http:
        answers = await asyncio.gather(*(http.post(login.path, json=login.wrong) for _ in range(30)))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [401] * 5 + [429] * 25, "only five guesses may reach the secret check"
        assert (await http.post(login.path, json=login.right)).status_code == 429


async def test_a_stranger_locks_out_only_their_own_address_and_the_owner_is_told(
    server: RunningServer, login: Login
) -> None:
    async with client_from(server, STRANGER) as stranger:
        for _ in range(5):
            assert (await stranger.post(login.path, json=login.wrong)).status_code == 401
        assert (await stranger.post(login.path, json=login.right)).status_code == 429
    async with client_from(server) as owner:
        answer = await owner.post(login.path, json=login.right)
        assert answer.status_code == 200
        [notice] = answer.json()["notices"]
        assert STRANGER in notice["en"] and STRANGER in notice["hi"]
        assert (await owner.post(login.path, json=login.right)).json()["notices"] == [], "told once"


async def test_an_unknown_account_costs_the_same_hashing_as_a_known_one(
    server: RunningServer, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self: PasswordHasher, hash: str, password: Any) -> bool:
        verified.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    async with client_from(server) as http:
        assert (await http.post(login.path, json=login.wrong)).status_code == 401
        assert (await http.post(login.path, json=login.unknown)).status_code == 401
    assert len(verified) == 2, "an unknown name must not answer before any argon2 work"
    assert all(hash.startswith("$argon2") for hash in verified)
