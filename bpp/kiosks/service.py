"""The kiosk office: kiosks and their logins, booking at a kiosk's counter, its receipts, its statement, its deposits.

A kiosk books through the helpline's `AssistedDesk` (the same checks, order, matching job and citizen SMS) as its
own `Counter`: only for places in its district, the fee taken in cash at the counter and put in the ledger with
the booking (`fulfillment/kiosk.py` has the money rules).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.assisted.service import AssistedDesk, BookingRequest, PincodeArea, Quotation
from bpp.kiosks.repo import Kiosk, KioskRepo
from bpp.money.kiosk_ledger import KioskLedger
from bpp.notify import normalise_phone
from bpp.orders.deps import CatalogPort
from bpp.orders.unit_of_work import UnitOfWork
from bpp.platform.auth import KIOSK_OPERATOR, Principal
from bpp.platform.http_errors import FieldErrors, FieldProblem
from bpp.staff.users import create_staff_user
from bpp.storage.db import Database
from catalog.formats import to_paise
from catalog.model import ServiceItem
from fulfillment.kiosk import (
    KioskStatement,
    KioskTerms,
    check_booking_district,
    commission_for_booking,
    paid_at_kiosk,
)
from fulfillment.order import KIOSK, Order, PaymentTerms, Quote
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

KIOSK_ID: Final = re.compile(r"[A-Z0-9][A-Z0-9-]{2,31}")  # e.g. JSK-LKO-0001; it names ledger accounts too
DISTRICT: Final = re.compile(r"std:[0-9]{3,5}")
MAX_COMMISSION: Final = Decimal("10000.00")


@dataclass(frozen=True, slots=True)
class NewKiosk:
    id: str
    name: str
    district: str
    operator_name: str
    operator_phone: str
    commission: Decimal | None = None


def checked_kiosk(new: NewKiosk, staff_user_id: str) -> Kiosk:
    """The kiosk to store, or FieldErrors naming every wrong field (English and Hindi)."""
    problems: list[FieldProblem] = []
    if not KIOSK_ID.fullmatch(new.id):
        problems.append(FieldProblem("id", "A kiosk id is 3 to 32 capital letters, digits and dashes, e.g. "
                                     "JSK-LKO-0001.", "कियोस्क आईडी 3 से 32 बड़े अक्षर, अंक और डैश हों, जैसे JSK-LKO-0001।"))
    name, operator = new.name.strip(), new.operator_name.strip()
    if not 2 <= len(name) <= 128:
        problems.append(FieldProblem("name", "Write the kiosk's name (2 to 128 letters).",
                                     "कियोस्क का नाम लिखें (2 से 128 अक्षर)।"))
    if not 2 <= len(operator) <= 128:
        problems.append(FieldProblem("operator_name", "Write the operator's name (2 to 128 letters).",
                                     "संचालक का नाम लिखें (2 से 128 अक्षर)।"))
    if not DISTRICT.fullmatch(new.district):
        problems.append(FieldProblem("district", "The district is its city code, e.g. std:0522.",
                                     "ज़िला उसके सिटी कोड से लिखें, जैसे std:0522।"))
    phone = normalise_phone(new.operator_phone)
    if phone is None:
        problems.append(FieldProblem("operator_phone", "Enter the operator's 10-digit mobile number.",
                                     "संचालक का 10 अंकों का मोबाइल नंबर लिखें।"))
    commission = new.commission
    if commission is not None and not (0 <= commission <= MAX_COMMISSION and commission == to_paise(commission)):
        problems.append(FieldProblem("commission", f"The commission is an amount from 0 to {MAX_COMMISSION} rupees.",
                                     f"कमीशन 0 से {MAX_COMMISSION} रुपये के बीच की राशि हो।"))
    if problems:
        raise FieldErrors(problems)
    assert phone is not None
    return Kiosk(new.id, name, new.district, operator, phone, commission, staff_user_id)


async def create_kiosk(conn: AsyncConnection, new: NewKiosk, username: str, password: str, now: datetime) -> Kiosk:
    """A kiosk and its one login (role kiosk_operator, the kiosk's district); run again for the same login, it
    resets the password and takes the kiosk's details as given (a new commission reaches later bookings only)."""
    kiosks = KioskRepo(conn)
    checked_kiosk(new, "-")  # before the login is made
    user_id = await create_staff_user(conn, username, password, KIOSK_OPERATOR, new.name.strip(), new.district)
    kiosk = checked_kiosk(new, user_id)
    existing = await kiosks.get(kiosk.id)
    if existing is None:
        await kiosks.add(kiosk, now)
        return kiosk
    if existing.staff_user_id != user_id:
        raise FieldErrors([FieldProblem("id", f"Kiosk {kiosk.id} exists with another login.",
                                        f"कियोस्क {kiosk.id} किसी दूसरे लॉगिन के साथ पहले से है।")])
    await kiosks.update(kiosk)
    return kiosk


class KioskCounter:
    """A kiosk as the assisted desk's `Counter`: its district only, the fee paid at its counter."""

    def __init__(self, kiosk: Kiosk, district_name: str, commission: Decimal, ledger: KioskLedger) -> None:
        self._kiosk = kiosk
        self._district_name = district_name
        self._commission = commission
        self._ledger = ledger

    @property
    def channel(self) -> str:
        return f"{KIOSK}:{self._kiosk.id}"

    def check_area(self, area: PincodeArea) -> PincodeArea:
        try:
            check_booking_district(self._kiosk.district, self._district_name, area.provider.city,
                                   area.district.title())
        except Refusal as outside:
            raise FieldErrors([FieldProblem(outside.field or "pincode", outside.message, outside.message_hi)]) from None
        return area

    def payment(self, order_id: str, quote: Quote, item: ServiceItem) -> PaymentTerms:
        commission = commission_for_booking(self._commission, item.fee)
        return PaymentTerms(paid_at_kiosk(order_id, KioskTerms(self._kiosk.id, quote.total, commission)))

    async def booked(self, conn: AsyncConnection, order: Order) -> None:
        await self._ledger.collected(conn, order)


def _not_found() -> Refusal:
    return Refusal(NOT_FOUND, "No such kiosk. Check its id.", message_hi="यह कियोस्क नहीं मिला। आईडी जाँचें।")


class KioskOffice:
    """Kiosks as their operators and Seva Mitra's staff use them."""

    def __init__(
        self,
        db: Database,
        unit_of_work: Callable[[], UnitOfWork],
        desk: AssistedDesk,
        catalog: CatalogPort,
        ledger: KioskLedger,
        default_commission: Decimal,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._unit_of_work = unit_of_work
        self._desk = desk
        self._catalog = catalog
        self.ledger = ledger
        self._default_commission = default_commission
        self._clock = clock

    # ---- whose kiosk --------------------------------------------------------------------------
    async def of_operator(self, operator: Principal) -> Kiosk:
        """The kiosk a kiosk operator's login runs."""
        async with self._db.connect() as conn:
            kiosk = await KioskRepo(conn).of_operator(operator.id)
        if kiosk is None:
            raise Refusal(NOT_FOUND, "This login runs no kiosk. Ask Seva Mitra's district office.",
                          message_hi="यह लॉगिन किसी कियोस्क से जुड़ा नहीं है। सेवा मित्र के ज़िला कार्यालय से संपर्क करें।")
        return kiosk

    async def for_staff(self, kiosk_id: str, staff: Principal) -> Kiosk:
        """A kiosk an admin, or the officer of its district, looks after."""
        async with self._db.connect() as conn:
            kiosk = await KioskRepo(conn).get(kiosk_id)
        if kiosk is None:
            raise _not_found()
        if not staff.can_manage_district(kiosk.district):
            raise Refusal(NOT_ALLOWED, "This kiosk is in another district.",
                          message_hi="यह कियोस्क किसी दूसरे ज़िले का है।")
        return kiosk

    async def listed(self, district: str | None) -> list[tuple[Kiosk, Decimal]]:
        """The kiosks of `district` (all when None) with what each owes now."""
        async with self._db.connect() as conn:
            kiosks = await KioskRepo(conn).listed(district)
        due = await self.ledger.cash_due([kiosk.id for kiosk in kiosks])
        return [(kiosk, due[kiosk.id]) for kiosk in kiosks]

    def commission(self, kiosk: Kiosk) -> Decimal:
        """What the kiosk earns per completed booking it makes now."""
        return kiosk.commission if kiosk.commission is not None else self._default_commission

    def district_name(self, kiosk: Kiosk) -> str:
        """The name of the kiosk's district, as its Seva Mitra unit names it."""
        return next((unit.city_name for unit in self._catalog.snapshot.providers.values()
                     if unit.city == kiosk.district and unit.city_name), kiosk.district)

    def _counter(self, kiosk: Kiosk) -> KioskCounter:
        return KioskCounter(kiosk, self.district_name(kiosk), self.commission(kiosk), self.ledger)

    # ---- booking at the counter ---------------------------------------------------------------
    def area(self, kiosk: Kiosk, pincode: str) -> PincodeArea:
        """The pincode's district and point, when the kiosk may book there (else FieldErrors on `pincode`)."""
        return self._counter(kiosk).check_area(self._desk.area(pincode))

    def services(self, kiosk: Kiosk, query: str) -> list[ServiceItem]:
        """The published items of the kiosk's district the operator's words name, best first."""
        units = {unit.id for unit in self._catalog.snapshot.providers.values() if unit.city == kiosk.district}
        return self._catalog.snapshot.find(query, providers=units)

    def quotation(self, kiosk: Kiosk, item_id: str, pincode: str, point: tuple[float, float] | None) -> Quotation:
        self.area(kiosk, pincode)
        return self._desk.quotation(item_id, pincode, point)

    async def book(self, kiosk: Kiosk, request: BookingRequest, *, actor: str) -> Order:
        """Book for the walk-in citizen; the kiosk has taken the fee, which the ledger records with the order."""
        return await self._desk.book(request, actor=actor, counter=self._counter(kiosk))

    async def booked_order(self, kiosk: Kiosk, order_id: str) -> Order:
        """An order this kiosk booked (for its receipt); another's is as if it did not exist."""
        async with self._unit_of_work() as uow:
            order = await uow.orders.get(order_id)
        if order is None or order.channel.name != self._counter(kiosk).channel:
            raise Refusal(NOT_FOUND, "This kiosk booked no such order. Check the order number.",
                          message_hi="इस कियोस्क ने ऐसा कोई ऑर्डर बुक नहीं किया। ऑर्डर संख्या जाँचें।")
        return order

    # ---- money ----------------------------------------------------------------------------------
    async def statement(self, kiosk: Kiosk, days: int) -> tuple[KioskStatement, datetime, datetime]:
        """The kiosk's cash account over the last `days` days, and the period's bounds."""
        until = self._clock()
        since = until - timedelta(days=days)
        return await self.ledger.statement(kiosk.id, since, until), since, until

    async def record_deposit(self, kiosk: Kiosk, amount: Decimal, receipt: str) -> Decimal:
        """Staff record cash the kiosk paid in; returns what it still owes."""
        return await self.ledger.record_deposit(kiosk.id, amount, receipt)
