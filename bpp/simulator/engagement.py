"""An engagement as a buyer app books and changes it: search → select → init → confirm → status → update (pause,
resume, end with notice), every callback checked as `Journey` checks it (docs/engagements.md sections 5 and 6)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic as time_now
from typing import Any

from bpp.simulator.journey import BUYER_APP_GSTIN, Journey, JourneyFailed, _confirm_order, _iso
from catalog.schedule import IST

CUSTOMER_PLACE = {"address": "12, Hazratganj, Lucknow", "city": {"name": "Lucknow"},
                  "state": {"name": "Uttar Pradesh"}, "country": {"code": "IND"}, "area_code": "226001"}


def tag_values(tags: Any, code: str) -> dict[str, str]:
    """`{code: value}` of the tag group `code` of a callback's JSON (empty without one)."""
    for group in tags or ():
        if (group.get("descriptor") or {}).get("code") == code:
            return {entry["descriptor"]["code"]: entry.get("value") for entry in group.get("list") or ()}
    return {}


def engagement_offer(on_search: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first provider and item that on_search offers as an engagement (an `engagement` tag group)."""
    for provider in (on_search.get("catalog") or {}).get("providers") or []:
        for item in provider.get("items") or []:
            if tag_values(item.get("tags"), "engagement"):
                return provider, item
    raise JourneyFailed("on_search offered no engagement item")


def first_visit(item: Mapping[str, Any], start: date) -> datetime:
    """The first visit on `start` at the time of day the item offers."""
    clock = time.fromisoformat(tag_values(item.get("tags"), "engagement")["visit_time"])
    return datetime.combine(start, clock, IST).astimezone(UTC)


@dataclass
class EngagementJourney(Journey):
    """Books the first engagement item found for its minimum term from tomorrow, then pauses, resumes and ends it."""

    category: str = "SM-1000"

    async def run(self) -> dict[str, Any]:
        """Play the whole engagement: book it, wait for a steady worker to take it, pause, resume and end it;
        returns the last on_update order."""
        start = await self.book()
        await self.wait_until_taken()
        return await self.pause_resume_end(start)

    async def wait_until_taken(self) -> None:
        """Ask the status until the engagement is active (matching found its steady worker)."""
        started = time_now()
        deadline = started + self.completion_timeout
        while time_now() < deadline:
            sent = await self.buyer.post(f"{self.bpp_url}/status", {"context": self.buyer.context(
                "status", self.transaction_id, self.bpp_id, self.bpp_uri, self.domain),
                "message": {"order_id": self.order_id}})
            reply = await self.buyer.wait_for("on_status", self.buyer.replies_to(sent), self.callback_timeout)
            order = reply.message.get("order") or {}
            state = tag_values(((order.get("fulfillments") or [{}])[0]).get("tags"), "engagement").get("state")
            if state == "active":
                self._record("steady worker", True, "the engagement is active", started)
                return
            await asyncio.sleep(0.5)
        self._fail("steady worker", f"the engagement was not taken within {self.completion_timeout:.0f} s", started)

    async def pause_resume_end(self, start: date) -> dict[str, Any]:
        """Pause from the fourth day, resume on the sixth, end with notice (a steady worker must hold it: changes
        need an active engagement); returns the last on_update order."""
        last: dict[str, Any] = {}
        for action, day in (("pause", start + timedelta(days=3)), ("resume", start + timedelta(days=5)),
                            ("end", None)):
            last = await self.change(action, day)
        return last

    async def book(self) -> date:
        """Search, select, init and confirm the engagement and ask its status; returns its first day."""
        on_search = await self.search()
        provider, item = engagement_offer(on_search.message)
        terms = tag_values(item.get("tags"), "engagement")
        start = datetime.now(IST).date() + timedelta(days=1)
        wanted = {"label": "schedule", "days": item["time"]["days"], "duration": item["time"]["duration"],
                  "schedule": {"frequency": item["time"]["schedule"]["frequency"],
                               "times": [_iso(first_visit(item, start))]}}
        months = {"descriptor": {"code": "engagement"},
                  "list": [{"descriptor": {"code": "months"}, "value": terms["term_min_months"]}]}
        order: dict[str, Any] = {
            "provider": {"id": provider["id"]},
            "items": [{"id": item["id"]}],
            "fulfillments": [{"type": "Home-Service", "tags": [months], "stops": [
                {"type": "end", "location": {"gps": self.end_gps, "area_code": "226001"}, "time": wanted}]}],
            "payments": [{"type": self.payment_type}],
        }
        on_select = await self._reply(await self._send("select", {"order": order}))
        schedule = on_select.message["order"]["fulfillments"][0]
        stop = {**schedule["stops"][0], "location": {"gps": self.end_gps, **CUSTOMER_PLACE},
                "contact": {"phone": "9415000001", "email": "ram.prakash@example.in"},
                "person": {"name": "Ram Prakash"}}
        order["items"][0]["fulfillment_ids"] = [schedule["id"]]
        order["fulfillments"] = [{"id": schedule["id"], "type": "Home-Service", "tags": [months], "stops": [stop]}]
        order["billing"] = {"name": "Ram Prakash", "address": "12, Hazratganj, Lucknow 226001",
                            "city": {"name": "Lucknow"}, "state": {"name": "Uttar Pradesh"},
                            "email": "ram.prakash@example.in", "phone": "9415000001", "tax_id": BUYER_APP_GSTIN}
        order["payments"] = [{"type": self.payment_type,
                              "collected_by": "BPP" if self.payment_type == "ON-FULFILLMENT" else "BAP"}]
        on_init = await self._reply(await self._send("init", {"order": order}))
        on_init_order = {**on_init.message["order"], "fulfillments": [
            {**on_init.message["order"]["fulfillments"][0], "tags": [months]}]}
        confirmed = _confirm_order(on_init_order, self.payment_type, self.order_id)
        on_confirm = await self._reply(await self._send("confirm", {"order": confirmed}))
        self._check_order_id(on_confirm)
        await self._reply(await self._send("status", {"order_id": self.order_id}))
        return start

    async def change(self, action: str, day: date | None, at: str | None = None) -> dict[str, Any]:
        """Send one `engagement_update` and return the on_update order."""
        values = [("action", action)] + ([("from", day.isoformat())] if day else []) + ([("time", at)] if at else [])
        tags = [{"descriptor": {"code": "engagement_update"},
                 "list": [{"descriptor": {"code": code}, "value": value} for code, value in values]}]
        message = {"update_target": "fulfillments",
                   "order": {"id": self.order_id, "fulfillments": [{"id": "F1", "tags": tags}]}}
        on_update = await self._reply(await self._send("update", message))
        return dict(on_update.message["order"])
