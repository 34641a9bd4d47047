"""`serve --demo` keeps its signing and encryption keys in its data folder: a restart signs with the same key. So
with its VAPID key: the phones subscribed for offer notifications stay subscribed across restarts."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import orjson
import pytest

from bpp.platform.settings import ConfigError, Settings
from bpp.platform.vapid import new_vapid_private_key
from bpp.wiring.services import load_key_material, load_vapid_keys


def demo_start(database_url: str) -> Settings:
    """The settings one `serve --demo` start has (no keys configured)."""
    return Settings(demo=True, database_url=database_url, signing_private_key=None, encryption_private_key=None,
                    key_file=None)


def test_two_demo_starts_sign_with_the_same_key_kept_beside_the_sqlite_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'sevamitra.db'}"
    with caplog.at_level(logging.DEBUG):
        first = load_key_material(demo_start(database_url))
        second = load_key_material(demo_start(database_url))

    assert (second.signing_public_key, second.encryption_public_key) == (
        first.signing_public_key, first.encryption_public_key)
    key_file = tmp_path / "data" / "demo-keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert orjson.loads(key_file.read_bytes())["signing_private_key"] == first.signing_private_key
    assert first.signing_private_key not in caplog.text and first.encryption_private_key not in caplog.text


def test_the_demo_on_postgresql_keeps_its_keys_in_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    database_url = "postgresql+asyncpg://postgres@127.0.0.1/sevamitra"

    first = load_key_material(demo_start(database_url))

    assert load_key_material(demo_start(database_url)).signing_public_key == first.signing_public_key
    assert stat.S_IMODE((tmp_path / "var" / "demo-keys.json").stat().st_mode) == 0o600


def test_the_vapid_key_comes_from_the_settings_or_key_file_and_the_demo_keeps_its_own(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'sevamitra.db'}"
    assert load_vapid_keys(Settings(database_url=database_url, vapid_private_key=None, key_file=None)) is None

    demo = load_vapid_keys(demo_start(database_url))
    assert demo is not None and demo == load_vapid_keys(demo_start(database_url))
    assert stat.S_IMODE((tmp_path / "demo-vapid-key.json").stat().st_mode) == 0o600

    private = new_vapid_private_key()
    key_file = tmp_path / "keys.json"
    key_file.write_bytes(orjson.dumps({"vapid_private_key": private}))
    from_file = load_vapid_keys(Settings(database_url=database_url, vapid_private_key=None, key_file=key_file))
    assert from_file is not None and from_file.private_key == private and from_file.public_key != demo.public_key
    with pytest.raises(ConfigError, match="vapid_private_key"):
        load_vapid_keys(Settings(database_url=database_url, vapid_private_key="bm90IGEga2V5"))
