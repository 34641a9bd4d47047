"""SQL access to departments' accounts and officers, work orders and their visits, invoices and payments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.auth_tables import staff_users
from bpp.storage.db import Row
from bpp.storage.department_tables import (
    department_accounts,
    department_invoices,
    department_officers,
    department_payments,
    work_order_visits,
    work_orders,
)
from fulfillment.departments import DepartmentDetails
from fulfillment.work_orders import Decision, PricedService, Site, WorkOrder, WorkOrderStatus
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal


@dataclass(frozen=True, slots=True)
class Account:
    """A department account as stored."""

    id: str
    details: DepartmentDetails
    created_at: datetime

    @property
    def channel(self) -> str:
        return f"department:{self.id}"


@dataclass(frozen=True, slots=True)
class Officer:
    """A department officer's login and the account she acts for."""

    user_id: str
    username: str
    display_name: str
    role: str
    account_id: str


@dataclass(frozen=True, slots=True)
class Visit:
    """One of a booked work order's visits: the order it is, and the invoice that billed it."""

    order_id: str
    work_order: str
    account_id: str
    day: date
    place: int
    invoice_no: str | None


class WorkOrderChanged(Refusal):
    """Someone changed the work order since it was read (another officer's decision): read it again."""

    def __init__(self, number: str) -> None:
        super().__init__(BUSINESS_ERROR.code, f"Work order {number} was changed meanwhile; look at it again.",
                         message_hi=f"कार्यादेश {number} इसी बीच बदला गया है; इसे फिर से देखें।")


class DepartmentRepo:
    """The department tables seen through one connection (inside the caller's transaction, if any)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # --- accounts and officers -------------------------------------------------------------------------------

    async def add_account(self, account_id: str, details: DepartmentDetails, at: datetime, by: str) -> None:
        await self.conn.execute(department_accounts.insert().values(
            id=account_id, **_details_row(details), created_at=at, created_by=by))

    async def account(self, account_id: str) -> Account | None:
        row = (await self.conn.execute(
            select(department_accounts).where(department_accounts.c.id == account_id))).mappings().first()
        return None if row is None else _account(row)

    async def accounts(self, district: str | None = None) -> list[Account]:
        query = select(department_accounts).order_by(department_accounts.c.department, department_accounts.c.office)
        if district is not None:
            query = query.where(department_accounts.c.district == district)
        return [_account(row) for row in (await self.conn.execute(query)).mappings()]

    async def link_officer(self, user_id: str, account_id: str) -> None:
        await self.conn.execute(department_officers.delete().where(department_officers.c.user_id == user_id))
        await self.conn.execute(department_officers.insert().values(user_id=user_id, account_id=account_id))

    async def officer(self, user_id: str) -> Officer | None:
        rows = await self.conn.execute(self._officers().where(department_officers.c.user_id == user_id))
        row = rows.mappings().first()
        return None if row is None else Officer(**row)

    async def officers(self, account_id: str) -> list[Officer]:
        rows = await self.conn.execute(
            self._officers().where(department_officers.c.account_id == account_id).order_by(staff_users.c.username))
        return [Officer(**row) for row in rows.mappings()]

    @staticmethod
    def _officers() -> Any:
        return select(
            department_officers.c.user_id, staff_users.c.username, staff_users.c.display_name, staff_users.c.role,
            department_officers.c.account_id,
        ).join(staff_users, staff_users.c.id == department_officers.c.user_id)

    # --- work orders -------------------------------------------------------------------------------------------

    async def add_work_order(self, order: WorkOrder) -> None:
        await self.conn.execute(work_orders.insert().values(
            number=order.number, account_id=order.account_id, service=_service_json(order.service),
            workers=order.workers, days=[day.isoformat() for day in order.days],
            start_time=order.start.strftime("%H:%M"), site=_site_json(order.site), purpose=order.purpose,
            requested_at=order.requested.at, version=1, **_changing(order),
        ))
        order.version = 1

    async def save_work_order(self, order: WorkOrder) -> None:
        """Store a decision on the work order, only over the version it was read at (else WorkOrderChanged)."""
        result = await self.conn.execute(
            update(work_orders)
            .where(work_orders.c.number == order.number, work_orders.c.version == order.version)
            .values(version=order.version + 1, **_changing(order))
        )
        if result.rowcount != 1:
            raise WorkOrderChanged(order.number)
        order.version += 1

    async def work_order(self, number: str) -> WorkOrder | None:
        row = (await self.conn.execute(select(work_orders).where(work_orders.c.number == number))).mappings().first()
        return None if row is None else _work_order(row)

    async def work_orders(self, account_id: str, status: WorkOrderStatus | None = None, limit: int = 100
                          ) -> list[WorkOrder]:
        query = select(work_orders).where(work_orders.c.account_id == account_id)
        if status is not None:
            query = query.where(work_orders.c.status == status.value)
        query = query.order_by(work_orders.c.requested_at.desc()).limit(limit)
        return [_work_order(row) for row in (await self.conn.execute(query)).mappings()]

    # --- visits --------------------------------------------------------------------------------------------------

    async def add_visits(self, visits: Iterable[Visit]) -> None:
        rows = [{"order_id": v.order_id, "work_order": v.work_order, "account_id": v.account_id,
                 "day": v.day.isoformat(), "place": v.place, "invoice_no": v.invoice_no} for v in visits]
        if rows:
            await self.conn.execute(work_order_visits.insert(), rows)

    async def visits_of(self, number: str) -> list[Visit]:
        query = (select(work_order_visits).where(work_order_visits.c.work_order == number)
                 .order_by(work_order_visits.c.day, work_order_visits.c.place))
        return [_visit(row) for row in (await self.conn.execute(query)).mappings()]

    async def unbilled_visits(self, account_id: str | None = None) -> list[Visit]:
        """Visits no invoice has billed yet (of one account, or of all)."""
        query = select(work_order_visits).where(work_order_visits.c.invoice_no.is_(None))
        if account_id is not None:
            query = query.where(work_order_visits.c.account_id == account_id)
        query = query.order_by(work_order_visits.c.account_id, work_order_visits.c.day, work_order_visits.c.order_id)
        return [_visit(row) for row in (await self.conn.execute(query)).mappings()]

    async def bill_visits(self, order_ids: Sequence[str], invoice_no: str) -> int:
        """Mark the visits billed by `invoice_no`; only those no invoice billed yet (a race bills each once)."""
        result = await self.conn.execute(
            update(work_order_visits)
            .where(work_order_visits.c.order_id.in_(order_ids), work_order_visits.c.invoice_no.is_(None))
            .values(invoice_no=invoice_no)
        )
        return int(result.rowcount)

    # --- invoices and payments -------------------------------------------------------------------------------

    async def next_serial(self, financial_year: str) -> int:
        query = select(func.coalesce(func.max(department_invoices.c.serial), 0)).where(
            department_invoices.c.financial_year == financial_year)
        return int((await self.conn.execute(query)).scalar_one()) + 1

    async def add_invoice(self, row: dict[str, Any]) -> None:
        await self.conn.execute(department_invoices.insert().values(**row))

    async def invoice(self, number: str, *, for_update: bool = False) -> Row | None:
        query = select(department_invoices).where(department_invoices.c.number == number)
        if for_update and self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        return (await self.conn.execute(query)).mappings().first()

    async def invoice_of_month(self, account_id: str, month: str) -> Row | None:
        query = select(department_invoices).where(department_invoices.c.account_id == account_id,
                                                  department_invoices.c.month == month)
        return (await self.conn.execute(query)).mappings().first()

    async def invoices(self, *, account_id: str | None = None, accounts: Sequence[str] | None = None,
                       month: str | None = None, limit: int = 200) -> Sequence[Row]:
        query = select(department_invoices)
        if account_id is not None:
            query = query.where(department_invoices.c.account_id == account_id)
        if accounts is not None:
            query = query.where(department_invoices.c.account_id.in_(accounts))
        if month is not None:
            query = query.where(department_invoices.c.month == month)
        query = query.order_by(department_invoices.c.issued_at.desc(), department_invoices.c.number.desc())
        return (await self.conn.execute(query.limit(limit))).mappings().all()

    async def payments(self, invoice_no: str) -> Sequence[Row]:
        query = (select(department_payments).where(department_payments.c.invoice_no == invoice_no)
                 .order_by(department_payments.c.recorded_at))
        return (await self.conn.execute(query)).mappings().all()

    async def has_payment(self, invoice_no: str, reference: str) -> bool:
        found = await self.conn.execute(select(department_payments.c.reference).where(
            department_payments.c.invoice_no == invoice_no, department_payments.c.reference == reference))
        return found.first() is not None

    async def add_payment(self, invoice_no: str, reference: str, amount: Decimal, paid_on: date, at: datetime,
                          by: str) -> None:
        """Record a payment and add it to the invoice's paid sum."""
        await self.conn.execute(department_payments.insert().values(
            invoice_no=invoice_no, reference=reference, amount=amount, paid_on=paid_on.isoformat(), recorded_at=at,
            recorded_by=by))
        await self.conn.execute(update(department_invoices).where(department_invoices.c.number == invoice_no)
                                .values(paid=department_invoices.c.paid + amount))


def _details_row(details: DepartmentDetails) -> dict[str, str]:
    return {"department": details.department, "office": details.office, "district": details.district,
            "ddo_code": details.ddo_code, "gstin": details.gstin, "billing_address": details.billing_address}


def _account(row: Row) -> Account:
    details = DepartmentDetails(row["department"], row["office"], row["district"], row["ddo_code"], row["gstin"],
                                row["billing_address"])
    return Account(row["id"], details, row["created_at"])


def _decision_json(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {"by": decision.by, "name": decision.name, "at": decision.at.isoformat(), "note": decision.note}


def _decision(value: Any) -> Decision | None:
    if not value:
        return None
    return Decision(value["by"], value["name"], datetime.fromisoformat(value["at"]), value.get("note"))


def _changing(order: WorkOrder) -> dict[str, Any]:
    """The columns a work order's decisions change."""
    return {"status": order.status.value, "requested": _decision_json(order.requested),
            "approval": _decision_json(order.approval), "closing": _decision_json(order.closing),
            "booked_at": order.booked_at}


def _service_json(service: PricedService) -> dict[str, Any]:
    return {"provider_id": service.provider_id, "item_id": service.item_id, "item_version": service.item_version,
            "category_id": service.category_id, "name_en": service.name_en, "name_hi": service.name_hi,
            "visit_total": str(service.visit_total)}


def _site_json(site: Site) -> dict[str, Any]:
    return {"address": site.address, "pincode": site.pincode, "lat": site.lat, "lng": site.lng,
            "contact_name": site.contact_name, "contact_phone": site.contact_phone}


def _work_order(row: Row) -> WorkOrder:
    service = dict(row["service"])
    requested = _decision(row["requested"])
    assert requested is not None
    return WorkOrder(
        number=row["number"], account_id=row["account_id"],
        service=PricedService(**{**service, "visit_total": Decimal(service["visit_total"])}),
        workers=row["workers"], days=tuple(date.fromisoformat(day) for day in row["days"]),
        start=time.fromisoformat(row["start_time"]), site=Site(**row["site"]), purpose=row["purpose"],
        requested=requested, status=WorkOrderStatus(row["status"]), approval=_decision(row["approval"]),
        closing=_decision(row["closing"]), booked_at=row["booked_at"], version=row["version"],
    )


def _visit(row: Row) -> Visit:
    return Visit(row["order_id"], row["work_order"], row["account_id"], date.fromisoformat(row["day"]), row["place"],
                 row["invoice_no"])
