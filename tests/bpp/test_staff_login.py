"""Staff login: tokens by role, wrong passwords refused in two languages, repeated guessing locked out."""

from __future__ import annotations

import httpx
from harness import RunningServer

from bpp.staff.users import create_staff_user

PASSWORD = "correct horse battery"


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
