"""Departments' monthly GST invoices and the treasury's payments of them (issue 13.4).

Once a month is over, staff issue its invoices: one per department account, billing every visit of the account
completed in it (or before it and not billed yet). Each invoice posts, in its own transaction, the entry that moves
those visits' amount from the department's `unbilled` account to its receivable, and marks the visits billed so no
invoice bills one twice. Staff record the treasury's payments against an invoice; each posts once, by its reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from bpp.departments.repo import Account, DepartmentRepo
from bpp.money.department_ledger import DepartmentLedger, DepartmentPosition
from bpp.orders.unit_of_work import UnitOfWork
from bpp.storage.db import Row
from catalog.formats import money
from catalog.schedule import IST
from fulfillment.departments import (
    UTTAR_PRADESH_GST_STATE,
    BillingMonth,
    InvoiceFigures,
    financial_year,
    invoice_entry,
    invoice_figures,
    invoice_number,
    payment_entry,
    visit_charge,
)
from fulfillment.ledger import ZERO
from schemas.enums import OrderStatus
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import NOT_FOUND, Refusal


@dataclass(frozen=True, slots=True)
class Issued:
    """What issuing a month's invoices did: the invoices made now, and the accounts already invoiced for it."""

    invoices: list[Row]
    already: list[str]  # invoice numbers issued earlier for the month


class DepartmentBilling:
    """Issues the departments' monthly invoices and records what the treasury paid."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        ledger: DepartmentLedger,
        supplier_gstin: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._ledger = ledger
        # place of supply: the department's state against ours (Seva Mitra is registered in Uttar Pradesh)
        self._supplier_state = (supplier_gstin or "")[:2] or UTTAR_PRADESH_GST_STATE
        self._clock = clock

    async def issue(self, month: BillingMonth, *, by: str, accounts: Sequence[Account]) -> Issued:
        """The month's invoice of each of `accounts` with a completed visit to bill (once the month is over)."""
        now = self._clock()
        month.check_ended(now)
        issued: list[Row] = []
        already: list[Row] = []
        for account in accounts:
            try:
                invoice, new = await self._issue_one(account, month, by, now)
            except IntegrityError:  # another officer issued it (or took its serial) at the same moment
                invoice, new = await self._issue_one(account, month, by, now)
            if invoice is not None:
                (issued if new else already).append(invoice)
        return Issued(issued, [invoice["number"] for invoice in already])

    async def _issue_one(self, account: Account, month: BillingMonth, by: str, now: datetime
                         ) -> tuple[Row | None, bool]:
        """The account's invoice of the month and whether it was issued now (None: nothing to bill)."""
        async with self._unit_of_work() as uow:
            repo = DepartmentRepo(uow.conn)
            earlier = await repo.invoice_of_month(account.id, str(month))
            if earlier is not None:
                return earlier, False
            visits = await repo.unbilled_visits(account.id)
            orders = await uow.orders.many([visit.order_id for visit in visits])
            names = {}
            for number in {visit.work_order for visit in visits}:
                work_order = await repo.work_order(number)
                if work_order is not None:
                    names[number] = work_order.service.name_hi
            charges = [
                visit_charge(order, names.get(visit.work_order, order.service.item_id))
                for visit in visits
                if (order := orders.get(visit.order_id)) is not None
                and order.status is OrderStatus.COMPLETED and order.progress.updated_at < month.ends
            ]
            if not charges:
                return None, False
            figures = invoice_figures(charges, supplier_state=self._supplier_state,
                                      recipient_state=account.details.gstin[:2])
            year = financial_year(now.astimezone(IST).date())
            serial = await repo.next_serial(year)
            number = invoice_number(year, serial)
            await repo.add_invoice({
                "number": number, "account_id": account.id, "month": str(month), "financial_year": year,
                "serial": serial, "issued_at": now, "issued_by": by, "recipient": _recipient(account),
                "figures": _figures_json(figures, charges), "visits": figures.visits, "total": figures.total,
                "paid": ZERO,
            })
            if await repo.bill_visits([charge.order_id for charge in charges], number) != len(charges):
                raise Refusal(BUSINESS_ERROR.code,
                              "Another invoice billed some of these visits meanwhile; issue again.",
                              message_hi="इसी बीच किसी दूसरे बिल में इनमें से कुछ विज़िट जुड़ गईं; फिर से बिल बनाएँ।")
            await self._ledger.post(uow.conn, invoice_entry(number, account.id, figures.total))
            invoice = await repo.invoice(number)
            await uow.commit()
        return invoice, True

    async def record_payment(
        self, number: str, amount: Decimal, reference: str, paid_on: date, *, by: str
    ) -> Row:
        """The treasury paid (part of) the invoice: posted once per reference; returns the invoice as it now is."""
        async with self._unit_of_work() as uow:
            repo = DepartmentRepo(uow.conn)
            invoice = await repo.invoice(number, for_update=True)  # payments of one invoice wait for each other
            if invoice is None:
                raise no_invoice(number)
            if await repo.has_payment(number, reference.strip()):  # recorded before: nothing changes
                return invoice
            if paid_on > self._clock().astimezone(IST).date():
                raise Refusal(BUSINESS_ERROR.code, "The treasury's payment date cannot be in the future.", "paid_on",
                              "कोषागार के भुगतान की तारीख आगे की नहीं हो सकती।")
            entry = payment_entry(number, invoice["account_id"], amount, reference,
                                  invoice["total"] - invoice["paid"])
            await repo.add_payment(number, reference.strip(), amount, paid_on, self._clock(), by)
            await self._ledger.post(uow.conn, entry)
            invoice = await repo.invoice(number)
            await uow.commit()
        assert invoice is not None
        return invoice

    async def invoices(self, *, account_id: str | None = None, accounts: Sequence[str] | None = None,
                       month: str | None = None) -> Sequence[Row]:
        async with self._unit_of_work() as uow:
            return await DepartmentRepo(uow.conn).invoices(account_id=account_id, accounts=accounts, month=month)

    async def invoice(self, number: str) -> tuple[Row, Sequence[Row]]:
        """An invoice and its payments."""
        async with self._unit_of_work() as uow:
            repo = DepartmentRepo(uow.conn)
            invoice = await repo.invoice(number)
            if invoice is None:
                raise no_invoice(number)
            return invoice, await repo.payments(number)

    async def positions(self, account_ids: Sequence[str]) -> dict[str, DepartmentPosition]:
        return await self._ledger.positions(account_ids)


def no_invoice(number: str) -> Refusal:
    return Refusal(NOT_FOUND, f"Invoice {number} does not exist; check its number.",
                   message_hi=f"बिल {number} मौजूद नहीं है; संख्या जाँचें।")


def _recipient(account: Account) -> dict[str, str]:
    details = account.details
    return {"account_id": account.id, "department": details.department, "office": details.office,
            "district": details.district, "ddo_code": details.ddo_code, "gstin": details.gstin,
            "billing_address": details.billing_address}


def _figures_json(figures: InvoiceFigures, charges: Sequence[Any]) -> dict[str, Any]:
    """The invoice as issued, amounts as exact strings; with the visits it bills."""
    return {
        "intra_state": figures.intra_state,
        "lines": [
            {"item_id": line.item_id, "title_en": line.title_en, "title_hi": line.title_hi,
             "unit_price": money(line.unit_price), "tax_percent": str(line.tax_percent), "visits": line.visits,
             "taxable": money(line.taxable), "cgst": money(line.cgst), "sgst": money(line.sgst),
             "igst": money(line.igst), "total": money(line.total)}
            for line in figures.lines
        ],
        "taxable": money(figures.taxable), "cgst": money(figures.cgst), "sgst": money(figures.sgst),
        "igst": money(figures.igst), "total": money(figures.total),
        "visits": [
            {"order_id": charge.order_id, "item_id": charge.item_id, "completed_at": charge.completed_at.isoformat(),
             "total": money(charge.total)}
            for charge in sorted(charges, key=lambda charge: (charge.completed_at, charge.order_id))
        ],
    }
