"""Service-provider agencies: the firm's application (its contact person's phone proven by the worker sign-up's
OTP), the district office's decision, and the agency's own desk once approved.

Approval gives the agency a staff login (role `agency`, username its contact phone) with the password chosen on
the form. The workers an agency adds are worker applications made on their behalf (`bpp/signup`), linked in
`agency_workers`: the agency uploads each one's ID proof and photo and sends it through `SignupDesk`, as she
would herself, and district staff approve her and record police verification in the same queue as every worker.
The agency's own steps are audited in `worker_audit` under its id (`AG-…`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bpp.agencies import repo
from bpp.catalogue.service import CatalogService
from bpp.notify import Language
from bpp.platform.auth import AGENCY, Principal, hash_secret
from bpp.platform.http_errors import FieldErrors, FieldProblem
from bpp.signup import repo as application_repo
from bpp.signup.service import Details, SignupDesk
from bpp.storage.auth_tables import staff_users
from bpp.storage.db import Database, Row
from bpp.workforce import repo as worker_repo
from fulfillment.agencies import AgencyDetails, agency_problems
from fulfillment.signup import APPROVED, DECLINED, DRAFT, SUBMITTED, decide, reason_problem
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

LISTING_LIMIT: Final = 200  # jobs and payout lines an agency's pages show, newest first


def _field_errors(problems: list[Refusal]) -> FieldErrors:
    return FieldErrors([FieldProblem(p.field or "", p.message, p.message_hi) for p in problems])


def _not_found() -> Refusal:
    return Refusal(NOT_FOUND, "No such agency; refresh the list.", "agency_id", "ऐसी कोई एजेंसी नहीं है; सूची ताज़ा करें।")


@dataclass(frozen=True, slots=True)
class District:
    city: str
    en: str
    hi: str


class AgencyDesk:
    """Agencies: the applicant's form, the district office's decision, the approved agency's desk."""

    def __init__(self, db: Database, signup: SignupDesk, catalog: CatalogService,
                 clock: Callable[[], datetime]) -> None:
        self._db = db
        self._signup = signup
        self._catalog = catalog
        self._clock = clock

    def districts(self) -> list[District]:
        """The districts with a Seva Mitra unit, where an agency may work."""
        units = sorted(self._catalog.snapshot.providers.values(), key=lambda unit: unit.name_en)
        return [District(unit.city, unit.name_en, unit.name_hi) for unit in units]

    # ---- the applicant ---------------------------------------------------------------------------
    async def application(self, phone: str) -> Row | None:
        async with self._db.connect() as conn:
            return await repo.by_phone(conn, phone)

    async def apply(self, phone: str, details: AgencyDetails, password: str, language: Language) -> Row:
        """Send the firm's application (a turned-down one may be corrected and sent again)."""
        details = details.normalised()
        problems = agency_problems(details, (district.city for district in self.districts()), password)
        if problems:
            raise _field_errors(problems)
        now = self._clock()
        values: dict[str, Any] = {
            "name": details.name, "registration_number": details.registration_number, "gstin": details.gstin,
            "pan": details.pan, "address": details.address, "district": details.district,
            "contact_name": details.contact_name, "password_hash": hash_secret(password), "language": language,
            "status": SUBMITTED, "reason": None, "submitted_at": now,
        }
        try:
            async with self._db.begin() as conn:
                current = await repo.by_phone(conn, phone, for_update=True)
                if current is not None and current["status"] != DECLINED:
                    raise Refusal(BUSINESS_ERROR.code, "This phone's agency application has been sent already; "
                                  "it cannot be changed now. Call 155330 if something in it is wrong.", "phone",
                                  "इस फ़ोन से एजेंसी का आवेदन भेजा जा चुका है; अब बदला नहीं जा सकता। कुछ गलत हो तो "
                                  "155330 पर कॉल करें।")
                agency_id = current["id"] if current is not None else "AG-" + uuid.uuid4().hex[:12]
                if await repo.gstin_taken(conn, details.gstin, agency_id):
                    raise _field_errors([Refusal(
                        BUSINESS_ERROR.code, "An agency with this GSTIN has applied already.", "gstin",
                        "इस GSTIN से एजेंसी पहले ही आवेदन कर चुकी है।")])
                if current is None:
                    await repo.insert(conn, {"id": agency_id, "phone": phone, "created_at": now, **values})
                else:
                    await repo.change(conn, agency_id, **values)
                await worker_repo.audit(conn, agency_id, now, f"applicant:{phone}", "agency_apply",
                                        current["status"] if current else None, SUBMITTED, None)
                sent = await repo.by_id(conn, agency_id)
        except IntegrityError:  # the same phone or GSTIN sent twice at the same moment
            raise Refusal(BUSINESS_ERROR.code, "Your application was just sent from another tap; refresh the page.",
                          "application", "आपका आवेदन अभी दूसरी बार दबाने से भेजा गया; पेज ताज़ा करें।") from None
        assert sent is not None
        return sent

    # ---- the district office ---------------------------------------------------------------------
    async def listing(self, staff: Principal, *, open_only: bool) -> list[Row]:
        """The district's agencies (every district's for an admin), oldest application first."""
        district = None if staff.role == "admin" else staff.district
        statuses = (SUBMITTED,) if open_only else (SUBMITTED, APPROVED, DECLINED)
        async with self._db.connect() as conn:
            return list(await repo.listing(conn, district, statuses))

    async def decide(self, agency_id: str, staff: Principal, action: str, reason: str | None) -> Row:
        """`approve` (the agency gets its login) or `reject` with the reason the applicant reads."""
        now = self._clock()
        actor = f"staff:{staff.id}"
        async with self._db.begin() as conn:
            agency = await repo.by_id(conn, agency_id, for_update=True)
            if agency is None:
                raise _not_found()
            if not staff.can_manage_district(agency["district"]):
                raise Refusal(NOT_ALLOWED, "This agency belongs to another district.",
                              message_hi="यह एजेंसी दूसरे ज़िले की है।")
            after = decide(agency["status"], action)
            if after == DECLINED and (problem := reason_problem(reason)) is not None:
                raise problem
            values: dict[str, Any] = {"status": after, "decided_at": now, "decided_by": actor,
                                      "reason": reason.strip() if after == DECLINED and reason else None}
            if after == APPROVED:
                values["staff_user_id"] = await self._add_login(conn, agency, now)
            await repo.change(conn, agency_id, **values)
            await worker_repo.audit(conn, agency_id, now, actor, f"agency_{action}", agency["status"], after, reason)
            decided = await repo.by_id(conn, agency_id)
        assert decided is not None
        return decided

    @staticmethod
    async def _add_login(conn: Any, agency: Row, now: datetime) -> str:
        taken = (await conn.execute(select(staff_users.c.id).where(staff_users.c.username == agency["phone"]))).first()
        if taken is not None:
            raise Refusal(BUSINESS_ERROR.code, f"A staff login named {agency['phone']} exists already; reject this "
                          "application or rename that login.", "phone",
                          f"{agency['phone']} नाम का स्टाफ़ लॉगिन पहले से है; यह आवेदन अस्वीकार करें या उस लॉगिन का नाम "
                          "बदलें।")
        user_id = str(uuid.uuid4())
        await conn.execute(staff_users.insert().values(
            id=user_id, username=agency["phone"], display_name=agency["name"],
            password_hash=await repo.password_hash(conn, agency["id"]), role=AGENCY, district=agency["district"],
            created_at=now))
        return user_id

    # ---- the agency's desk -----------------------------------------------------------------------
    async def own(self, login: Principal) -> Row:
        """The approved agency whose login this is."""
        async with self._db.connect() as conn:
            agency = await repo.by_login(conn, login.id)
        if agency is None or agency["status"] != APPROVED:
            raise Refusal(NOT_ALLOWED, "This login belongs to no approved agency.",
                          message_hi="यह लॉगिन किसी स्वीकृत एजेंसी का नहीं है।")
        return agency

    async def add_worker(self, login: Principal, phone: str, details: Details) -> Row:
        """Start a worker's application on her behalf (a draft until her documents are uploaded and it is sent).
        The worker logs in to the worker app with her phone and this PIN once verified."""
        agency = await self.own(login)
        home = self._signup.checked(phone, details)
        if home.unit.city != agency["district"]:
            raise _field_errors([Refusal(BUSINESS_ERROR.code, "Add workers who live in your agency's district.",
                                         "pincode", "अपनी एजेंसी के ज़िले में रहने वाले कर्मी जोड़ें।")])
        now = self._clock()
        worker_id = "W-" + uuid.uuid4().hex[:12]
        actor = f"agency:{agency['id']}"
        try:
            async with self._db.begin() as conn:
                if (await application_repo.by_phone(conn, phone) is not None
                        or await application_repo.is_worker_phone(conn, phone)):
                    raise _field_errors([Refusal(BUSINESS_ERROR.code, "This number is registered already.", "phone",
                                                 "यह नंबर पहले से पंजीकृत है।")])
                await application_repo.insert(conn, {
                    "id": worker_id, "phone": phone, "name": details.name.strip(),
                    "trades": list(dict.fromkeys(details.trades)), "qualification": details.qualification,
                    "pincode": home.pincode, "place_district": home.place_district, "district": home.unit.city,
                    "home_lat": details.home_lat, "home_lng": details.home_lng, "pin_hash": hash_secret(details.pin),
                    "language": details.language, "created_at": now, "updated_at": now,
                })
                await repo.add_worker(conn, agency["id"], worker_id, now)
                await worker_repo.audit(conn, worker_id, now, actor, "apply", None, DRAFT, None)
                added = await application_repo.by_id(conn, worker_id)
        except IntegrityError:
            raise _field_errors([Refusal(BUSINESS_ERROR.code, "This number was just registered.", "phone",
                                         "यह नंबर अभी पंजीकृत हुआ है।")]) from None
        assert added is not None
        return added

    async def _own_worker(self, login: Principal, worker_id: str) -> Row:
        """The application of one of the agency's workers."""
        agency = await self.own(login)
        async with self._db.connect() as conn:
            application = await application_repo.by_id(conn, worker_id)
            if application is None or await repo.agency_of_worker(conn, worker_id) != agency["id"]:
                raise Refusal(NOT_FOUND, "No such worker of your agency.", "worker_id",
                              "आपकी एजेंसी में ऐसा कोई कर्मी नहीं है।")
        return application

    async def upload(self, login: Principal, worker_id: str, kind: str, content: bytes,
                     file_name: str | None) -> dict[str, Any]:
        """Her ID proof or photo, checked as if she uploaded it herself."""
        application = await self._own_worker(login, worker_id)
        return await self._signup.upload(application["phone"], kind, content, file_name)

    async def submit(self, login: Principal, worker_id: str) -> Row:
        """Send her application to the district office (every document uploaded)."""
        application = await self._own_worker(login, worker_id)
        return await self._signup.submit(application["phone"])

    async def workers(self, login: Principal) -> list[Row]:
        agency = await self.own(login)
        async with self._db.connect() as conn:
            return list(await repo.workers_of(conn, agency["id"]))

    async def jobs(self, login: Principal) -> list[Row]:
        agency = await self.own(login)
        async with self._db.connect() as conn:
            return list(await repo.jobs_of(conn, agency["id"], LISTING_LIMIT))

    async def payouts(self, login: Principal) -> list[Row]:
        agency = await self.own(login)
        async with self._db.connect() as conn:
            return list(await repo.payouts_of(conn, agency["id"], LISTING_LIMIT))
