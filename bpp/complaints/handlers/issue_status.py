"""issue_status → on_issue_status (ONDC IGM 1.0.0): the complaint's respondent actions and resolution."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpp.complaints.desk import ComplaintDesk
from bpp.complaints.handlers.issue import igm_address
from bpp.network.protocol import InboundRequest
from schemas.errors import BUSINESS_ERROR

if TYPE_CHECKING:
    from bpp.wiring.services import Services


async def handle(services: Services, request: InboundRequest) -> None:
    issue_id = str(request.message["issue_id"])
    async with services.db.begin() as conn:
        desk = ComplaintDesk(services, conn)
        complaint = await desk.repo.by_issue(request.bap_id, issue_id)
        if complaint is None:
            error = BUSINESS_ERROR.as_error(
                f"issue {issue_id!r} not found for {request.bap_id}; raise it with /issue first"
            )
            await desk.enqueue(igm_address(request), "on_issue_status", request.message_id, None, error)
            return
        await desk.enqueue(complaint, "on_issue_status", request.message_id, await desk.status_message(complaint))
