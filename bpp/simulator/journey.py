"""A whole order as a buyer app plays it: search → select → init → confirm → progress → status."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from bpp.simulator.buyer import BuyerApp, Callback, SentRequest
from catalog.model import Availability
from catalog.schedule import LEAD_TIME, open_slots, parse_days
from schemas.fields import parse_iso_duration

HAZRATGANJ = "26.8467,80.9462"
# The simulated buyer app's GSTIN, sent as `billing.tax_id` (the SRV order tables require it; in ONDC it is
# the buyer app's GST number). Uttar Pradesh (09), a made-up PAN, a valid check character; the BPP echoes it.
BUYER_APP_GSTIN = "09AAHCS4821K1Z1"
# The customer books the first arrival window the item offers at least this far ahead: near enough for a demo,
# far enough that the window is still open when confirm arrives. Any window the item advertises works, so the
# journey passes at any hour of the day.
SLOT_AHEAD = timedelta(hours=2)


class JourneyFailed(Exception):
    """A step of the journey did not go as the protocol says."""


@dataclass
class Step:
    """One printed row: what we sent or waited for, and what came back."""

    name: str
    ok: bool
    detail: str
    millis: float


@dataclass
class Journey:
    """Drives one order through a BPP and records each step."""

    buyer: BuyerApp
    bpp_url: str  # e.g. http://127.0.0.1:8000/ondc
    category: str = "SRV11-*"
    end_gps: str = HAZRATGANJ
    payment_type: str = "ON-FULFILLMENT"
    callback_timeout: float = 15.0
    completion_timeout: float = 120.0
    report: Callable[[Step], None] = lambda step: None
    steps: list[Step] = field(default_factory=list)
    sent: list[SentRequest] = field(default_factory=list)
    transaction_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    order_id: str = field(default_factory=lambda: f"BAP-{uuid.uuid4().hex[:12]}")  # ours, as the buyer app
    bpp_id: str | None = None
    bpp_uri: str | None = None
    domain: str = "ONDC:SRV11"

    def _record(self, name: str, ok: bool, detail: str, started: float) -> None:
        if not ok:
            self._fail(name, detail, started)
        step = Step(name, True, detail, (time.monotonic() - started) * 1000)
        self.steps.append(step)
        self.report(step)

    def _fail(self, name: str, detail: str, started: float) -> NoReturn:
        step = Step(name, False, detail, (time.monotonic() - started) * 1000)
        self.steps.append(step)
        self.report(step)
        raise JourneyFailed(f"{name}: {detail}")

    async def _send(self, action: str, message: dict[str, Any]) -> SentRequest:
        started = time.monotonic()
        body = {"context": self.buyer.context(action, self.transaction_id, self.bpp_id, self.bpp_uri, self.domain),
                "message": message}
        sent = await self.buyer.post(f"{self.bpp_url}/{action}", body)
        self.sent.append(sent)
        self._record(f"{action} → ACK", sent.acked, f"HTTP {sent.status} {sent.answer}", started)
        return sent

    async def _reply(self, sent: SentRequest) -> Callback:
        started = time.monotonic()
        action = "on_" + sent.action
        try:
            callback = await self.buyer.wait_for(action, self.buyer.replies_to(sent), self.callback_timeout)
        except TimeoutError:
            self._fail(action, f"no callback within {self.callback_timeout:.0f} s", started)
        self._check(callback, started)
        return callback

    def _check(self, callback: Callback, started: float) -> None:
        problems = []
        if not callback.signature_ok:
            problems.append("signature does not verify")
        if callback.schema_errors:
            problems.append("schema: " + "; ".join(callback.schema_errors[:3]))
        if callback.attribute_errors:  # a buyer app may refuse a message lacking what the SRV tables require
            shown = "; ".join(callback.attribute_errors[:3])
            problems.append(f"SRV attribute table, {len(callback.attribute_errors)} missing: {shown}")
        if callback.error:
            problems.append(f"error {callback.error.get('code')}: {callback.error.get('message')}")
        detail = "; ".join(problems) or _summary(callback)
        self._record(callback.action, not problems, detail, started)

    async def search(self) -> Callback:
        message = {"intent": {
            "category": {"id": self.category},
            "fulfillment": {"type": "Home-Service", "stops": [{"type": "end", "location": {"gps": self.end_gps}}]},
            "payment": {"type": self.payment_type, "collected_by": "BPP" if self.payment_type == "ON-FULFILLMENT"
                        else "BAP"},
            "tags": [{"descriptor": {"code": "BAP_Terms"}, "list": [
                {"descriptor": {"code": "finder_fee_type"}, "value": "percent"},
                {"descriptor": {"code": "finder_fee_amount"}, "value": "3"}]}],
        }}
        sent = await self._send("search", message)
        started = time.monotonic()
        try:
            on_search = await self.buyer.wait_for("on_search", self.buyer.replies_to(sent), self.callback_timeout)
        except TimeoutError:
            self._fail("on_search", f"no catalogue within {self.callback_timeout:.0f} s", started)
        self._check(on_search, started)
        self.bpp_id = on_search.context.get("bpp_id")
        self.bpp_uri = on_search.context.get("bpp_uri")
        self.domain = on_search.context.get("domain", self.domain)
        return on_search

    async def run(self) -> dict[str, Any]:
        """Play the whole order; returns the last on_status order."""
        on_search = await self.search()
        provider, item = _first_offer(on_search)
        slot_start, slot_end = _first_slot(item, earliest=datetime.now(UTC) + SLOT_AHEAD)
        time_range = {"start": _iso(slot_start), "end": _iso(slot_end)}
        end_stop = {"type": "end", "location": {"gps": self.end_gps, "area_code": "226001"},
                    "time": {"label": "selected", "range": time_range}}
        order: dict[str, Any] = {
            "provider": {"id": provider["id"]},
            "items": [{"id": item["id"], "quantity": {"selected": {"count": 1}}}],
            "fulfillments": [{"type": "Home-Service", "stops": [end_stop]}],
            "payments": [{"type": self.payment_type}],
        }
        on_select = await self._reply(await self._send("select", {"order": order}))
        fulfillment_id = _fulfillment_id(on_select)
        customer_stop = {
            "type": "end",
            "location": {"gps": self.end_gps, "address": "12, Hazratganj, Lucknow", "city": {"name": "Lucknow"},
                         "state": {"name": "Uttar Pradesh"}, "country": {"code": "IND"}, "area_code": "226001"},
            "contact": {"phone": "9415000001", "email": "ram.prakash@example.in"},
            "person": {"name": "Ram Prakash"},
            "time": {"label": "selected", "range": time_range},
        }
        order["items"][0]["fulfillment_ids"] = [fulfillment_id]
        order["fulfillments"] = [{"id": fulfillment_id, "type": "Home-Service", "stops": [customer_stop]}]
        order["billing"] = {"name": "Ram Prakash", "address": "12, Hazratganj, Lucknow 226001",
                            "city": {"name": "Lucknow"}, "state": {"name": "Uttar Pradesh"},
                            "email": "ram.prakash@example.in", "phone": "9415000001", "tax_id": BUYER_APP_GSTIN}
        order["payments"] = [{"type": self.payment_type,
                              "collected_by": "BPP" if self.payment_type == "ON-FULFILLMENT" else "BAP"}]
        on_init = await self._reply(await self._send("init", {"order": order}))
        confirmed = _confirm_order(on_init.message["order"], self.payment_type, self.order_id)
        on_confirm = await self._reply(await self._send("confirm", {"order": confirmed}))
        self._check_order_id(on_confirm)
        last = await self._follow()
        status_reply = await self._reply(await self._send("status", {"order_id": self.order_id}))
        return status_reply.message.get("order") or last

    def _check_order_id(self, on_confirm: Callback) -> None:
        """SRV: the order id is the buyer app's; a BPP that answers with its own breaks every later /status."""
        started = time.monotonic()
        answered = on_confirm.message["order"].get("id")
        detail = (f"on_confirm keeps our order id {answered}" if answered == self.order_id
                  else f"on_confirm answered order id {answered!r}, not the {self.order_id!r} we confirmed")
        self._record("order id", answered == self.order_id, detail, started)

    async def _follow(self) -> dict[str, Any]:
        """Watch the unsolicited on_status callbacks until the order is Completed."""
        started = time.monotonic()
        seen: set[str] = set()
        deadline = time.monotonic() + self.completion_timeout
        while time.monotonic() < deadline:
            for callback in self.buyer.callbacks:
                state = _fulfillment_state(callback)
                if (callback.action not in ("on_status", "on_cancel") or state in seen
                        or callback.context.get("transaction_id") != self.transaction_id):
                    continue
                seen.add(state)
                self._check(callback, started)
                started = time.monotonic()
                if state == "Cancelled":
                    cancellation = (callback.message.get("order") or {}).get("cancellation")
                    self._fail("order", f"the BPP cancelled the order: {cancellation}", started)
                if state == "Completed":
                    return dict(callback.message["order"])
            await asyncio.sleep(0.1)
        self._fail("order completion", f"not Completed within {self.completion_timeout:.0f} s", started)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _advertised_availability(item: Mapping[str, Any]) -> tuple[Availability, int]:
    """The item's opening days, hours and arrival windows, and its duration in minutes, as on_search states them
    (`time.days`, `time.schedule.frequency`, `time.duration` and the `timing` tag's `time_from`/`time_to`)."""
    timing: Mapping[str, Any] = next(
        (tag for tag in item.get("tags") or () if (tag.get("descriptor") or {}).get("code") == "timing"), {}
    )
    hours = {entry["descriptor"]["code"]: entry["value"] for entry in timing.get("list") or ()}
    item_time = item.get("time") or {}
    schedule = item_time.get("schedule") or {}
    try:
        availability = Availability(
            days=parse_days(item_time["days"]),
            opens=datetime.strptime(hours["time_from"], "%H%M").time(),
            closes=datetime.strptime(hours["time_to"], "%H%M").time(),
            holidays=frozenset(datetime.fromisoformat(day).date() for day in schedule.get("holidays") or ()),
            slot_minutes=int(parse_iso_duration(schedule["frequency"]).total_seconds() // 60),
        )
        duration = int(parse_iso_duration(item_time["duration"]).total_seconds() // 60)
    except (KeyError, ValueError) as exc:
        raise JourneyFailed(f"on_search item {item.get('id')!r} states no usable availability ({exc})") from None
    return availability, duration


def _first_slot(item: Mapping[str, Any], earliest: datetime) -> tuple[datetime, datetime]:
    """The first arrival window the item offers from `earliest` on, read from what on_search advertised."""
    availability, duration = _advertised_availability(item)
    slots = open_slots(availability, duration, now=earliest - LEAD_TIME, count=1)
    if not slots:
        raise JourneyFailed(f"on_search item {item.get('id')!r} has no open time in the coming days")
    return slots[0]


def _first_offer(on_search: Callback) -> tuple[dict[str, Any], dict[str, Any]]:
    providers = (on_search.message.get("catalog") or {}).get("providers") or []
    for provider in providers:
        for item in provider.get("items") or []:
            return provider, item
    raise JourneyFailed("on_search offered no item")


def _fulfillment_id(on_select: Callback) -> str:
    fulfillments = (on_select.message.get("order") or {}).get("fulfillments") or [{}]
    return str(fulfillments[0].get("id") or "F1")


def _fulfillment_state(callback: Callback) -> str:
    fulfillments = (callback.message.get("order") or {}).get("fulfillments") or [{}]
    state = fulfillments[0].get("state") or {}
    return str((state.get("descriptor") or {}).get("code") or "")


def _confirm_order(on_init_order: dict[str, Any], payment_type: str, order_id: str) -> dict[str, Any]:
    """The confirm order: what on_init said, with our order id and status and, for prepaid, the payment proof."""
    order = dict(on_init_order)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    order.update(id=order_id, status="Created", created_at=now, updated_at=now)
    if payment_type == "PRE-FULFILLMENT":
        amount = order["quote"]["price"]["value"]
        order["payments"] = [
            {**payment, "status": "PAID",
             "params": {**(payment.get("params") or {}), "amount": amount, "currency": "INR",
                        "transaction_id": str(uuid.uuid4())}}
            for payment in order.get("payments") or []
        ]
    return order


def _summary(callback: Callback) -> str:
    message = callback.message
    if callback.action == "on_search":
        providers = (message.get("catalog") or {}).get("providers") or []
        items = sum(len(p.get("items") or []) for p in providers)
        return f"{len(providers)} provider(s), {items} item(s)"
    order = message.get("order") or {}
    quote = (order.get("quote") or {}).get("price") or {}
    state = _fulfillment_state(callback)
    parts = [f"order {order['id']}" if order.get("id") else "", f"status {order.get('status')}" if order.get(
        "status") else "", f"fulfillment {state}" if state else "", f"₹{quote['value']}" if quote.get("value") else ""]
    return ", ".join(p for p in parts if p) or "ok"
