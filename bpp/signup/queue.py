"""Worker sign-up, the district office's side: the queue of sent applications, their documents, the decision, and
police verification with the police's reference number and date.

Approval adds her worker row (verification `documents_checked`, under the application's id, with the PIN she
chose); the police steps are her worker record's verification steps (`fulfillment.workers.verification_step`,
which also wants the police certificate on file before she is verified), recorded on the application too so
she reads them. Every step is in `worker_audit`. Admins act on every district, a district officer on her own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.platform.auth import Principal
from bpp.platform.http_errors import FieldErrors, FieldProblem
from bpp.signup import repo
from bpp.storage.db import Database, Row
from bpp.workforce import repo as worker_repo
from bpp.workforce.documents import StoredDocument, WorkerDocuments
from bpp.workforce.workforce import Workforce
from catalog.schedule import IST
from fulfillment.signup import (
    APPROVED,
    DECLINED,
    SUBMITTED,
    PoliceStep,
    decide,
    police_record_problems,
    reason_problem,
)
from fulfillment.workers import DOCUMENTS_CHECKED, POLICE_PENDING, VERIFIED, Registration, verification_step
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

# What is still the office's to do: sent applications, and approved ones whose police verification is not done.
OPEN_VERIFICATIONS: Final = frozenset({DOCUMENTS_CHECKED, POLICE_PENDING})


def _not_found() -> Refusal:
    return Refusal(NOT_FOUND, "No such application; refresh the queue.", "application_id",
                   "ऐसा कोई आवेदन नहीं है; सूची ताज़ा करें।")


def _other_district() -> Refusal:
    return Refusal(NOT_ALLOWED, "This application belongs to another district. Ask that district's officer or an "
                   "admin.", message_hi="यह आवेदन दूसरे ज़िले का है। उस ज़िले के अधिकारी या व्यवस्थापक से कहें।")


def is_open(application: Row) -> bool:
    return application["status"] == SUBMITTED or (
        application["status"] == APPROVED and application["verification"] in OPEN_VERIFICATIONS
    )


class SignupQueue:
    """Sent applications as district staff see and decide them."""

    def __init__(
        self, db: Database, documents: WorkerDocuments, workforce: Workforce, clock: Callable[[], datetime]
    ) -> None:
        self._db = db
        self._documents = documents
        self._workforce = workforce
        self._clock = clock

    async def listing(self, staff: Principal, *, open_only: bool) -> list[Row]:
        """Her district's sent applications (every district's for an admin), oldest first; drafts are nobody's
        business but the applicant's."""
        district = None if staff.role == "admin" else staff.district
        async with self._db.connect() as conn:
            rows = await repo.sent(conn, district, (SUBMITTED, APPROVED, DECLINED))
        return [row for row in rows if is_open(row) or not open_only]

    async def detail(self, application_id: str, staff: Principal) -> tuple[Row, list[dict[str, Any]], list[Row]]:
        """The application, its documents (newest first) and its audit trail."""
        async with self._db.connect() as conn:
            application = await self._managed(conn, application_id, staff)
            trail = await worker_repo.audit_trail(conn, application_id)
        return application, await self._documents.listing(application_id), list(trail)

    async def document(self, application_id: str, document_id: str, staff: Principal) -> StoredDocument:
        async with self._db.connect() as conn:
            await self._managed(conn, application_id, staff)
        return await self._documents.read(application_id, document_id)

    async def decide(self, application_id: str, staff: Principal, action: str, reason: str | None) -> Row:
        """`approve` (she becomes a worker whose documents are checked) or `reject` with the reason she reads."""
        now = self._clock()
        actor = f"staff:{staff.id}"
        async with self._db.begin() as conn:
            application = await self._managed(conn, application_id, staff, for_update=True)
            after = decide(application["status"], action)
            if after == DECLINED and (problem := reason_problem(reason)) is not None:
                raise problem
            if after == APPROVED:
                await self._add_worker(conn, application, now, actor)
            await repo.change(conn, application_id, status=after, updated_at=now,
                              reason=reason.strip() if after == DECLINED and reason else None)
            await worker_repo.audit(conn, application_id, now, actor, action, application["status"], after, reason)
            decided = await repo.by_id(conn, application_id)
        assert decided is not None
        return decided

    async def police(
        self, application_id: str, staff: Principal, step: PoliceStep, reference: str, on: date | None,
        reason: str | None,
    ) -> Row:
        """Police verification requested, cleared or adverse, with the police's reference number and date."""
        now = self._clock()
        async with self._db.begin() as conn:
            application = await self._managed(conn, application_id, staff, for_update=True)
            if application["status"] != APPROVED:
                raise Refusal(BUSINESS_ERROR.code, "Approve the application before police verification.", "step",
                              "पुलिस सत्यापन से पहले आवेदन स्वीकार करें।")
            problems = police_record_problems(reference, on, today=now.astimezone(IST).date(),
                                              applied=application["created_at"].astimezone(IST).date())
            if step is PoliceStep.ADVERSE and (missing := reason_problem(reason)) is not None:
                problems.append(missing)
            if problems:
                raise FieldErrors([FieldProblem(p.field or "", p.message, p.message_hi) for p in problems])
            assert on is not None
            worker = await worker_repo.get_worker(conn, application_id, for_update=True)
            assert worker is not None  # approval added her
            on_file = await WorkerDocuments.kinds_on_file(conn, application_id)
            after = verification_step(worker["verification"], step.verification_action, on_file)
            await worker_repo.update_worker(conn, application_id, now, verification=after)
            note = f"{reference.strip()} ({on.isoformat()})" + (f": {reason.strip()}" if reason else "")
            await worker_repo.audit(conn, application_id, now, f"staff:{staff.id}", f"police_{step.value}",
                                    worker["verification"], after, note)
            await repo.change(conn, application_id, updated_at=now, **_police_values(step, reference.strip(), on,
                                                                                     reason))
            recorded = await repo.by_id(conn, application_id)
        if after == VERIFIED:
            await self._workforce.coverage.workers_changed()  # she now counts for search coverage everywhere
        assert recorded is not None
        return recorded

    async def _managed(
        self, conn: AsyncConnection, application_id: str, staff: Principal, *, for_update: bool = False
    ) -> Row:
        application = await repo.by_id(conn, application_id, for_update=for_update)
        if application is None or application["status"] not in (SUBMITTED, APPROVED, DECLINED):
            raise _not_found()
        if not staff.can_manage_district(application["district"]):
            raise _other_district()
        return application

    @staticmethod
    async def _add_worker(conn: AsyncConnection, application: Row, now: datetime, actor: str) -> None:
        if await repo.is_worker_phone(conn, application["phone"]):
            raise Refusal(BUSINESS_ERROR.code, "A worker with this phone number was registered meanwhile; reject "
                          "this application and manage her in the workers tab.", "phone",
                          "इस फ़ोन नंबर से इसी बीच कर्मी पंजीकृत हो चुकी है; यह आवेदन अस्वीकार करें और उसे कर्मी टैब "
                          "में देखें।")
        pin_hash = await repo.pin_hash(conn, application["phone"])
        assert pin_hash is not None
        registration = Registration(
            name=application["name"], phone=application["phone"], pin="", skills=tuple(application["trades"]),
            home_lat=application["home_lat"], home_lng=application["home_lng"], district=application["district"],
        )  # `pin` is only read by registration_problems; the hash she chose is kept
        await worker_repo.insert_worker(conn, registration, pin_hash, now, actor, verification=DOCUMENTS_CHECKED,
                                        worker_id=application["id"])


def _police_values(step: PoliceStep, reference: str, on: date, reason: str | None) -> dict[str, Any]:
    if step is PoliceStep.REQUESTED:
        return {"police_reference": reference, "police_requested_on": on}
    values: dict[str, Any] = {"police_result": step.value, "police_result_reference": reference,
                              "police_result_on": on}
    if step is PoliceStep.ADVERSE:
        values["reason"] = (reason or "").strip()
    return values
