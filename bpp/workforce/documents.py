"""Workers' onboarding documents: each file kept outside the database under its SHA-256, a row saying whose it is.

A file is written (to a temporary name, synced, then renamed) before its row is committed, so a row never
names a missing file; a crash in between leaves only an unnamed file, which the next upload of the same
document reuses. Reading a document checks its bytes against the recorded checksum, so a file changed or
damaged on disk is never shown as the worker's.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.db import Database, Row
from bpp.storage.worker_tables import worker_documents
from bpp.workforce import repo as worker_repo
from fulfillment.documents import check_upload, display_name
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import NOT_FOUND, Refusal


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document's record and its bytes, checked against the checksum."""

    file_name: str
    media_type: str
    content: bytes


def _damaged() -> Refusal:
    return Refusal(
        BUSINESS_ERROR.code,
        "The stored file does not match the checksum recorded when it was uploaded: it was changed or lost on "
        "the server. Upload the document again and tell the technical team.",
        None,
        "रखी गई फ़ाइल अपलोड के समय दर्ज checksum से मेल नहीं खाती: सर्वर पर वह बदली या खो गई है। दस्तावेज़ फिर से "
        "अपलोड करें और तकनीकी टीम को बताएँ।",
    )


class WorkerDocuments:
    """Uploads, listings and reads of workers' documents; files under `directory`, rows in `worker_documents`."""

    def __init__(self, db: Database, directory: Path, max_bytes: int, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._directory = directory
        self.max_bytes = max_bytes
        self._clock = clock

    async def upload(
        self, worker_id: str, kind: str, content: bytes, file_name: str | None, actor: str
    ) -> dict[str, Any]:
        """Keep a new document of `kind` for the worker (refused unless it is a PDF, JPEG or PNG within the limit)."""
        file_type = check_upload(kind, content, self.max_bytes)
        digest = hashlib.sha256(content).hexdigest()
        await asyncio.to_thread(self._write, digest, content)
        now = self._clock()
        row = {
            "id": "D-" + uuid.uuid4().hex[:16],
            "worker_id": worker_id,
            "kind": kind,
            "file_name": display_name(file_name, file_type),
            "media_type": file_type.media_type,
            "size_bytes": len(content),
            "sha256": digest,
            "uploaded_at": now,
            "uploaded_by": actor,
        }
        async with self._db.begin() as conn:
            await conn.execute(worker_documents.insert().values(**row))
            await worker_repo.audit(conn, worker_id, now, actor, "upload_document", None, kind,
                                    f"{row['file_name']} sha256:{digest}")
        return document_view(row)

    async def listing(self, worker_id: str) -> list[dict[str, Any]]:
        """The worker's documents, newest first."""
        async with self._db.connect() as conn:
            rows = await conn.execute(
                select(worker_documents)
                .where(worker_documents.c.worker_id == worker_id)
                .order_by(worker_documents.c.uploaded_at.desc(), worker_documents.c.id)
            )
            return [document_view(row) for row in rows.mappings()]

    async def read(self, worker_id: str, document_id: str) -> StoredDocument:
        """One of the worker's documents with its bytes; refused when they no longer match the checksum."""
        async with self._db.connect() as conn:
            query = select(worker_documents).where(
                worker_documents.c.id == document_id, worker_documents.c.worker_id == worker_id
            )
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            raise Refusal(NOT_FOUND, "The worker has no such document; refresh her documents and try again.",
                          "document_id", "कर्मी का ऐसा कोई दस्तावेज़ नहीं है; दस्तावेज़ों की सूची ताज़ा करके फिर देखें।")
        try:
            content = await asyncio.to_thread(self._path(row["sha256"]).read_bytes)
        except FileNotFoundError:
            raise _damaged() from None
        if hashlib.sha256(content).hexdigest() != row["sha256"]:
            raise _damaged()
        return StoredDocument(row["file_name"], row["media_type"], content)

    @staticmethod
    async def kinds_on_file(conn: AsyncConnection, worker_id: str) -> set[str]:
        """The kinds of document uploaded for the worker (in the caller's transaction)."""
        query = select(worker_documents.c.kind).where(worker_documents.c.worker_id == worker_id).distinct()
        return set((await conn.execute(query)).scalars())

    def _path(self, digest: str) -> Path:
        return self._directory / digest[:2] / digest

    def _write(self, digest: str, content: bytes) -> None:
        """Store the bytes under their checksum, durably; the same document uploaded again is stored once."""
        path = self._path(digest)
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            return
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def document_view(row: Row | dict[str, Any]) -> dict[str, Any]:
    """A document's record as staff see it (never where it lies on disk)."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "file_name": row["file_name"],
        "media_type": row["media_type"],
        "size_bytes": row["size_bytes"],
        "sha256": row["sha256"],
        "uploaded_at": row["uploaded_at"].isoformat(),
        "uploaded_by": row["uploaded_by"],
    }
