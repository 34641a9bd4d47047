"""SMS mode: a worker without a smartphone gets each offer by SMS and answers it, and takes her job's steps, by SMS.

Her offer's code is the offer's number (`offers.id`): it names the offer for HAAN/NA and, once she took it, her job
for the later steps. A reply is matched to her by the sender's number (her registered phone) and goes through the
same code as the app's buttons: `Offers.accept`/`decline` and the `JobSteps` steps, each step under a step key made
from the gateway's message id, so a message taken twice takes its step once. Every message is answered by SMS in her
language (bpp/notify/templates.py, docs/worker-sms.md).

The gateway's message id is claimed before the reply is read, in its own transaction: a message delivered again is
not read again. A process that dies between the claim and the answer loses that message (the worker gets no
answer and sends it again, with a new id).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bpp.notify import Language, SmsNotifier, SmsTemplate, mask_phone
from bpp.orders.unit_of_work import UnitOfWork
from bpp.storage.db import Database, Row
from bpp.storage.worker_sms_tables import worker_sms_inbound
from bpp.storage.worker_tables import offers
from bpp.worker_sms.commands import Command, Step, read_command
from bpp.workforce import repo as worker_repo
from bpp.workforce.job_steps import JobSteps
from bpp.workforce.offers import Offers, OpenOffer
from bpp.workforce.step_receipts import StepAlreadyTaken
from catalog.taxonomy import CATEGORIES
from fulfillment.order import Order
from fulfillment.states import FulfillmentState
from schemas.refusal import Refusal

log = logging.getLogger(__name__)
WRONG_OTP = "90002"  # the Refusal code of a wrong start OTP (fulfillment.order)
UNKNOWN_SENDER = "unknown_sender"
DUPLICATE = "duplicate"


def worker_language(worker: Mapping[str, Any]) -> Language:
    """The first of her languages we write SMS in (Hindi unless English comes first)."""
    for language in worker["languages"] or ():
        if language in ("hi", "en"):
            return "hi" if language == "hi" else "en"
    return "hi"


class WorkerSms:
    """Offers to workers in SMS mode (an offer listener of the matching loop), their replies, and the mode itself."""

    def __init__(
        self,
        db: Database,
        unit_of_work: Callable[[], UnitOfWork],
        offers_: Offers,
        job_steps: JobSteps,
        sms: SmsNotifier,
        clock: Callable[[], datetime],
        *,
        offer_timeout_seconds: float,
    ) -> None:
        self._db = db
        self._unit_of_work = unit_of_work
        self._offers = offers_
        self._job_steps = job_steps
        self._sms = sms
        self._clock = clock
        self._answer_minutes = max(1, math.floor(offer_timeout_seconds / 60))
        self._sending: set[asyncio.Task[None]] = set()

    # the mode

    async def set_mode(self, worker_id: str, on: bool, actor: str) -> bool:
        """Turn SMS mode on or off (audited); False when there is no such worker."""
        now = self._clock()
        async with self._db.begin() as conn:
            worker = await worker_repo.get_worker(conn, worker_id, for_update=True)
            if worker is None:
                return False
            if worker["sms_mode"] != on:
                await worker_repo.update_worker(conn, worker_id, now, sms_mode=on)
                await worker_repo.audit(conn, worker_id, now, actor, "sms_mode", str(worker["sms_mode"]).lower(),
                                        str(on).lower(), None)
        return True

    # offers

    def offer_made(self, order_id: str, worker_id: str) -> None:
        """An offer listener of the matching loop: a worker in SMS mode gets the offer by SMS (whether or not her
        phone also takes push). Returns at once; the SMS is queued in a task."""
        task = asyncio.get_running_loop().create_task(self._send_offer(order_id, worker_id))
        self._sending.add(task)  # held until done: the loop keeps only weak references to tasks
        task.add_done_callback(self._sending.discard)

    async def stop(self) -> None:
        await asyncio.gather(*self._sending, return_exceptions=True)

    async def _send_offer(self, order_id: str, worker_id: str) -> None:
        try:
            async with self._db.connect() as conn:
                worker = await worker_repo.get_worker(conn, worker_id)
            if worker is None or not worker["sms_mode"]:
                return
            offer = next((o for o in await self._offers.open_offers(worker_id) if o.order_id == order_id), None)
            if offer is not None:
                await self.offer_sms(offer)
        except Exception:  # the offer stands; it may still reach her another way
            log.exception("the SMS of the offer of %s for worker %s was not queued", order_id, worker_id)

    async def offer_sms(self, offer: OpenOffer) -> None:
        """Send `offer` to its worker by SMS with its code, whatever her mode (also the SMS alert of an offer
        that push could not deliver); an offer is sent once however often this is called."""
        async with self._db.begin() as conn:
            worker = await worker_repo.get_worker(conn, offer.worker_id)
            if worker is None:
                return
            language = worker_language(worker)
            category = CATEGORIES.get(offer.category_id)
            service = offer.category_id if category is None else (
                category.name_hi or category.name_en if language == "hi" else category.name_en
            )
            values = {"code": offer.id, "service": service, "distance": f"{offer.distance_km:.1f}",
                      "fee": offer.total, "minutes": self._answer_minutes}
            queued = await self._sms.queue(conn, worker["phone"], SmsTemplate.JOB_OFFER, values,
                                           key=f"job_offer:{offer.id}", language=language)
        if queued:
            self._sms.wake()

    # replies

    async def reply_received(self, message_id: str, phone: str, text: str) -> str:
        """Take one SMS of a worker (`phone` ten digits): its step, and the answer queued. Returns what happened:
        the answer's template, `duplicate` for a message id seen before, `unknown_sender` for a number that is no
        worker's (logged, not answered)."""
        async with self._db.begin() as conn:
            worker = await worker_repo.get_by_phone(conn, phone)
            insert = pg_insert if self._db.is_postgres else sqlite_insert
            claimed = await conn.execute(
                insert(worker_sms_inbound).values(
                    message_id=message_id, phone=phone, worker_id=worker["id"] if worker else None,
                    outcome=UNKNOWN_SENDER if worker is None else "taking", received_at=self._clock(),
                ).on_conflict_do_nothing(index_elements=["message_id"])
            )
        if claimed.rowcount != 1:
            return DUPLICATE
        if worker is None:
            log.warning("an SMS from %s, who is no worker, was refused (message %s)", mask_phone(phone), message_id)
            return UNKNOWN_SENDER
        command = read_command(text)
        if command is None:
            template, values = SmsTemplate.JOB_HELP, {}
        else:
            template, extra = await self._take(worker, command, _step_key(message_id))
            values = {"code": command.code, **extra}
        async with self._db.begin() as conn:
            await conn.execute(update(worker_sms_inbound).where(worker_sms_inbound.c.message_id == message_id)
                               .values(outcome=template.value))
            await self._sms.queue(conn, phone, template, values, key=f"sms_reply:{message_id}",
                                  language=worker_language(worker))
        self._sms.wake()
        return template.value

    async def _take(self, worker: Row, command: Command, key: str) -> tuple[SmsTemplate, dict[str, object]]:
        """Take the command's step; the answer's template and its values besides the code."""
        worker_id: str = worker["id"]
        async with self._db.connect() as conn:
            offer = (await conn.execute(
                select(offers.c.order_id, offers.c.outcome)
                .where(offers.c.id == command.code, offers.c.worker_id == worker_id)
            )).first()
        if offer is None:
            return SmsTemplate.JOB_UNKNOWN_CODE, {}
        try:
            if command.step is Step.ACCEPT:
                order = await self._offers.accept(worker_id, command.code)
                return SmsTemplate.JOB_TAKEN, {"address": _address(order)}
            if command.step is Step.DECLINE:
                await self._offers.decline(worker_id, command.code)
                return SmsTemplate.JOB_DECLINED, {}
            if offer.outcome != "accepted":
                return SmsTemplate.JOB_NOT_NOW, {}
            return await self._job_step(worker_id, offer.order_id, command, key)
        except Refusal as refusal:
            if refusal.code == "offer_gone":
                return SmsTemplate.JOB_TOO_LATE, {}
            if refusal.code == WRONG_OTP:
                return SmsTemplate.JOB_WRONG_OTP, {}
            log.info("worker %s's SMS step %s was refused: %s", worker_id, command.step, refusal.code)
            return SmsTemplate.JOB_NOT_NOW, {}

    async def _job_step(
        self, worker_id: str, order_id: str, command: Command, key: str
    ) -> tuple[SmsTemplate, dict[str, object]]:
        steps = self._job_steps
        order = await self._order(order_id)
        try:
            if command.step is Step.ARRIVE:
                # the app has a "set off" button; by SMS, arriving covers the way there too
                if order.fulfillment_state is FulfillmentState.PENDING:
                    await steps.mark_travelling(worker_id, order_id, f"{key}-t")
                await steps.mark_arrived(worker_id, order_id, f"{key}-a")
            elif command.step is Step.START:
                assert command.otp is not None  # read_command gives a start its OTP
                await steps.start_service(worker_id, order_id, command.otp, key)
            else:
                await steps.complete(worker_id, order_id, order.cash_due, key)
        except StepAlreadyTaken:
            pass  # this message's step was taken before: answered as then
        if command.step is Step.COMPLETE:
            return SmsTemplate.JOB_DONE, {"amount": order.cash_due or Decimal("0")}
        return (SmsTemplate.JOB_ARRIVED if command.step is Step.ARRIVE else SmsTemplate.JOB_STARTED), {}

    async def _order(self, order_id: str) -> Order:
        async with self._unit_of_work() as uow:  # read only: never committed
            order = await uow.orders.get(order_id)
        if order is None:
            raise Refusal("not_your_job", "This job is not assigned to you.", message_hi="यह काम आपको नहीं सौंपा गया है।")
        return order


def _step_key(message_id: str) -> str:
    """A step key from the gateway's message id (any length, any characters): 40 hex digits, prefixed."""
    return "sms-" + hashlib.sha256(message_id.encode()).hexdigest()[:40]


def _address(order: Order) -> str:
    address = order.details.end_location.get("address")
    if isinstance(address, Mapping):  # a Beckn structured address: its first parts say enough in 30 characters
        return ", ".join(str(part) for key in ("door", "building", "street", "locality")
                         if (part := address.get(key)))
    return str(address or order.details.end_location.get("gps", ""))
