"""Workers' onboarding documents: upload (PDF, JPEG or PNG, checked by content), list and read.

Only an admin or the officer of the worker's district uploads or reads them: they hold a citizen's identity
and police record. The upload route streams its body against `document_max_bytes` itself (the app-wide body
limit is smaller than a phone's photo of a certificate), so `UPLOAD_PATH` is exempt from that limit.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response

from bpp.platform.auth import Principal, require_staff
from bpp.platform.uploads import read_within
from bpp.staff.workers_api import managed_worker
from bpp.workforce.documents import StoredDocument, WorkerDocuments
from fulfillment.documents import JPEG, PDF, PNG, unknown_kind
from fulfillment.workers import DOCUMENT_NAMES, REQUIRED_DOCUMENTS

router = APIRouter(prefix="/staff/api/workers", tags=["staff: worker documents"])
Manager = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]

UPLOAD_PATH: Final = re.compile(r"/staff/api/workers/[^/]+/documents/[^/]+")
_FILE_TYPES: Final = (PDF, JPEG, PNG)
_BINARY: Final = {"schema": {"type": "string", "format": "binary"}}
_FILE_BODY: Final[dict[str, Any]] = {
    "requestBody": {"required": True, "content": {t.media_type: _BINARY for t in _FILE_TYPES}},
}
FILE_RESPONSE: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The document as uploaded", "content": {t.media_type: _BINARY for t in _FILE_TYPES}},
}


def _documents(request: Request) -> WorkerDocuments:
    return request.app.state.documents


async def _checked_worker(request: Request, worker_id: str, staff: Principal) -> None:
    """404 for no such worker, 403 unless an admin or the officer of her district asks."""
    async with request.app.state.db.connect() as conn:
        await managed_worker(conn, worker_id, staff)


@router.get("/{worker_id}/documents")
async def list_documents(worker_id: str, staff: Manager, request: Request) -> dict[str, Any]:
    """The worker's documents (newest first), the kinds she needs before verification, and the size limit."""
    await _checked_worker(request, worker_id, staff)
    documents = _documents(request)
    return {
        "required": [{"kind": kind, "en": DOCUMENT_NAMES[kind][0], "hi": DOCUMENT_NAMES[kind][1]}
                     for kind in REQUIRED_DOCUMENTS],
        "max_bytes": documents.max_bytes,
        "documents": await documents.listing(worker_id),
    }


@router.post("/{worker_id}/documents/{kind}", status_code=201, openapi_extra=_FILE_BODY)
async def upload_document(
    worker_id: str,
    kind: str,
    staff: Manager,
    request: Request,
    filename: Annotated[str | None, Query(max_length=255, description="the file's name, shown to staff")] = None,
) -> dict[str, Any]:
    """Upload a scan of the worker's `id_proof` or `police_certificate`; its type is found from its content."""
    await _checked_worker(request, worker_id, staff)
    if kind not in DOCUMENT_NAMES:
        raise unknown_kind(kind)
    documents = _documents(request)
    content = await read_within(request, documents.max_bytes)
    return await documents.upload(worker_id, kind, content, filename, f"staff:{staff.id}")


@router.get("/{worker_id}/documents/{document_id}", response_class=Response, responses=FILE_RESPONSE)
async def read_document(worker_id: str, document_id: str, staff: Manager, request: Request) -> Response:
    """The document's file, as uploaded (after checking it against its checksum)."""
    await _checked_worker(request, worker_id, staff)
    return document_response(await _documents(request).read(worker_id, document_id))


def document_response(document: StoredDocument) -> Response:
    """A stored document as a download: never cached, never run, never sniffed as another type."""
    return Response(
        document.content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.file_name, safe='')}",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )
