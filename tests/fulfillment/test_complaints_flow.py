"""Complaint desk on a real database: filing answers at once; upheld overcharging suspends, then bans."""

from __future__ import annotations

from decimal import Decimal
from types import ModuleType

from bpp.wiring.services import Services
from bpp.workforce import repo as worker_repo
from fulfillment.complaints import ActionTriggered, Resolution, Sanction


async def file_overcharging(services: Services, fx: ModuleType, order_id: str, worker_id: str) -> str:
    async with services.db.begin() as conn:
        complaint = await services.complaints.desk(conn).file(
            {
                "bap_id": None, "bap_uri": None, "transaction_id": "T-" + order_id, "domain": "ONDC:SRV11",
                "city": "std:0522", "order_id": order_id, "channel": "ondc:buyer.test", "worker_id": worker_id,
                "igm_category": "ORDER", "igm_sub_category": "SM-OVERCHARGE", "kind": "overcharging", "complainant": {},
                "description": {"short_desc": "Asked ₹500 instead of ₹299"}, "filed_by": "staff:helpline",
            },
            actor="staff:helpline",
        )
    assert complaint["status"] == "PROCESSING"
    return complaint["id"]


async def resolve_upheld(services: Services, complaint_id: str) -> Sanction:
    async with services.db.begin() as conn:
        desk = services.complaints.desk(conn)
        complaint = await desk.repo.get(complaint_id)
        assert complaint is not None
        decision = Resolution(True, "Extra ₹201 refunded", ActionTriggered.REFUND, refund_amount=Decimal("201"))
        resolved, sanction = await desk.resolve(complaint, decision, "staff:officer")
    assert resolved["status"] == "RESOLVED" and resolved["upheld"] is True
    return sanction


async def test_upheld_overcharging_suspends_then_bans(services: Services, fx: ModuleType) -> None:
    worker_id = await fx.add_worker(services, "W-over", *fx.HAZRATGANJ)
    first = await file_overcharging(services, fx, await fx.add_order(services, *fx.HAZRATGANJ), worker_id)
    assert await resolve_upheld(services, first) is Sanction.SUSPEND
    async with services.db.connect() as conn:
        assert (await worker_repo.get_worker(conn, worker_id))["standing"] == "suspended"
    second = await file_overcharging(services, fx, await fx.add_order(services, *fx.HAZRATGANJ), worker_id)
    assert await resolve_upheld(services, second) is Sanction.BAN
    async with services.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
        trail = await worker_repo.audit_trail(conn, worker_id)
    assert worker["standing"] == "banned"
    assert [row["action"] for row in trail][-2:] == ["suspend", "ban"]
