"""Helpers of the sign-up and agency API tests: staff clients, an applicant who proved her phone with the OTP read
from the SMS queue, and the wrong fields of a 422 answer."""

from __future__ import annotations

import re
from typing import Any

import httpx
from harness import RunningServer
from sqlalchemy import select

from bpp.platform.auth import Principal
from bpp.storage.notify_tables import sms_messages

PHONE = "9876507777"


def staff(server: RunningServer, role: str, district: str | None = None) -> httpx.AsyncClient:
    token = server.services.tokens.issue(Principal("staff", f"{role}-1", role, district))
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})


async def last_otp(server: RunningServer, phone: str) -> str:
    async with server.services.db.connect() as conn:
        text = (await conn.execute(select(sms_messages.c.text).where(sms_messages.c.phone == phone)
                                   .order_by(sms_messages.c.id.desc()).limit(1))).scalar_one()
    found = re.search(r"\b\d{6}\b", text)
    assert found is not None
    return found.group(0)


async def applicant(http: httpx.AsyncClient, server: RunningServer, phone: str = PHONE) -> dict[str, Any]:
    """Prove `phone` with the OTP from the SMS queue; `http` carries her token afterwards."""
    sent = await http.post("/signup/api/otp", json={"phone": phone, "language": "en"})
    assert sent.status_code == 200, sent.text
    checked = await http.post("/signup/api/otp/check", json={"phone": phone, "otp": await last_otp(server, phone)})
    assert checked.status_code == 200, checked.text
    http.headers["Authorization"] = f"Bearer {checked.json()['token']}"
    return dict(checked.json())


def wrong_fields(answer: httpx.Response) -> dict[str, dict[str, str]]:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    if "errors" in body:
        return {error["field"]: error for error in body["errors"]}
    return {body["detail"]["field"]: body["detail"]}


