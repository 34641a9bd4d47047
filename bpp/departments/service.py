"""Government departments booking workers on credit (issue 13.4): accounts and officers, work orders, their visits.

Staff open a department's account and give it officers. Its requesting officer asks for workers of a service for some
days at an office (a work order); its approving officer approves; the requesting officer then books it. Booking makes
one order per worker and day through the assisted desk (`bpp.assisted.service.assisted_order`, as a `Counter` of the
department's channel, billed to its monthly invoice) in one transaction with their matching jobs: each visit is
offered from the day before it, its day's visits to distinct workers and the workers of earlier days first
(`bpp.workforce.matching.Crew`). The office's contact gets each visit's start OTP by SMS, as any assisted customer.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.assisted.notices import LANGUAGE_KEY
from bpp.assisted.service import AssistedDesk, CitizenPlace, PincodeArea, assisted_order
from bpp.departments.repo import Account, DepartmentRepo, Officer, Visit
from bpp.notify import Language
from bpp.orders.deps import CatalogPort, CoverageMap
from bpp.orders.unit_of_work import UnitOfWork
from bpp.platform.auth import DEPARTMENT_APPROVER, DEPARTMENT_REQUESTER, DEPARTMENT_ROLES
from bpp.platform.http_errors import FieldErrors, FieldProblem
from bpp.staff.users import create_staff_user
from bpp.storage.db import Database
from bpp.workforce.matching import Crew, schedule_job
from catalog.model import ServiceItem
from fulfillment.departments import DepartmentDetails, department_problems, invoiced_payment
from fulfillment.order import CustomerDetails, Order, PaymentTerms, Quote
from fulfillment.work_orders import Decision, Request, Site, WorkOrder, WorkOrderStatus, request_problems
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

MIN_PASSWORD: Final = 10


def _fields(problems: Sequence[Refusal]) -> FieldErrors:
    return FieldErrors([FieldProblem(p.field or "", p.message, p.message_hi) for p in problems])


def _problem(field: str, en: str, hi: str) -> FieldErrors:
    return FieldErrors([FieldProblem(field, en, hi)])


@dataclass(frozen=True, slots=True)
class DepartmentCounter:
    """A department booking its visits through the assisted desk: in its own district, billed to its invoice."""

    account: Account

    @property
    def channel(self) -> str:
        return self.account.channel

    def check_area(self, area: PincodeArea) -> PincodeArea:
        if area.provider.city != self.account.details.district:
            raise _problem("pincode", f"Pincode {area.pincode} is in {area.district.title()}, outside the district "
                           "of your department's account; ask Seva Mitra there to open one.",
                           f"पिनकोड {area.pincode} {area.district.title()} में है, आपके विभाग के खाते के ज़िले से "
                           "बाहर; वहाँ के सेवा मित्र से खाता खुलवाएँ।")
        return area

    def payment(self, order_id: str, quote: Quote, item: ServiceItem) -> PaymentTerms:
        return PaymentTerms(invoiced_payment(quote.total, self.account.id))

    async def booked(self, conn: AsyncConnection, order: Order) -> None:
        """Nothing: the visit is billed when the month's invoice is issued."""


@dataclass(frozen=True, slots=True)
class Asking:
    """What a requesting officer fills in (checked by `WorkOrderDesk.ask`)."""

    item_id: str
    workers: int
    days: tuple[str, ...]  # ISO dates, checked into `date`s
    start: str  # HH:MM
    address: str
    pincode: str
    point: tuple[float, float] | None
    contact_name: str
    contact_phone: str
    purpose: str = ""


@dataclass(frozen=True, slots=True)
class Booked:
    """A work order with the orders of its visits (none before it is booked)."""

    work_order: WorkOrder
    visits: list[tuple[Visit, Order]]


class DepartmentAccounts:
    """Department accounts and their officers (staff open them), and whom a login acts for."""

    def __init__(self, db: Database, catalog: CatalogPort, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._catalog = catalog
        self._clock = clock

    def districts(self) -> set[str]:
        """The districts Seva Mitra serves (a department's account is in one of them)."""
        return {provider.city for provider in self._catalog.snapshot.providers.values()}

    async def open(self, details: DepartmentDetails, *, by: str) -> Account:
        problems = department_problems(details, self.districts())
        if problems:
            raise _fields(problems)
        account_id = "DEP-" + secrets.token_hex(4).upper()
        async with self._db.begin() as conn:
            await DepartmentRepo(conn).add_account(account_id, details.normalised(), self._clock(), by)
            account = await DepartmentRepo(conn).account(account_id)
        assert account is not None
        return account

    async def add_officer(self, account_id: str, username: str, display_name: str, role: str, password: str
                          ) -> Officer:
        """A requesting or approving officer's login for the account (an existing username gets a new password)."""
        problems = []
        if role not in DEPARTMENT_ROLES:
            problems.append(FieldProblem("role", f"Choose {DEPARTMENT_REQUESTER} or {DEPARTMENT_APPROVER}.",
                                         "माँगने वाले या स्वीकृति देने वाले अधिकारी की भूमिका चुनें।"))
        if len(password) < MIN_PASSWORD:
            problems.append(FieldProblem("password", f"The password needs at least {MIN_PASSWORD} characters.",
                                         f"पासवर्ड में कम से कम {MIN_PASSWORD} वर्ण हों।"))
        if problems:
            raise FieldErrors(problems)
        async with self._db.begin() as conn:
            repo = DepartmentRepo(conn)
            account = await repo.account(account_id)
            if account is None:
                raise _no_account(account_id)
            user_id = await create_staff_user(conn, username.strip(), password, role, display_name.strip(),
                                              account.details.district)
            await repo.link_officer(user_id, account_id)
            officer = await repo.officer(user_id)
        assert officer is not None
        return officer

    async def accounts(self, district: str | None = None) -> list[Account]:
        async with self._db.connect() as conn:
            return await DepartmentRepo(conn).accounts(district)

    async def account(self, account_id: str) -> Account:
        async with self._db.connect() as conn:
            account = await DepartmentRepo(conn).account(account_id)
        if account is None:
            raise _no_account(account_id)
        return account

    async def officers(self, account_id: str) -> list[Officer]:
        async with self._db.connect() as conn:
            return await DepartmentRepo(conn).officers(account_id)

    async def acting(self, user_id: str) -> tuple[Officer, Account]:
        """The officer a login is and the account she acts for (403 when the login belongs to no department)."""
        async with self._db.connect() as conn:
            repo = DepartmentRepo(conn)
            officer = await repo.officer(user_id)
            account = await repo.account(officer.account_id) if officer else None
        if officer is None or account is None:
            raise Refusal(NOT_ALLOWED, "This login belongs to no department account; ask Seva Mitra to link it.",
                          message_hi="यह लॉगिन किसी विभाग के खाते से जुड़ा नहीं है; सेवा मित्र से जुड़वाएँ।")
        return officer, account


class WorkOrderDesk:
    """A department's work orders: asked, approved or rejected, withdrawn, booked, and read with their visits."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        catalog: CatalogPort,
        coverage: CoverageMap,
        desk: AssistedDesk,
        clock: Callable[[], datetime],
        wake_matching: Callable[[], None],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._catalog = catalog
        self._coverage = coverage
        self._desk = desk
        self._clock = clock
        self._wake_matching = wake_matching

    def services(self, account: Account) -> list[ServiceItem]:
        """The published items of the account's district, by English name."""
        items = self._catalog.snapshot.items.values()
        return sorted((item for item in items if self._in_district(item, account)), key=lambda item: item.name_en)

    async def ask(self, officer: Officer, account: Account, asking: Asking) -> WorkOrder:
        """A new work order awaiting the approving officer, or every wrong field at once."""
        _must_be(officer, DEPARTMENT_REQUESTER)
        problems: list[FieldProblem] = []
        now = self._clock()
        item = self._catalog.snapshot.items.get(asking.item_id)
        item = item if item is not None and self._in_district(item, account) else None
        days, start = _read_days(asking, problems)
        placed = self._place(account, asking, problems)
        site = Site(asking.address.strip(), asking.pincode.strip(), placed.lat if placed else 0.0,
                    placed.lng if placed else 0.0, asking.contact_name.strip(), asking.contact_phone.strip())
        if item is not None and placed is not None:
            radius = float(self._catalog.snapshot.providers[item.provider_id].serviceability_km)
            if item.category_id not in self._coverage.categories_near(site.lat, site.lng, radius):
                problems.append(FieldProblem(
                    "item_id", f"No verified worker for “{item.name_en}” lives within {radius:g} km of the office yet.",
                    f"कार्यालय से {radius:g} किमी के भीतर “{item.name_hi}” का कोई सत्यापित कर्मी अभी नहीं है।"))
        request = Request(asking.item_id, asking.workers, days, start, site, asking.purpose)
        reported = {problem.field for problem in problems}  # a field already answered is not answered twice
        problems.extend(FieldProblem(p.field or "", p.message, p.message_hi)
                        for p in request_problems(request, item, now) if p.field not in reported)
        if problems:
            raise FieldErrors(problems)
        assert item is not None
        number = "WO-" + secrets.token_hex(5).upper()
        work_order = WorkOrder.ask(number, account.id, request, item, _decision(officer, now))
        async with self._unit_of_work() as uow:
            await DepartmentRepo(uow.conn).add_work_order(work_order)
            await uow.commit()
        return work_order

    async def approve(self, officer: Officer, number: str) -> WorkOrder:
        _must_be(officer, DEPARTMENT_APPROVER)
        return await self._decide(officer, number, lambda order, decision: order.approve(decision))

    async def reject(self, officer: Officer, number: str, reason: str) -> WorkOrder:
        _must_be(officer, DEPARTMENT_APPROVER)
        return await self._decide(officer, number, lambda order, decision: order.reject(decision), note=reason)

    async def withdraw(self, officer: Officer, number: str) -> WorkOrder:
        _must_be(officer, DEPARTMENT_REQUESTER)
        return await self._decide(officer, number, lambda order, decision: order.withdraw(decision))

    async def book(self, officer: Officer, account: Account, number: str, language: Language = "hi") -> Booked:
        """Book the approved work order's visits: its orders and their matching jobs commit together."""
        _must_be(officer, DEPARTMENT_REQUESTER)
        counter = DepartmentCounter(account)
        async with self._unit_of_work() as uow:
            repo = DepartmentRepo(uow.conn)
            work_order = await _own(repo, officer, number)
            now = self._clock()
            service = work_order.service
            try:
                provider, item = await self._catalog.orderable(uow.conn, service.provider_id, service.item_id)
            except Refusal:
                raise _problem("item_id", f"“{service.name_en}” is no longer offered; make a new work order for "
                               "another service.", f"“{service.name_hi}” अब उपलब्ध नहीं है; किसी दूसरी सेवा के लिए "
                               "नया कार्यादेश बनाएँ।") from None
            planned = work_order.plan_visits(item, now)
            site = work_order.site
            place = CitizenPlace(site.pincode, self._desk.area(site.pincode).district, site.address, site.lat, site.lng)
            details = CustomerDetails(
                {"name": site.contact_name, "phone": site.contact_phone, LANGUAGE_KEY: language},
                place.end_location(),
                {"name": f"{account.details.department}, {account.details.office}",
                 "address": account.details.billing_address, "tax_number": account.details.gstin},
            )
            visits = []
            for visit in planned:
                order = assisted_order(counter, provider, item, details, visit.slot, at=now,
                                       actor=f"staff:{officer.user_id}")
                await uow.orders.add(order)
                await schedule_job(uow.conn, order.id, now, due_at=visit.matching_from,
                                   crew=Crew(number, visit.day.isoformat()))
                visits.append((Visit(order.id, number, account.id, visit.day, visit.place, None), order))
            await repo.add_visits(visit for visit, _ in visits)
            work_order.booked(now)
            await repo.save_work_order(work_order)
            uow.after_commit(self._wake_matching)
            await uow.commit()
        return Booked(work_order, visits)

    async def work_orders(self, account_id: str, status: WorkOrderStatus | None = None) -> list[WorkOrder]:
        """The account's work orders, newest first."""
        async with self._unit_of_work() as uow:
            return await DepartmentRepo(uow.conn).work_orders(account_id, status)

    async def work_order(self, officer: Officer | None, number: str) -> Booked:
        """A work order with its visits' orders; an officer reads only her department's (staff: `officer` None)."""
        async with self._unit_of_work() as uow:
            repo = DepartmentRepo(uow.conn)
            work_order = await (_own(repo, officer, number) if officer else _existing(repo, number))
            visits = await repo.visits_of(number)
            orders = await uow.orders.many([visit.order_id for visit in visits])
        return Booked(work_order, [(visit, orders[visit.order_id]) for visit in visits])

    async def _decide(
        self, officer: Officer, number: str, change: Callable[[WorkOrder, Decision], None], note: str | None = None
    ) -> WorkOrder:
        async with self._unit_of_work() as uow:
            repo = DepartmentRepo(uow.conn)
            work_order = await _own(repo, officer, number)
            change(work_order, _decision(officer, self._clock(), note))
            await repo.save_work_order(work_order)
            await uow.commit()
        return work_order

    def _in_district(self, item: ServiceItem, account: Account) -> bool:
        provider = self._catalog.snapshot.providers.get(item.provider_id)
        return item.published and provider is not None and provider.city == account.details.district

    def _place(self, account: Account, asking: Asking, problems: list[FieldProblem]) -> CitizenPlace | None:
        """The office, placed by its pincode (or the officer's point near it) in the account's district."""
        try:
            area = DepartmentCounter(account).check_area(self._desk.area(asking.pincode))
            return self._desk.place(area, asking.address.strip(), asking.point)
        except FieldErrors as wrong:
            problems.extend(wrong.problems)
            return None


def _read_days(asking: Asking, problems: list[FieldProblem]) -> tuple[tuple[date, ...], time]:
    days: list[date] = []
    for text in asking.days:
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            problems.append(FieldProblem("days", f"{text!r} is not a date such as 2026-12-24.",
                                         f"{text!r} कोई तारीख नहीं है (जैसे 2026-12-24)।"))
    try:
        start = time.fromisoformat(asking.start)
    except ValueError:
        problems.append(FieldProblem("start", "Give the start time as HH:MM, e.g. 10:00.",
                                     "शुरू होने का समय HH:MM में दें, जैसे 10:00।"))
        start = time(10, 0)
    return tuple(days), start


def _decision(officer: Officer, at: datetime, note: str | None = None) -> Decision:
    return Decision(officer.user_id, officer.display_name, at, note)


def _must_be(officer: Officer, role: str) -> None:
    if officer.role != role:
        raise Refusal(NOT_ALLOWED, "Your role does not allow this: a requesting officer asks for and books workers, "
                      "an approving officer approves.",
                      message_hi="आपकी भूमिका में यह अनुमति नहीं है: माँगने वाले अधिकारी कर्मी माँगते और बुक करते हैं, "
                      "स्वीकृति देने वाले अधिकारी स्वीकृति देते हैं।")


async def _existing(repo: DepartmentRepo, number: str) -> WorkOrder:
    work_order = await repo.work_order(number)
    if work_order is None:
        raise Refusal(NOT_FOUND, f"Work order {number} does not exist; check its number.",
                      message_hi=f"कार्यादेश {number} मौजूद नहीं है; संख्या जाँचें।")
    return work_order


async def _own(repo: DepartmentRepo, officer: Officer, number: str) -> WorkOrder:
    """The work order, if it is of the officer's department (another's is as if it did not exist)."""
    work_order = await repo.work_order(number)
    if work_order is None or work_order.account_id != officer.account_id:
        raise Refusal(NOT_FOUND, f"Your department has no work order {number}; check its number.",
                      message_hi=f"आपके विभाग का कोई कार्यादेश {number} नहीं है; संख्या जाँचें।")
    return work_order


def _no_account(account_id: str) -> Refusal:
    return Refusal(NOT_FOUND, f"Department account {account_id} does not exist.",
                   message_hi=f"विभाग का खाता {account_id} मौजूद नहीं है।")

