"""Departments' accounts, work orders and invoices in plain JSON, for the officers' page and the staff console."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bpp.departments.repo import Account, Officer
from bpp.departments.service import Booked
from bpp.money.department_ledger import DepartmentPosition
from bpp.orders.invoices import invoice_token
from bpp.platform.keys import KeyMaterial
from bpp.platform.settings import Settings
from bpp.storage.db import Row
from catalog.formats import money
from fulfillment.work_orders import Decision, WorkOrder

INVOICE_LINK_PREFIX = "department-invoice:"  # keeps these links' tokens apart from those of order invoices


def print_url(settings: Settings, keys: KeyMaterial, number: str) -> str:
    """The invoice's print view behind an unguessable link (no login needed to open it in a new tab and print)."""
    return f"{settings.public_origin}/departments/invoices/{number}?t={print_token(keys, number)}"


def print_token(keys: KeyMaterial, number: str) -> str:
    return invoice_token(keys, INVOICE_LINK_PREFIX + number)


def account_view(account: Account, position: DepartmentPosition | None = None) -> dict[str, Any]:
    details = account.details
    view: dict[str, Any] = {
        "id": account.id, "channel": account.channel, "department": details.department, "office": details.office,
        "district": details.district, "ddo_code": details.ddo_code, "gstin": details.gstin,
        "billing_address": details.billing_address, "created_at": account.created_at.isoformat(),
    }
    if position is not None:
        view |= {"unbilled": money(position.unbilled), "receivable": money(position.receivable)}
    return view


def officer_view(officer: Officer) -> dict[str, Any]:
    return {"user_id": officer.user_id, "username": officer.username, "display_name": officer.display_name,
            "role": officer.role, "account_id": officer.account_id}


def _decision(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {"name": decision.name, "at": decision.at.isoformat(), "note": decision.note}


def work_order_view(order: WorkOrder) -> dict[str, Any]:
    site = order.site
    return {
        "number": order.number, "account_id": order.account_id, "status": order.status.value,
        "service": {"item_id": order.service.item_id, "name_en": order.service.name_en,
                    "name_hi": order.service.name_hi, "visit_total": money(order.service.visit_total)},
        "workers": order.workers, "days": [day.isoformat() for day in order.days],
        "start": order.start.strftime("%H:%M"), "visit_count": order.visit_count, "estimate": money(order.estimate),
        "site": {"address": site.address, "pincode": site.pincode, "lat": site.lat, "lng": site.lng,
                 "contact_name": site.contact_name, "contact_phone": site.contact_phone},
        "purpose": order.purpose, "requested": _decision(order.requested), "approval": _decision(order.approval),
        "closing": _decision(order.closing), "booked_at": order.booked_at.isoformat() if order.booked_at else None,
    }


def booked_view(booked: Booked, worker_names: Mapping[str, str]) -> dict[str, Any]:
    """A work order with each visit: its order, how far it got, and who did it."""
    visits = [
        {"order_id": order.id, "day": visit.day.isoformat(), "place": visit.place, "status": order.status.value,
         "fulfillment_state": order.fulfillment_state.value,
         "slot_start": order.slot.start.isoformat() if order.slot else None, "worker_id": order.worker_id,
         "worker_name": worker_names.get(order.worker_id or "", None), "invoice_no": visit.invoice_no}
        for visit, order in booked.visits
    ]
    done = sum(1 for visit in visits if visit["status"] == "Completed")
    return work_order_view(booked.work_order) | {"visits": visits, "completed": done}


def invoice_view(invoice: Row, url: str, payments: Sequence[Row] = ()) -> dict[str, Any]:
    figures = invoice["figures"]
    return {
        "number": invoice["number"], "account_id": invoice["account_id"], "month": invoice["month"],
        "issued_at": invoice["issued_at"].isoformat(), "recipient": invoice["recipient"],
        "visits": invoice["visits"], "taxable": figures["taxable"], "cgst": figures["cgst"], "sgst": figures["sgst"],
        "igst": figures["igst"], "total": money(invoice["total"]), "paid": money(invoice["paid"]),
        "outstanding": money(invoice["total"] - invoice["paid"]), "lines": figures["lines"], "print_url": url,
        "payments": [{"reference": row["reference"], "amount": money(row["amount"]), "paid_on": row["paid_on"],
                      "recorded_at": row["recorded_at"].isoformat()} for row in payments],
    }
