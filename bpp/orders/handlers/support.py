"""support → on_support: the Seva Mitra helpline and e-mail, with the order (or reference) it is about."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpp.network.protocol import InboundRequest

if TYPE_CHECKING:
    from bpp.wiring.services import Services


async def handle(services: Services, request: InboundRequest) -> None:
    settings = services.settings
    support = {
        "ref_id": request.model.message.reference,
        "phone": settings.helpline_phone,
        "email": settings.support_email,
    }
    async with services.db.begin() as conn:
        await services.outbox.reply(conn, request, message={"support": support})
