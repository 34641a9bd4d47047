"""Workers' onboarding documents over real HTTP: checked by content and size, kept with a checksum outside the
database, seen only by an admin and the officer of the worker's district."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from harness import SCANNED_PDF, SCANNED_PNG, RunningServer

from bpp.platform.auth import Principal

LUCKNOW = "std:0522"
LIMIT = 20_000


def client(server: RunningServer, role: str, district: str | None = None) -> httpx.AsyncClient:
    token = server.services.tokens.issue(Principal("staff", f"{role}-1", role, district))
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})


async def register(admin: httpx.AsyncClient) -> str:
    answer = await admin.post("/staff/api/workers", json={
        "name": "Kamla Devi", "phone": "9876505678", "pin": "4321", "skills": ["SRV11-1011"],
        "home_lat": 26.85, "home_lng": 80.95, "district": LUCKNOW,
    })
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def refusal(answer: httpx.Response, status: int) -> dict[str, str]:
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert detail["en"] and detail["hi"]
    return dict(detail)


@pytest.mark.settings(document_max_bytes=LIMIT)
async def test_documents_are_checked_kept_with_a_checksum_and_shown_to_her_district(server: RunningServer) -> None:
    async with client(server, "admin") as admin, client(server, "district_officer", LUCKNOW) as officer:
        worker_id = await register(admin)
        # a PNG named .pdf is kept as the PNG it is
        uploaded = await officer.post(f"/staff/api/workers/{worker_id}/documents/id_proof", content=SCANNED_PNG,
                                      params={"filename": "C:\\scans\\aadhaar.pdf"})
        assert uploaded.status_code == 201, uploaded.text
        record = uploaded.json()
        assert record["media_type"] == "image/png" and record["file_name"] == "aadhaar.pdf"
        assert record["sha256"] == hashlib.sha256(SCANNED_PNG).hexdigest()
        assert record["size_bytes"] == len(SCANNED_PNG) and record["uploaded_by"] == "staff:district_officer-1"
        await admin.post(f"/staff/api/workers/{worker_id}/documents/police_certificate", content=SCANNED_PDF)

        listed = (await officer.get(f"/staff/api/workers/{worker_id}/documents")).json()
        assert listed["max_bytes"] == LIMIT
        assert [r["kind"] for r in listed["required"]] == ["id_proof", "police_certificate"]
        assert [d["kind"] for d in listed["documents"]] == ["police_certificate", "id_proof"]
        served = await officer.get(f"/staff/api/workers/{worker_id}/documents/{record['id']}")
        assert served.status_code == 200 and served.content == SCANNED_PNG
        assert served.headers["content-type"] == "image/png"
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["content-disposition"] == "attachment; filename*=UTF-8''aadhaar.pdf"

        # over the limit (declared, or streamed without a length), not a document, not a kind
        too_big = await officer.post(f"/staff/api/workers/{worker_id}/documents/id_proof",
                                     content=SCANNED_PDF + bytes(LIMIT))
        assert "larger than 20 KB" in refusal(too_big, 422)["en"]

        async def chunks() -> object:
            for _ in range(30):
                yield bytes(1_000)

        streamed = await officer.post(f"/staff/api/workers/{worker_id}/documents/id_proof", content=chunks())
        assert refusal(streamed, 422)["field"] == "file"
        wrong = await officer.post(f"/staff/api/workers/{worker_id}/documents/id_proof", content=b"GIF89a....",
                                   params={"filename": "police.pdf"})
        assert "not a PDF, JPEG or PNG" in refusal(wrong, 422)["en"]
        unknown = await officer.post(f"/staff/api/workers/{worker_id}/documents/selfie", content=SCANNED_PDF)
        assert refusal(unknown, 404)["field"] == "kind"

        # a file changed on disk is refused, not shown as hers
        stored = Path(server.services.settings.documents_dir) / record["sha256"][:2] / record["sha256"]
        assert stored.read_bytes() == SCANNED_PNG and stored.stat().st_mode & 0o077 == 0
        stored.write_bytes(SCANNED_PNG + b"changed")
        damaged = await officer.get(f"/staff/api/workers/{worker_id}/documents/{record['id']}")
        assert "checksum" in refusal(damaged, 409)["en"]
        audit = (await admin.get(f"/staff/api/workers/{worker_id}")).json()["audit"]
    trail = [(row["action"], row["after"]) for row in audit]
    assert trail[-2:] == [("upload_document", "id_proof"), ("upload_document", "police_certificate")]


async def test_other_districts_and_the_helpline_see_no_documents(server: RunningServer) -> None:
    async with client(server, "admin") as admin:
        worker_id = await register(admin)
        record = (await admin.post(f"/staff/api/workers/{worker_id}/documents/id_proof", content=SCANNED_PNG)).json()
    for role, district in (("district_officer", "std:0121"), ("helpline_operator", None)):
        async with client(server, role, district) as outsider:
            answers = [
                await outsider.get(f"/staff/api/workers/{worker_id}/documents"),
                await outsider.get(f"/staff/api/workers/{worker_id}/documents/{record['id']}"),
                await outsider.post(f"/staff/api/workers/{worker_id}/documents/police_certificate",
                                    content=SCANNED_PDF),
            ]
        assert [answer.status_code for answer in answers] == [403, 403, 403]
        assert all(refusal(answer, 403) for answer in answers)
    async with client(server, "admin") as admin:
        missing = await admin.get(f"/staff/api/workers/{worker_id}/documents/D-nothing")
    assert refusal(missing, 404)["field"] == "document_id"
