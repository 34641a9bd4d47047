"""The SMS a citizen gets about an order no buyer app follows (an assisted channel's): booked, the worker and the
start OTP, cancelled, moved, a complaint registered. Each is queued in the transaction of the change it reports
(`bpp/notify`), named by that change, so it goes out once and only if the change commits."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.notify import Language, SmsNotifier, SmsTemplate
from catalog.schedule import IST
from fulfillment.order import Order

LANGUAGE_KEY = "language"  # in an assisted order's `customer`: the language of her SMS


def sms_language(order: Order) -> Language:
    return "en" if order.details.customer.get(LANGUAGE_KEY) == "en" else "hi"


def slot_text(order: Order) -> str:
    """The booked window as an SMS shows it, in India's time: "12 Dec 10:00-11:00"."""
    if order.slot is None:
        return "-"
    start, end = order.slot.start.astimezone(IST), order.slot.end.astimezone(IST)
    return f"{start:%d %b %H:%M}-{end:%H:%M}"


class CitizenSms:
    """Queues the SMS of an assisted order's citizen in the caller's transaction; `wake` after the commit."""

    def __init__(self, sms: SmsNotifier) -> None:
        self._sms = sms

    def wake(self) -> None:
        self._sms.wake()

    async def booked(self, conn: AsyncConnection, order: Order) -> None:
        await self._queue(conn, order, SmsTemplate.ORDER_BOOKED, {"order_number": order.id, "fee": order.quote.total},
                          f"order_booked:{order.id}")

    async def worker_coming(self, conn: AsyncConnection, order: Order, worker_name: str, otp: str) -> None:
        """The worker's name and the start OTP just issued (each new OTP is its own SMS: the order's version
        names the change that issued it)."""
        await self._queue(conn, order, SmsTemplate.WORKER_ASSIGNED,
                          {"order_number": order.id, "worker_name": worker_name, "otp": otp},
                          f"worker_assigned:{order.id}:{order.version}")

    async def cancelled(self, conn: AsyncConnection, order: Order) -> None:
        await self._queue(conn, order, SmsTemplate.ORDER_CANCELLED, {"order_number": order.id},
                          f"order_cancelled:{order.id}")

    async def rescheduled(self, conn: AsyncConnection, order: Order) -> None:
        await self._queue(conn, order, SmsTemplate.ORDER_RESCHEDULED,
                          {"order_number": order.id, "slot": slot_text(order)},
                          f"order_rescheduled:{order.id}:{order.version}")

    async def complaint_registered(
        self, conn: AsyncConnection, phone: str, complaint_id: str, language: Language
    ) -> None:
        await self._sms.queue(conn, phone, SmsTemplate.COMPLAINT_REGISTERED, {"complaint_number": complaint_id},
                              key=f"complaint_registered:{complaint_id}", language=language)

    async def _queue(
        self, conn: AsyncConnection, order: Order, template: SmsTemplate, values: dict[str, object], key: str
    ) -> None:
        phone = str(order.details.customer.get("phone") or "")
        await self._sms.queue(conn, phone, template, values, key=key, language=sms_language(order))
