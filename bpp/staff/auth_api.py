"""Staff login."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from bpp.platform.auth import LoginThrottle, Principal, issue_token, login_source, verify_login_secret
from bpp.storage.auth_tables import staff_users

router = APIRouter(prefix="/staff/api", tags=["staff"])


class Login(BaseModel):
    # as the column holds it: PostgreSQL refuses a NUL in text, which made a 500 of a wrong login
    username: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    password: str


class LoginAnswer(BaseModel):
    token: str
    role: str
    district: str | None
    display_name: str
    notices: list[dict[str, str]] = []  # lock-outs others caused since the last login, in English and Hindi


@router.post("/login", response_model=LoginAnswer)
async def login(body: Login, request: Request) -> LoginAnswer:
    """Exchange a username and password for a bearer token."""
    throttle, source = LoginThrottle(request.app.state.redis, "staff"), login_source(request)
    attempts = await throttle.attempt(body.username, source)
    async with request.app.state.db.connect() as conn:
        user = (await conn.execute(select(staff_users).where(staff_users.c.username == body.username))).first()
    if not verify_login_secret(user.password_hash if user else None, body.password) or user is None:
        if user is not None:
            await throttle.failed(body.username, source, attempts)
        raise HTTPException(401, detail={
            "en": "Wrong username or password. Check both and try again.",
            "hi": "उपयोगकर्ता नाम या पासवर्ड गलत है। दोनों जाँचें और फिर से प्रयास करें।",
        })
    notices = await throttle.succeeded(body.username, source)
    principal = Principal(kind="staff", id=user.id, role=user.role, district=user.district)
    return LoginAnswer(token=issue_token(request, principal), role=user.role, district=user.district,
                       display_name=user.display_name, notices=notices)
