"""What a district office does to an order that went wrong: give it to another worker, cancel it for the provider,
move its visit, refund its cancellation fee.

Each action is one unit of work: the order changes only through its aggregate's methods (which record the officer
and her reason in the order's events: the audit), `OrderRepo.save` checks nobody changed it meanwhile, the other
areas follow in the same transaction, and the buyer app of an ONDC order gets an unsolicited callback with the order
as it now is from the outbox. A district officer acts only on her district's orders, an admin on every district's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from bpp.assisted.notices import CitizenSms
from bpp.catalogue.repo import CatalogRepo
from bpp.money.service import LedgerService
from bpp.network.protocol import OrderAddress
from bpp.orders.reschedule import check_worker_free
from bpp.orders.unit_of_work import UnitOfWork
from bpp.orders.view import order_message
from bpp.platform.auth import Principal
from bpp.workforce.handover import hand_over, position_if_free
from bpp.workforce.workforce import Workforce
from fulfillment.order import Order
from fulfillment.reschedule import Slot, check_new_slot
from schemas.errors import INVALID_ORDER_STATE
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

NO_FEE = Decimal("0.00")


class OrderDesk:
    """The staff actions on one order, each audited and reported to its buyer app."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        workforce: Workforce,
        ledger: LedgerService,
        notices: CitizenSms,
        clock: Callable[[], datetime],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._workforce = workforce
        self._ledger = ledger
        self._notices = notices  # the SMS of an order no buyer app follows
        self._clock = clock

    async def reassign(self, officer: Principal, order_id: str, worker_id: str, reason: str) -> Order:
        """Give the order to `worker_id` (verified, of its district and skill, free then); the buyer app is sent
        the new worker in an on_status."""
        async with self._unit_of_work() as uow:
            order = await _managed_order(uow, officer, order_id)
            now = self._clock()
            gps = await position_if_free(uow.conn, order, worker_id, now)
            previous = order.reassign_worker(worker_id, gps=gps, at=now, actor=_actor(officer), reason=reason)
            await uow.orders.save(order)
            freed = await hand_over(uow.conn, order, previous, now)
            await _tell_buyer_app(uow, order, "on_status")
            for moved in sorted(freed | {worker_id}):  # the geo sets follow who is free now
                uow.after_commit(partial(self._workforce.presence.refresh_worker, moved))
            uow.after_commit(self._workforce.matching.wake)  # a freed worker may be offered another order
            await uow.commit()
        return order

    async def cancel(self, officer: Principal, order_id: str, reason_id: str, reason: str) -> Order:
        """Cancel for the provider with one of its cancellation codes: free for the customer (a prepaid order is
        refunded in full), its worker and offers freed, on_cancel to the buyer app."""
        async with self._unit_of_work() as uow:
            order = await _managed_order(uow, officer, order_id)
            order.cancel_by_provider(reason_id, at=self._clock(), actor=_actor(officer), reason=reason)
            await uow.orders.save(order)
            await self._workforce.offers.order_cancelled(uow.conn, order)
            await self._ledger.order_cancelled(uow.conn, order, NO_FEE)
            if not await _tell_buyer_app(uow, order, "on_cancel"):
                await self._notices.cancelled(uow.conn, order)
                uow.after_commit(self._notices.wake)
            uow.after_commit(self._workforce.matching.wake)
            await uow.commit()
        return order

    async def reschedule(self, officer: Principal, order_id: str, start: datetime, reason: str) -> Order:
        """Move the visit to the window starting at `start` (the service's slot length), in its opening hours and
        its worker's calendar, before anyone has set off; free for the customer, whatever the buyer's reschedule
        terms say (they bind the buyer). The buyer app is sent the new slot in an on_update."""
        now = self._clock()
        async with self._unit_of_work() as uow:
            order = await _managed_order(uow, officer, order_id)
            item = await CatalogRepo(uow.conn).item(order.service.item_id)  # as stored, published or not
            if order.slot is None or item is None:
                raise Refusal(INVALID_ORDER_STATE.code, "This order has no booked slot to move.",
                              message_hi="इस ऑर्डर का कोई बुक किया गया समय नहीं है जिसे बदला जाए।")
            wanted = Slot(start, start + timedelta(minutes=item.availability.slot_minutes))
            check_new_slot(order.slot, wanted, now=now, availability=item.availability,
                           duration_minutes=item.duration_minutes)
            await check_worker_free(uow.conn, order, wanted, self._workforce.offers)
            order.reschedule(wanted, NO_FEE, at=now, actor=_actor(officer), reason=reason)
            await uow.orders.save(order)
            await self._workforce.offers.order_rescheduled(uow.conn, order)
            if not await _tell_buyer_app(uow, order, "on_update"):
                await self._notices.rescheduled(uow.conn, order)
                uow.after_commit(self._notices.wake)
            await uow.commit()
        return order

    async def refund_fee(self, officer: Principal, order_id: str, reason: str) -> Order:
        """Give back the fee the order's cancellation charged, through the ledger (once); the buyer app is sent the
        order with nothing due in an on_status."""
        async with self._unit_of_work() as uow:
            order = await _managed_order(uow, officer, order_id)
            fee = order.refund_cancellation_fee(at=self._clock(), actor=_actor(officer), reason=reason)
            await uow.orders.save(order)
            await self._ledger.cancellation_fee_refunded(uow.conn, order, fee)
            await _tell_buyer_app(uow, order, "on_status")
            await uow.commit()
        return order


def _actor(officer: Principal) -> str:
    return f"staff:{officer.id}"


async def _managed_order(uow: UnitOfWork, officer: Principal, order_id: str) -> Order:
    """The order, read for a change, if the officer may change it."""
    order = await uow.orders.get(order_id)
    if order is None:
        raise Refusal(NOT_FOUND, "No order has this id. Search the list again.",
                      message_hi="इस आईडी का कोई ऑर्डर नहीं है। सूची में फिर से खोजें।")
    check_district(officer, order)
    return order


def check_district(officer: Principal, order: Order) -> None:
    """A district officer sees and changes only her district's orders; an admin every district's."""
    if not officer.can_manage_district(order.channel.city):
        raise Refusal(NOT_ALLOWED, "This order belongs to another district. Ask that district's officer or an admin.",
                      message_hi="यह ऑर्डर दूसरे ज़िले का है। उस ज़िले के अधिकारी या व्यवस्थापक से कहें।")


async def _tell_buyer_app(uow: UnitOfWork, order: Order, action: str) -> bool:
    """Queue the unsolicited callback that shows the order as it now is to its buyer app; False when it has none
    (an order of an assisted channel, whose citizen hears of it by SMS)."""
    address = OrderAddress.of_order(order)
    if address is None:
        return False
    await uow.outbox.unsolicited(address, action, {"order": await order_message(uow.conn, order)})
    return True
