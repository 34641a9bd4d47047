"""issue → on_issue (ONDC IGM 1.0.0): file the buyer's complaint and acknowledge it at once (PROCESSING).

A repeat of a known issue id carries the complainant's next step: CLOSE closes the complaint,
ESCALATE turns it into a grievance. Either way the answer is on_issue with every respondent action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bpp.complaints.deps import ComplaintDeps
from bpp.complaints.desk import ComplaintDesk
from bpp.network.protocol import InboundRequest
from fulfillment.complaints import IGM_CATEGORIES, classify, on_issue_message
from schemas.errors import INVALID_REQUEST, ORDER_NOT_FOUND, ErrorCode
from schemas.igm import IssueRequest, IssueStatusRequest


def igm_address(request: InboundRequest[IssueRequest] | InboundRequest[IssueStatusRequest]) -> dict[str, str]:
    """Where the IGM callbacks of this request go; the validated context has IGM 1.0's flat city folded in."""
    context = request.model.context
    return {
        "domain": context.domain,
        "city": context.location.city.code,
        "bap_id": request.bap_id,
        "bap_uri": request.bap_uri,
        "transaction_id": request.transaction_id,
    }


def complainant_step(status: str, issue_actions: Mapping[str, Any] | None) -> str | None:
    """The complainant's latest action (OPEN, ESCALATE, CLOSE), CLOSE also when the status says so."""
    if status == "CLOSED":
        return "CLOSE"
    steps = ((issue_actions or {}).get("complainant_actions")) or []
    return str(steps[-1].get("complainant_action")) if steps else None


async def handle(deps: ComplaintDeps, request: InboundRequest[IssueRequest]) -> None:
    issue = request.model.message.issue
    # the complainant's details, description and action trail are stored as the buyer app sent them
    sent = request.message["issue"]
    async with deps.unit_of_work() as uow:
        desk = deps.office.desk(uow.conn)
        address = igm_address(request)
        complaint = await desk.repo.by_issue(request.bap_id, issue.id)
        if complaint is None:
            category = issue.category.upper()
            if category not in IGM_CATEGORIES:
                known = ", ".join(sorted(IGM_CATEGORIES))
                await _refuse(
                    desk,
                    address,
                    request,
                    INVALID_REQUEST,
                    f"category {category!r} is not an IGM category; use one of {known}",
                )
                await uow.commit()
                return
            order_id = issue.order_details.id  # the buyer app's order id, as in its confirm
            order = await uow.orders.get_by_buyer_order(request.bap_id, order_id)
            if order is None:
                await _refuse(
                    desk,
                    address,
                    request,
                    ORDER_NOT_FOUND,
                    f"order {order_id!r} not found for {request.bap_id}; check order_details.id",
                )
                await uow.commit()
                return
            complaint = await desk.file(
                {
                    **address,
                    "city": order.channel.city,
                    "issue_id": issue.id,
                    "order_id": order.id,  # staff see our reference
                    "channel": order.channel.name,
                    "worker_id": order.progress.worker_id,
                    "igm_category": category,
                    "igm_sub_category": issue.sub_category,
                    "kind": classify(category, issue.sub_category).value,
                    "issue_type": issue.issue_type or "ISSUE",
                    "complainant": sent.get("complainant_info") or {},
                    "description": sent.get("description") or {},
                    "filed_by": request.bap_id,
                },
                actor=request.bap_id,
            )
        else:
            step = complainant_step(issue.status, sent.get("issue_actions"))
            if step == "CLOSE" and complaint["status"] != "CLOSED":
                complaint = await desk.close(complaint, "closed by the complainant", request.bap_id)
            elif step == "ESCALATE" and complaint["issue_type"] != "GRIEVANCE":
                now = deps.office.clock()
                await desk.repo.add_action(complaint["id"], "complainant", "ESCALATE", "escalated", request.bap_id, now)
                complaint = await desk.repo.change(complaint, issue_type="GRIEVANCE", updated_at=deps.office.clock())
        actions = await desk.repo.respondent_actions(complaint["id"])
        message = on_issue_message(
            complaint["issue_id"], complaint["created_at"], actions, desk.respondent(complaint["domain"])
        )
        await desk.enqueue(complaint, "on_issue", request.message_id, message)
        await uow.commit()


async def _refuse(
    desk: ComplaintDesk,
    address: Mapping[str, Any],
    request: InboundRequest[IssueRequest],
    code: ErrorCode,
    text: str,
) -> None:
    """Answer on_issue with an error and nothing filed."""
    await desk.enqueue(address, "on_issue", request.message_id, None, code.as_error(text))
