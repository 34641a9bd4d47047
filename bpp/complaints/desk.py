"""The complaint desk: files IGM issues, records staff answers, applies sanctions, queues IGM callbacks.

Used by the `issue`/`issue_status` handlers and the staff complaints API, always inside the caller's
transaction so a complaint's change and the callback that reports it commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.complaints.repo import ComplaintsRepo
from bpp.network.outbox import Outbox
from bpp.platform.settings import Settings
from bpp.workforce import repo as worker_repo
from fulfillment.complaints import (
    KIND_IGM_CODES,
    ActionTriggered,
    Kind,
    Resolution,
    Respondent,
    RespondentAction,
    Sanction,
    Status,
    igm_context,
    on_issue_status_message,
    respond,
    sanction_for,
    timeline,
)
from fulfillment.order import Order
from fulfillment.workers import already_sanctioned, standing_change

ACK_TEXT = "Complaint received; Seva Mitra staff will respond within 1 hour and resolve within 1 day."


@dataclass(frozen=True, slots=True)
class CallerDetails:
    """Who complained on the phone, as far as the caller told."""

    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class ComplaintOffice:
    """What every complaint operation needs: who we are (settings), the clock, the outbox for IGM callbacks."""

    settings: Settings
    clock: Callable[[], datetime]
    outbox: Outbox

    def desk(self, conn: AsyncConnection) -> ComplaintDesk:
        """The complaint operations over `conn` (the caller's transaction)."""
        return ComplaintDesk(self, conn)


class ComplaintDesk:
    """Complaint operations over one connection."""

    def __init__(self, office: ComplaintOffice, conn: AsyncConnection) -> None:
        self.office = office
        self.conn = conn
        self.repo = ComplaintsRepo(conn)

    def respondent(self, domain: str) -> Respondent:
        settings = self.office.settings
        return Respondent(
            org_name=f"{settings.subscriber_id}::{domain}",
            person_name="Seva Mitra Grievance Officer",
            phone=settings.helpline_phone,
            email=settings.support_email,
        )

    async def file(self, values: Mapping[str, Any], actor: str) -> Mapping[str, Any]:
        """Store a new complaint (OPEN) with its deadlines and answer it at once: PROCESSING."""
        now = self.office.clock()
        deadlines = timeline(now)
        complaint_id = "C-" + uuid.uuid4().hex[:12]
        await self.repo.insert(
            {
                **values,
                "id": complaint_id,
                "issue_id": values.get("issue_id") or complaint_id,
                "status": Status.OPEN.value,
                "issue_type": values.get("issue_type") or "ISSUE",
                "created_at": now,
                "updated_at": now,
                "respond_by": deadlines.respond_by,
                "resolve_by": deadlines.resolve_by,
            }
        )
        summary = values["description"].get("short_desc") or "complaint filed"
        await self.repo.add_action(complaint_id, "complainant", "OPEN", summary, actor, now)
        complaint = await self.repo.get(complaint_id)
        assert complaint is not None
        return await self.answer(complaint, RespondentAction.PROCESSING, ACK_TEXT, "system")

    async def file_for_caller(
        self, order: Order, kind: Kind, description: Mapping[str, str | None], caller: CallerDetails, actor: str
    ) -> Mapping[str, Any]:
        """A complaint staff file about `order` for a caller of the helpline: the deadlines of an IGM issue, no buyer
        app to tell (whatever the order's channel, the caller raised it with us)."""
        category, sub_category = KIND_IGM_CODES[kind]
        complainant: dict[str, Any] = {"person": {"name": caller.name}} if caller.name else {}
        if caller.phone:
            complainant["contact"] = {"phone": caller.phone}
        return await self.file(
            {
                "bap_id": None, "bap_uri": None, "transaction_id": order.transaction_id,
                "domain": order.channel.domain, "city": order.channel.city, "order_id": order.id,
                "channel": order.channel.name, "worker_id": order.worker_id, "igm_category": category,
                "igm_sub_category": sub_category, "kind": kind.value, "complainant": complainant,
                "description": dict(description), "filed_by": actor,
            },
            actor=actor,
        )

    async def answer(
        self, complaint: Mapping[str, Any], action: RespondentAction, short_desc: str, actor: str
    ) -> Mapping[str, Any]:
        """A staff (or system) answer other than a resolution: PROCESSING or NEED-MORE-INFO."""
        now = self.office.clock()
        status = respond(complaint["status"], action)
        await self.repo.add_action(complaint["id"], "respondent", action.value, short_desc, actor, now)
        changes: dict[str, Any] = {"status": status.value, "updated_at": now}
        if complaint["responded_at"] is None and actor != "system":
            changes["responded_at"] = now
        return await self.repo.change(complaint, **changes)

    async def resolve(
        self, complaint: Mapping[str, Any], resolution: Resolution, actor: str
    ) -> tuple[Mapping[str, Any], Sanction]:
        """Decide the complaint; an upheld overcharging complaint suspends, then bans, the worker."""
        now = self.office.clock()
        status = respond(complaint["status"], RespondentAction.RESOLVED)
        sanction = Sanction.NONE
        if complaint["worker_id"]:
            earlier = await self.repo.upheld_overcharging(complaint["worker_id"], excluding=complaint["id"])
            sanction = sanction_for(complaint["kind"], resolution.upheld, earlier)
            await self._apply_sanction(complaint, sanction, actor, now)
        await self.repo.add_action(
            complaint["id"], "respondent", RespondentAction.RESOLVED.value, resolution.short_desc, actor, now
        )
        changed = await self.repo.change(
            complaint,
            status=status.value,
            updated_at=now,
            responded_at=complaint["responded_at"] or now,
            resolved_at=now,
            upheld=resolution.upheld,
            resolution=resolution_to_json(resolution),
            refund_amount=resolution.refund_amount,
            sanction=sanction.value,
        )
        return changed, sanction

    async def close(self, complaint: Mapping[str, Any], short_desc: str, actor: str) -> Mapping[str, Any]:
        """The complainant closes the issue (IGM complainant_action CLOSE)."""
        now = self.office.clock()
        await self.repo.add_action(complaint["id"], "complainant", "CLOSE", short_desc, actor, now)
        return await self.repo.change(complaint, status=Status.CLOSED.value, updated_at=now)

    async def _apply_sanction(
        self, complaint: Mapping[str, Any], sanction: Sanction, actor: str, now: datetime
    ) -> None:
        """Suspend or ban the worker with the worker area's standing rule, audited."""
        if sanction is Sanction.NONE:
            return
        worker = await worker_repo.get_worker(self.conn, complaint["worker_id"], for_update=True)
        if worker is None:
            return
        reason = f"upheld overcharging complaint {complaint['id']} (order {complaint['order_id']})"
        if already_sanctioned(worker["standing"], sanction.value):
            await worker_repo.audit(self.conn, worker["id"], now, actor, sanction.value, worker["standing"],
                                    worker["standing"], reason + "; standing already at least this severe")
            return
        after = standing_change(worker["standing"], sanction.value, reason)
        await worker_repo.update_worker(self.conn, worker["id"], now, standing=after, standing_reason=reason)
        await worker_repo.audit(self.conn, worker["id"], now, actor, sanction.value, worker["standing"], after,
                                reason)

    async def status_message(self, complaint: Mapping[str, Any]) -> dict[str, object]:
        """The on_issue_status `message` for the complaint as it is now."""
        actions = await self.repo.respondent_actions(complaint["id"])
        resolution = resolution_from_json(complaint["resolution"]) if complaint["resolution"] else None
        return on_issue_status_message(
            complaint["issue_id"], complaint["created_at"], actions, self.respondent(complaint["domain"]), resolution
        )

    async def push_status(self, complaint: Mapping[str, Any]) -> None:
        """Queue an unsolicited on_issue_status to the buyer app that raised the issue (none for helpline)."""
        if not complaint["bap_id"]:
            return
        await self.enqueue(complaint, "on_issue_status", str(uuid.uuid4()), await self.status_message(complaint))

    async def enqueue(
        self,
        address: Mapping[str, Any],
        action: str,
        message_id: str,
        message: Mapping[str, object] | None,
        error: Mapping[str, str] | None = None,
    ) -> None:
        """Store an IGM callback (IGM 1.0.0 context) to `address` (a complaint row will do), here."""
        settings = self.office.settings
        now = self.office.clock()
        base = {key: address[key] for key in ("domain", "city", "bap_id", "bap_uri", "transaction_id")}
        payload: dict[str, Any] = {
            "context": igm_context(
                base, action, message_id, bpp_id=settings.subscriber_id, bpp_uri=settings.subscriber_url, now=now
            )
        }
        if message is not None:
            payload["message"] = dict(message)
        if error is not None:
            payload["error"] = dict(error)
        deadline = now + timedelta(seconds=settings.unsolicited_callback_deadline_seconds)
        await self.office.outbox.enqueue(self.conn, payload, address["bap_uri"], deadline)


def resolution_to_json(resolution: Resolution) -> dict[str, Any]:
    return {
        "upheld": resolution.upheld,
        "short_desc": resolution.short_desc,
        "long_desc": resolution.long_desc,
        "action_triggered": resolution.action_triggered.value,
        "refund_amount": None if resolution.refund_amount is None else str(resolution.refund_amount),
    }


def resolution_from_json(data: Mapping[str, Any]) -> Resolution:
    refund = data.get("refund_amount")
    return Resolution(
        upheld=bool(data["upheld"]),
        short_desc=str(data["short_desc"]),
        action_triggered=ActionTriggered(data["action_triggered"]),
        refund_amount=None if refund is None else Decimal(str(refund)),
        long_desc=data.get("long_desc"),
    )

