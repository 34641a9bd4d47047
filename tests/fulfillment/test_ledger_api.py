"""Wallet and payout routes over real HTTP: who may see what."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import httpx

from bpp.platform.auth import Principal


def bearer(server: Any, principal: Principal) -> dict[str, str]:
    return {"authorization": f"Bearer {server.services.tokens.issue(principal)}"}


async def test_wallet_routes_respect_roles_and_districts(server: Any, fx: ModuleType) -> None:
    services = server.services
    await fx.add_worker(services, "WL1", *fx.HAZRATGANJ)
    worker = bearer(server, Principal("worker", "WL1", "worker"))
    admin = bearer(server, Principal("staff", "S1", "admin"))
    officer_elsewhere = bearer(server, Principal("staff", "S2", "district_officer", "std:0512"))
    helpline = bearer(server, Principal("staff", "S3", "helpline_operator"))
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        mine = await http.get("/worker/api/wallet", headers=worker)
        assert mine.status_code == 200
        assert mine.json()["payable"] == "0.00"
        saved = await http.put(
            "/worker/api/wallet/payout-account", headers=worker, json={"holder_name": "Asha", "upi_vpa": "asha"}
        )
        assert saved.status_code == 422
        assert "hi" in saved.json()["detail"]
        assert (await http.get("/staff/api/wallets", headers=helpline)).status_code == 403
        assert (await http.get("/staff/api/wallets/WL1", headers=officer_elsewhere)).status_code == 403
        assert (await http.get("/staff/api/wallets/WL1", headers=admin)).json()["statement"] == []
        batch = await http.post("/staff/api/payouts", headers=officer_elsewhere, json={"minimum": "1"})
        assert batch.status_code == 201
        assert batch.json()["line_count"] == 0
        listed = await http.get("/staff/api/payouts", headers=officer_elsewhere)
        assert [b["district"] for b in listed.json()] == ["std:0512"]
        missing = await http.post(f"/staff/api/payouts/{batch.json()['id']}/lines/1/paid", headers=admin, json={})
        assert missing.status_code == 404
        report = await http.get("/staff/api/reconciliation", headers=admin, params={"format": "csv"})
        assert report.text.startswith("bap_id,window_start")


async def test_cash_deposits_are_recorded_by_staff_of_her_district_only(server: Any, fx: ModuleType) -> None:
    await fx.add_worker(server.services, "WL2", *fx.HAZRATGANJ)
    admin = bearer(server, Principal("staff", "S1", "admin"))
    officer_elsewhere = bearer(server, Principal("staff", "S2", "district_officer", "std:0512"))
    deposit = {"amount": "100.00", "receipt": "SLIP-9"}
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        refused = await http.post("/staff/api/wallets/WL2/cash-deposits", headers=officer_elsewhere, json=deposit)
        assert refused.status_code == 403
        too_much = await http.post("/staff/api/wallets/WL2/cash-deposits", headers=admin, json=deposit)
        assert too_much.status_code == 422
        assert "more than" in too_much.json()["detail"]["en"] and too_much.json()["detail"]["hi"]
