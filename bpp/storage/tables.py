"""Every table, imported once so `metadata` is complete for migrations and tests."""

from bpp.storage import (
    agency_tables,
    auth_tables,
    catalog_tables,
    complaint_tables,
    department_tables,
    engagement_tables,
    gateway_tables,
    kiosk_tables,
    ledger_tables,
    notify_tables,
    order_tables,
    push_tables,
    signup_tables,
    worker_sms_tables,
    worker_tables,
)
from bpp.storage.metadata import metadata

__all__ = [
    "agency_tables",
    "auth_tables",
    "catalog_tables",
    "complaint_tables",
    "department_tables",
    "engagement_tables",
    "gateway_tables",
    "kiosk_tables",
    "ledger_tables",
    "metadata",
    "notify_tables",
    "order_tables",
    "push_tables",
    "signup_tables",
    "worker_sms_tables",
    "worker_tables",
]
