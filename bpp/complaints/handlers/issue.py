"""issue → on_issue (ONDC IGM 1.0.0): file the buyer's complaint and acknowledge it at once (PROCESSING).

A repeat of a known issue id carries the complainant's next step: CLOSE closes the complaint,
ESCALATE turns it into a grievance. Either way the answer is on_issue with every respondent action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bpp.complaints.desk import ComplaintDesk
from bpp.network.protocol import InboundRequest
from bpp.storage.order_tables import orders
from fulfillment.complaints import IGM_CATEGORIES, classify, on_issue_message
from schemas.errors import INVALID_REQUEST, ORDER_NOT_FOUND, ErrorCode

if TYPE_CHECKING:
    from bpp.wiring.services import Services


def igm_address(request: InboundRequest) -> dict[str, str]:
    """Where the IGM callbacks of this request go; the validated context has IGM 1.0's flat city folded in."""
    context = request.model.context
    return {
        "domain": context.domain,
        "city": context.location.city.code,
        "bap_id": request.bap_id,
        "bap_uri": request.bap_uri,
        "transaction_id": request.transaction_id,
    }


def complainant_step(issue: Mapping[str, Any]) -> str | None:
    """The complainant's latest action (OPEN, ESCALATE, CLOSE), CLOSE also when the status says so."""
    if issue.get("status") == "CLOSED":
        return "CLOSE"
    steps = ((issue.get("issue_actions") or {}).get("complainant_actions")) or []
    return str(steps[-1].get("complainant_action")) if steps else None


async def handle(services: Services, request: InboundRequest) -> None:
    issue = request.message["issue"]
    async with services.db.begin() as conn:
        desk = ComplaintDesk(services, conn)
        address = igm_address(request)
        complaint = await desk.repo.by_issue(request.bap_id, str(issue["id"]))
        if complaint is None:
            category = str(issue.get("category", "")).upper()
            if category not in IGM_CATEGORIES:
                known = ", ".join(sorted(IGM_CATEGORIES))
                await _refuse(
                    desk,
                    address,
                    request,
                    INVALID_REQUEST,
                    f"category {category!r} is not an IGM category; use one of {known}",
                )
                return
            order_id = str(issue["order_details"]["id"])  # the buyer app's order id, as in its confirm
            query = select(orders).where(orders.c.bap_id == request.bap_id, orders.c.buyer_order_id == order_id)
            order = (await conn.execute(query)).mappings().first()
            if order is None:
                await _refuse(
                    desk,
                    address,
                    request,
                    ORDER_NOT_FOUND,
                    f"order {order_id!r} not found for {request.bap_id}; check order_details.id",
                )
                return
            complaint = await desk.file(
                {
                    **address,
                    "city": order["city"],
                    "issue_id": str(issue["id"]),
                    "order_id": order["id"],  # staff see our reference
                    "worker_id": order["worker_id"],
                    "igm_category": category,
                    "igm_sub_category": issue.get("sub_category"),
                    "kind": classify(category, issue.get("sub_category")).value,
                    "issue_type": issue.get("issue_type") or "ISSUE",
                    "complainant": issue.get("complainant_info") or {},
                    "description": issue.get("description") or {},
                    "filed_by": request.bap_id,
                },
                actor=request.bap_id,
            )
        else:
            step = complainant_step(issue)
            if step == "CLOSE" and complaint["status"] != "CLOSED":
                complaint = await desk.close(complaint, "closed by the complainant", request.bap_id)
            elif step == "ESCALATE" and complaint["issue_type"] != "GRIEVANCE":
                await desk.repo.add_action(
                    complaint["id"], "complainant", "ESCALATE", "escalated", request.bap_id, services.clock()
                )
                complaint = await desk.repo.change(complaint, issue_type="GRIEVANCE", updated_at=services.clock())
        actions = await desk.repo.respondent_actions(complaint["id"])
        message = on_issue_message(
            complaint["issue_id"], complaint["created_at"], actions, desk.respondent(complaint["domain"])
        )
        await desk.enqueue(complaint, "on_issue", request.message_id, message)


async def _refuse(
    desk: ComplaintDesk, address: Mapping[str, Any], request: InboundRequest, code: ErrorCode, text: str
) -> None:
    """Answer on_issue with an error and nothing filed."""
    await desk.enqueue(address, "on_issue", request.message_id, None, code.as_error(text))
