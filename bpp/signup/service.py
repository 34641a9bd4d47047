"""Worker sign-up, the applicant's side: prove the phone with an OTP, fill in the application, upload the ID proof
and a photo, send it, and see where it stands.

The OTP is kept as an argon2 hash (`signup_otps`) and its SMS is queued in the same transaction
(`bpp/notify`); sends are limited per number and per address, checks per address, and three wrong codes lock
the number (`fulfillment.signup.PhoneOtp`). The application's id is the id of the worker she becomes: her
documents, stored by `WorkerDocuments` outside the database, and the audit trail are keyed by it from the
first upload, so approval (`bpp/signup/queue.py`) only adds her worker row.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from redis.asyncio import Redis
from sqlalchemy.exc import IntegrityError

from bpp.catalogue.service import CatalogService
from bpp.notify import Language, SmsNotifier, SmsTemplate, mask_phone, normalise_phone
from bpp.places import Place, PlaceLookup, is_in_uttar_pradesh, well_formed
from bpp.platform.auth import hash_secret, verify_secret
from bpp.platform.http_errors import RATE_LIMITED, FieldErrors, FieldProblem
from bpp.signup import repo
from bpp.signup.limits import CHECKS_PER_SOURCE, OTP_PER_PHONE, OTP_PER_SOURCE
from bpp.storage.db import Database, Row
from bpp.workforce import repo as worker_repo
from bpp.workforce.documents import WorkerDocuments
from catalog.model import Provider
from fulfillment.documents import check_upload
from fulfillment.geo import haversine_km
from fulfillment.signup import (
    APPLICATION_DOCUMENTS,
    DRAFT,
    OTP_DIGITS,
    OTP_VALIDITY,
    RESEND_GAP,
    SUBMITTED,
    PhoneOtp,
    check_editable,
    check_photo,
    check_submittable,
    otp_just_sent,
    qualification_problem,
)
from fulfillment.workers import Registration, registration_problems
from schemas.errors import BUSINESS_ERROR, INVALID_OTP
from schemas.refusal import NOT_FOUND, Refusal

HOME_REACH_KM: Final = 60.0  # the phone's point at home lies within this of her pincode's post offices
ALREADY_REGISTERED: Final = "already_registered"
# registration_problems names the fields as staff register a worker; the sign-up form names them so
_FIELD_NAMES: Final = {"skills": "trades"}


def _problem(field: str, en: str, hi: str, code: str = BUSINESS_ERROR.code) -> Refusal:
    return Refusal(code, en, field, hi)


def _unreadable_phone() -> Refusal:
    return _problem("phone", "Enter your 10-digit mobile number; it starts with 6, 7, 8 or 9.",
                    "अपना 10 अंकों का मोबाइल नंबर लिखें; यह 6, 7, 8 या 9 से शुरू होता है।")


def _already_registered() -> Refusal:
    return _problem(
        "phone",
        "This number is already registered as a Seva Mitra worker. Log in to the worker app with it; if you have "
        "forgotten the PIN, call 155330.",
        "यह नंबर सेवा मित्र कर्मी के रूप में पहले से पंजीकृत है। इसी नंबर से कर्मी ऐप में लॉग इन करें; पिन भूल गई हों "
        "तो 155330 पर कॉल करें।",
        ALREADY_REGISTERED,
    )


def _too_many(field: str) -> Refusal:
    return _problem(field, "Too many tries from this phone or place. Wait an hour, or call 155330 for help.",
                    "इस फ़ोन या जगह से बहुत सारे प्रयास हुए। एक घंटा रुकें, या मदद के लिए 155330 पर कॉल करें।",
                    RATE_LIMITED)


def _no_application() -> Refusal:
    return Refusal(NOT_FOUND, "Fill in and save your application first.", "application",
                   "पहले अपना आवेदन भरकर सहेजें।")


def on_field(refusal: Refusal, field: str) -> Refusal:
    """The refusal, named after the form's field it belongs beside (an upload's is the document's kind)."""
    return Refusal(refusal.code, refusal.message, field, refusal.message_hi)


def district_unit(providers: Iterable[Provider], place: Place) -> Provider | None:
    """The Seva Mitra unit of the place's district (a pincode on a district border names both)."""
    names = {district.casefold() for district in place.districts}
    return next((unit for unit in providers if unit.city_name.casefold() in names), None)


@dataclass(frozen=True, slots=True)
class Home:
    """What her pincode says: its India Post district, the Seva Mitra unit there, and the post offices' point."""

    pincode: str
    place_district: str
    unit: Provider
    lat: float | None
    lng: float | None


@dataclass(frozen=True, slots=True)
class Details:
    """What the applicant types on the form (the PIN in clear: it is hashed before it is kept)."""

    name: str
    trades: tuple[str, ...]
    qualification: str
    pincode: str
    home_lat: float | None  # None until she takes the phone's location
    home_lng: float | None
    pin: str
    language: Language


@dataclass(frozen=True, slots=True)
class OtpSent:
    phone: str  # masked, as the page shows where the SMS went
    valid_until: datetime
    resend_after: datetime


class SignupDesk:
    """The applicant's side of sign-up; every method takes the phone her OTP proved."""

    def __init__(
        self,
        db: Database,
        redis: Redis,
        sms: SmsNotifier,
        documents: WorkerDocuments,
        catalog: CatalogService,
        places: PlaceLookup,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._redis = redis
        self._sms = sms
        self._documents = documents
        self._catalog = catalog
        self._places = places
        self._clock = clock

    # ---- what the form offers -------------------------------------------------------------------
    def trades(self) -> list[str]:
        """The categories buyers can book now (those of published items): the trades she may choose."""
        return sorted({item.category_id for item in self._catalog.snapshot.items.values()})

    def home(self, pincode: str) -> Home:
        """Her pincode's district and Seva Mitra unit, or the refusal (field `pincode`) saying what is wrong."""
        text = "".join(pincode.split())
        if not well_formed(text):
            raise _problem("pincode", "A pincode has 6 digits and does not start with 0.",
                           "पिनकोड 6 अंकों का होता है और 0 से शुरू नहीं होता।")
        place = self._places(text)
        if place is None:
            raise _problem("pincode", f"Pincode {text} is not in India Post's list. Check it on a letter or your "
                           "Aadhaar card.", f"पिनकोड {text} इंडिया पोस्ट की सूची में नहीं है। किसी चिट्ठी या "
                           "आधार कार्ड पर देखकर जाँचें।")
        if not is_in_uttar_pradesh(place):
            raise _problem("pincode", f"Pincode {text} is in {place.state.title()}. Seva Mitra takes workers who "
                           "live in Uttar Pradesh only.", f"पिनकोड {text} {place.state.title()} में है। सेवा मित्र "
                           "केवल उत्तर प्रदेश में रहने वाले कर्मियों को लेता है।")
        unit = district_unit(self._catalog.snapshot.providers.values(), place)
        if unit is None:
            district = place.district.title()
            raise _problem("pincode", f"Seva Mitra has no office in {district} district yet; sign-up there opens "
                           "when it does.", f"सेवा मित्र का {district} ज़िले में अभी कार्यालय नहीं है; वहाँ पंजीकरण "
                           "कार्यालय खुलने पर शुरू होगा।")
        return Home(text, place.district, unit, place.latitude, place.longitude)

    # ---- the phone ------------------------------------------------------------------------------
    async def send_otp(self, phone_text: str, language: Language, source: str) -> OtpSent:
        """Send a new OTP by SMS (refused for a worker's number, while locked, too soon or too often)."""
        phone = normalise_phone(phone_text)
        if phone is None:
            raise _unreadable_phone()
        if not await OTP_PER_SOURCE.take(self._redis, source):  # every request: it also tells workers' numbers
            raise _too_many("phone")
        code = f"{secrets.randbelow(10 ** OTP_DIGITS):0{OTP_DIGITS}d}"
        now = self._clock()
        try:
            async with self._db.begin() as conn:
                if await repo.by_phone(conn, phone) is None and await repo.is_worker_phone(conn, phone):
                    raise _already_registered()
                last = await repo.otp_of(conn, phone)
                if last is not None:
                    last.check_can_issue(now)
                if not await OTP_PER_PHONE.take(self._redis, phone):  # SMS actually sent
                    raise _too_many("phone")
                await repo.keep_otp(conn, phone, PhoneOtp(hash_secret(code), now), new=last is None)
                await self._sms.queue(conn, phone, SmsTemplate.SIGNUP_OTP,
                                      {"otp": code, "minutes": int(OTP_VALIDITY.total_seconds() // 60)},
                                      key=f"signup_otp:{phone}:{uuid.uuid4().hex}", language=language)
        except IntegrityError:  # another request sent her first OTP at the same moment
            raise otp_just_sent() from None
        self._sms.wake()
        return OtpSent(mask_phone(phone), now + OTP_VALIDITY, now + RESEND_GAP)

    async def check_otp(self, phone_text: str, code: str, source: str) -> str:
        """The phone, once `code` is its current OTP (which is then used up); a wrong code counts a try."""
        phone = normalise_phone(phone_text)
        if phone is None:
            raise _unreadable_phone()
        if not await CHECKS_PER_SOURCE.take(self._redis, source):
            raise _too_many("otp")
        now = self._clock()
        async with self._db.begin() as conn:
            otp = await repo.otp_of(conn, phone)
            if otp is None:
                raise _problem("otp", "Ask for an OTP first.", "पहले OTP मँगाएँ।", INVALID_OTP.code)
            otp.check_can_try(now)
            assert otp.code_hash is not None
            right = verify_secret(otp.code_hash, code.strip())
            after = PhoneOtp(None, otp.issued_at) if right else otp.after_wrong_try(now)
            await repo.keep_otp(conn, phone, after, new=False)  # the wrong try is counted even as it is refused
        if not right:
            raise after.wrong_try_refusal(now)
        return phone

    # ---- the application ------------------------------------------------------------------------
    async def application(self, phone: str) -> Row | None:
        async with self._db.connect() as conn:
            return await repo.by_phone(conn, phone)

    async def pin_hash(self, phone: str) -> str | None:
        """The PIN hash of the phone's application (None without one), for a log-in with the PIN."""
        async with self._db.connect() as conn:
            return await repo.pin_hash(conn, phone)

    async def save(self, phone: str, details: Details) -> Row:
        """Keep her details (a new application is a draft; one turned down becomes a draft again)."""
        home = self.checked(phone, details)
        now = self._clock()
        values: dict[str, Any] = {
            "name": details.name.strip(), "trades": list(dict.fromkeys(details.trades)),
            "qualification": details.qualification, "pincode": home.pincode, "place_district": home.place_district,
            "district": home.unit.city, "home_lat": details.home_lat, "home_lng": details.home_lng,
            "pin_hash": hash_secret(details.pin),
            "language": details.language, "updated_at": now,
        }
        try:
            async with self._db.begin() as conn:
                current = await repo.by_phone(conn, phone, for_update=True)
                if current is None:
                    if await repo.is_worker_phone(conn, phone):
                        raise _already_registered()
                    application_id = "W-" + uuid.uuid4().hex[:12]
                    await repo.insert(conn, {"id": application_id, "phone": phone, "created_at": now, **values})
                    await worker_repo.audit(conn, application_id, now, _actor(application_id), "apply", None, DRAFT,
                                            None)
                else:
                    application_id = current["id"]
                    check_editable(current["status"])
                    await repo.change(conn, application_id, status=DRAFT, **values)
                    if current["status"] != DRAFT:
                        await worker_repo.audit(conn, application_id, now, _actor(application_id), "correct",
                                                current["status"], DRAFT, None)
                saved = await repo.by_id(conn, application_id)
        except IntegrityError:  # her first save, sent twice at once: the other one made the application
            raise Refusal(BUSINESS_ERROR.code, "Your application was just saved from another tap; save it again.",
                          "application", "आपका आवेदन अभी दूसरी बार दबाने से सहेजा गया; फिर से सहेजें।") from None
        assert saved is not None
        return saved

    async def upload(self, phone: str, kind: str, content: bytes, file_name: str | None) -> dict[str, Any]:
        """Keep her ID proof or photo (checked by content and size), before she sends the application."""
        if kind not in APPLICATION_DOCUMENTS:
            raise Refusal(NOT_FOUND, f"Upload one of {', '.join(APPLICATION_DOCUMENTS)}.", "kind",
                          f"इनमें से एक अपलोड करें: {', '.join(APPLICATION_DOCUMENTS)}।")
        current = await self.application(phone)
        if current is None:
            raise _no_application()
        check_editable(current["status"])
        try:
            file_type = check_upload(kind, content, self._documents.max_bytes)
            check_photo(kind, file_type)
            return await self._documents.upload(current["id"], kind, content, file_name, _actor(current["id"]))
        except Refusal as refusal:
            raise on_field(refusal, kind) from None

    async def documents(self, application_id: str) -> list[dict[str, Any]]:
        return await self._documents.listing(application_id)

    async def submit(self, phone: str) -> Row:
        """Send the application to the district office: every detail saved and every document uploaded."""
        async with self._db.begin() as conn:
            current = await repo.by_phone(conn, phone, for_update=True)
            if current is None:
                raise _no_application()
            on_file = await WorkerDocuments.kinds_on_file(conn, current["id"])
            check_submittable(current["status"], APPLICATION_DOCUMENTS, on_file)
            now = self._clock()
            await repo.change(conn, current["id"], status=SUBMITTED, submitted_at=now, updated_at=now, reason=None)
            await worker_repo.audit(conn, current["id"], now, _actor(current["id"]), "submit", current["status"],
                                    SUBMITTED, None)
            sent = await repo.by_id(conn, current["id"])
        assert sent is not None
        return sent

    def checked(self, phone: str, details: Details) -> Home:
        """Her home district, once every field is right; else every wrong field at once."""
        # the district is found from the pincode below, so the registration's own check of it is left out
        registration = Registration(
            name=details.name, phone=phone, pin=details.pin, skills=details.trades,
            home_lat=details.home_lat if details.home_lat is not None else 0.0,
            home_lng=details.home_lng if details.home_lng is not None else 0.0, district="std:0000",
        )
        problems = registration_problems(registration, set(self.trades()) or None)
        if details.home_lat is None or details.home_lng is None:
            problems = [problem for problem in problems if problem.field != "home_gps"]
            problems.append(_problem("home_gps", "At home, tap “Take my location” so that jobs near you reach you.",
                                     "घर पर “मेरा स्थान लें” दबाएँ, ताकि आपके पास के काम आप तक पहुँचें।"))
        if (wrong := qualification_problem(details.qualification)) is not None:
            problems.append(wrong)
        home: Home | None = None
        try:
            home = self.home(details.pincode)
        except Refusal as refusal:
            problems.append(refusal)
        gps_fine = all(problem.field != "home_gps" for problem in problems)
        if gps_fine and home is not None and home.lat is not None and home.lng is not None:
            assert details.home_lat is not None and details.home_lng is not None
            away = haversine_km(home.lat, home.lng, details.home_lat, details.home_lng)
            if away > HOME_REACH_KM:
                problems.append(_problem(
                    "home_gps",
                    f"Your location is {away:.0f} km from pincode {home.pincode}. Take the location at home, or "
                    "correct the pincode.",
                    f"आपका स्थान पिनकोड {home.pincode} से {away:.0f} किमी दूर है। घर पर स्थान लें, या पिनकोड "
                    "ठीक करें।",
                ))
        if problems:
            raise FieldErrors([FieldProblem(_FIELD_NAMES.get(p.field or "", p.field or ""), p.message, p.message_hi)
                               for p in problems])
        assert home is not None
        return home


def _actor(application_id: str) -> str:
    return f"applicant:{application_id}"
