"""support → on_support: the Seva Mitra helpline and e-mail, with the order (or reference) it is about."""

from __future__ import annotations

from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from schemas.beckn import SupportRequest


async def handle(deps: OrderDeps, request: InboundRequest[SupportRequest]) -> None:
    support = {
        "ref_id": request.model.message.reference,
        "phone": deps.helpline_phone,
        "email": deps.support_email,
    }
    async with deps.unit_of_work() as uow:
        await uow.outbox.reply(request, message={"support": support})
        await uow.commit()
