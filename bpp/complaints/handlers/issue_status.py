"""issue_status → on_issue_status (ONDC IGM 1.0.0): the complaint's respondent actions and resolution."""

from __future__ import annotations

from bpp.complaints.deps import ComplaintDeps
from bpp.complaints.handlers.issue import igm_address
from bpp.network.protocol import InboundRequest
from schemas.errors import BUSINESS_ERROR
from schemas.igm import IssueStatusRequest


async def handle(deps: ComplaintDeps, request: InboundRequest[IssueStatusRequest]) -> None:
    issue_id = request.model.message.issue_id
    async with deps.unit_of_work() as uow:
        desk = deps.office.desk(uow.conn)
        complaint = await desk.repo.by_issue(request.bap_id, issue_id)
        if complaint is None:
            error = BUSINESS_ERROR.as_error(
                f"issue {issue_id!r} not found for {request.bap_id}; raise it with /issue first"
            )
            await desk.enqueue(igm_address(request), "on_issue_status", request.message_id, None, error)
        else:
            message = await desk.status_message(complaint)
            await desk.enqueue(complaint, "on_issue_status", request.message_id, message)
        await uow.commit()
