"""The demo's own signing and encryption keys, kept in its data folder so that a restart keeps them.

New keys at every start would leave a buyer app that was mid-order unable to verify our callbacks (it cached
the old public key). The file sits beside the demo's SQLite file (or in ./var on PostgreSQL), mode 0600;
its private keys are never printed or logged.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import orjson

from bpp.platform.private_files import write_private
from bpp.platform.vapid import new_vapid_private_key
from bpp.storage.db import sqlite_file
from signing import generate_encryption_keypair, generate_signing_keypair

DEMO_KEY_FILE_NAME = "demo-keys.json"
DEMO_VAPID_FILE_NAME = "demo-vapid-key.json"


def demo_key_file(database_url: str) -> Path:
    """Where the demo keeps its keys: the folder of its SQLite file, else ./var."""
    database_file = sqlite_file(database_url)
    folder = database_file.parent if database_file is not None else Path("var")
    return folder / DEMO_KEY_FILE_NAME


def ensure_demo_keys(path: Path) -> Path:
    """Create `path` with new private keys (the `keys generate` JSON names) unless it exists; returns it."""
    if path.exists():
        return path
    signing_private, _ = generate_signing_keypair()
    encryption_private, _ = generate_encryption_keypair()
    content = orjson.dumps({"signing_private_key": signing_private, "encryption_private_key": encryption_private})
    with contextlib.suppress(FileExistsError):  # a demo started at the same moment wrote it first: use theirs
        write_private(path, content.decode(), replace=False)
    return path


def ensure_demo_vapid_key(folder: Path) -> str:
    """The demo's VAPID private key, made on its first start: the phones' push subscriptions are tied to its public
    key, so a new key at every start would silence them."""
    path = folder / DEMO_VAPID_FILE_NAME
    if not path.exists():
        content = orjson.dumps({"vapid_private_key": new_vapid_private_key()})
        with contextlib.suppress(FileExistsError):  # a demo started at the same moment wrote it first: use theirs
            write_private(path, content.decode(), replace=False)
    return str(orjson.loads(path.read_bytes())["vapid_private_key"])
