"""Creating staff accounts (used by the CLI and the demo)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.platform.auth import KIOSK_OPERATOR, STAFF_ROLES, hash_secret
from bpp.storage.auth_tables import staff_users
from bpp.storage.types import utcnow


async def create_staff_user(
    conn: AsyncConnection, username: str, password: str, role: str, display_name: str, district: str | None = None
) -> str:
    """Add a staff account, or reset the password of an existing one; returns its id."""
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if role in ("district_officer", KIOSK_OPERATOR) and not district:
        raise ValueError(f"a {role.replace('_', ' ')} needs a district (a city code such as std:0522)")
    existing = (await conn.execute(select(staff_users.c.id).where(staff_users.c.username == username))).scalar()
    if existing is not None:
        await conn.execute(staff_users.update().where(staff_users.c.id == existing).values(
            password_hash=hash_secret(password), role=role, district=district, display_name=display_name))
        return str(existing)
    user_id = str(uuid.uuid4())
    await conn.execute(staff_users.insert().values(
        id=user_id, username=username, display_name=display_name, password_hash=hash_secret(password),
        role=role, district=district, created_at=utcnow()))
    return user_id
