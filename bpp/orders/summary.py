"""An order as staff pages list it (the helpline desk, the orders list): what, where, when, for how much, and how
far it got, in plain JSON."""

from __future__ import annotations

from typing import Any

from catalog.formats import money
from catalog.snapshot import CatalogSnapshot
from catalog.taxonomy import CATEGORIES
from fulfillment.order import Order
from fulfillment.states import FINAL_STATES


def order_summary(order: Order, snapshot: CatalogSnapshot) -> dict[str, Any]:
    """`snapshot` names the item (its category's names when the item is no longer published)."""
    item = snapshot.items.get(order.service.item_id)
    category = CATEGORIES.get(order.service.category_id)
    names = (item.name_hi, item.name_en) if item else (
        (category.name_hi or category.name_en, category.name_en) if category else (order.service.item_id,) * 2)
    slot = order.slot
    cash_due = order.cash_due
    return {
        "id": order.id,
        "channel": order.channel.name,
        "city": order.channel.city,
        "created_at": order.created_at.isoformat(),
        "status": order.status.value,
        "fulfillment_state": order.fulfillment_state.value,
        "item": {"id": order.service.item_id, "name_hi": names[0], "name_en": names[1]},
        "slot": {"start": slot.start.isoformat(), "end": slot.end.isoformat()} if slot else None,
        "total": money(order.quote.total),
        "cash_due": money(cash_due) if cash_due is not None else None,
        "customer_name": str(order.details.customer.get("name") or ""),
        "address": str(order.details.end_location.get("address") or ""),
        "pincode": str(order.details.end_location.get("area_code") or ""),
        "worker_id": order.worker_id,
        # the desk changes only orders no buyer app follows, and only until they end
        "changeable": order.channel.buyer_app is None and order.fulfillment_state not in FINAL_STATES,
    }
