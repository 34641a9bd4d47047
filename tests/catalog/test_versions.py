"""Catalogue versions are the server's: a new provider or item starts at 1, every change adds one."""

from __future__ import annotations

from dataclasses import replace

from bpp.demo.catalog_seed import LUCKNOW
from bpp.wiring.services import Services


async def test_a_new_provider_starts_at_version_one_whatever_the_body_says(services: Services) -> None:
    created = await services.catalog.save_provider(replace(LUCKNOW, id="SM-TEST-PROVIDER", version=9), actor="t")
    assert created.version == 1
    changed = await services.catalog.save_provider(replace(created, name_en="Seva Mitra Test"), actor="t")
    assert changed.version == 2
