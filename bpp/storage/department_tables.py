"""Government departments (B2G): their accounts and officers, work orders and their visits, monthly invoices and the
treasury's payments of them (fulfillment/departments.py, fulfillment/work_orders.py)."""

from sqlalchemy import JSON, Column, Index, Integer, String, Table, UniqueConstraint

from bpp.storage.metadata import metadata
from bpp.storage.types import ID, Money, UTCDateTime

department_accounts = Table(
    "department_accounts",
    metadata,
    Column("id", String(32), primary_key=True),  # the account id of its channel, department:<id>
    Column("department", String(128), nullable=False),
    Column("office", String(128), nullable=False),
    Column("district", String(16), nullable=False),  # the Seva Mitra district serving it, e.g. std:0522
    Column("ddo_code", String(20), nullable=False),
    Column("gstin", String(15), nullable=False),
    Column("billing_address", String(500), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(128), nullable=False),  # staff:<id>
)

# A requesting or approving officer (a staff login of role department_requester or department_approver) and the one
# department account she acts for.
department_officers = Table(
    "department_officers",
    metadata,
    Column("user_id", ID, primary_key=True),  # staff_users.id
    Column("account_id", String(32), nullable=False),
    Index("ix_department_officers_account", "account_id"),
)

work_orders = Table(
    "work_orders",
    metadata,
    Column("number", String(16), primary_key=True),  # WO-XXXXXXXXXX
    Column("account_id", String(32), nullable=False),
    Column("service", JSON, nullable=False),  # the item asked for: ids, version, names, one visit's total
    Column("workers", Integer, nullable=False),
    Column("days", JSON, nullable=False),  # ISO dates
    Column("start_time", String(5), nullable=False),  # HH:MM, India time
    Column("site", JSON, nullable=False),  # address, pincode, lat, lng, contact_name, contact_phone
    Column("purpose", String(500), nullable=False),
    Column("status", String(24), nullable=False),  # fulfillment.work_orders.WorkOrderStatus
    Column("requested", JSON, nullable=False),  # {by, name, at, note}: who asked
    Column("approval", JSON),  # who approved
    Column("closing", JSON),  # who rejected or withdrew it, and why
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("booked_at", UTCDateTime()),
    Column("version", Integer, nullable=False),  # optimistic lock: a change saves only over the version it read
    Index("ix_work_orders_account", "account_id", "requested_at"),
)

# The orders a booked work order made: one per worker (`place`) and day.
work_order_visits = Table(
    "work_order_visits",
    metadata,
    Column("order_id", ID, primary_key=True),
    Column("work_order", String(16), nullable=False),
    Column("account_id", String(32), nullable=False),
    Column("day", String(10), nullable=False),  # ISO date
    Column("place", Integer, nullable=False),
    Column("invoice_no", String(16)),  # the monthly invoice that billed it, once one did
    UniqueConstraint("work_order", "day", "place", name="uq_work_order_visits_place"),
    Index("ix_work_order_visits_billing", "account_id", "invoice_no"),
)

department_invoices = Table(
    "department_invoices",
    metadata,
    Column("number", String(16), primary_key=True),  # DI/2026-27/00001
    Column("account_id", String(32), nullable=False),
    Column("month", String(7), nullable=False),  # YYYY-MM, India time
    Column("financial_year", String(7), nullable=False),
    Column("serial", Integer, nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("issued_by", String(128), nullable=False),
    Column("recipient", JSON, nullable=False),  # the account's details as invoiced
    Column("figures", JSON, nullable=False),  # lines and GST as issued (strings: exact)
    Column("visits", Integer, nullable=False),
    Column("total", Money(), nullable=False),
    Column("paid", Money(), nullable=False),  # the sum of its payments
    UniqueConstraint("account_id", "month", name="uq_department_invoices_month"),
    UniqueConstraint("financial_year", "serial", name="uq_department_invoices_serial"),
)

department_payments = Table(
    "department_payments",
    metadata,
    Column("invoice_no", String(16), primary_key=True),
    Column("reference", String(64), primary_key=True),  # the treasury's e-challan, UTR or cheque number
    Column("amount", Money(), nullable=False),
    Column("paid_on", String(10), nullable=False),  # ISO date the treasury paid
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(128), nullable=False),
)
