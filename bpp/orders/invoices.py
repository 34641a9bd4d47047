"""Invoices of completed orders: a bilingual HTML page behind an unguessable link sent in on_status."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from html import escape
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from bpp.orders.repo import OrderRepo
from bpp.platform.keys import KeyMaterial
from bpp.platform.settings import Settings
from schemas.enums import OrderStatus

router = APIRouter(tags=["invoices"])


def invoice_token(keys: KeyMaterial, order_id: str) -> str:
    """An HMAC of the order id under a key derived from our signing key: stable across restarts, not guessable."""
    secret = hashlib.sha256(b"sevamitra-invoice:" + keys.signing_private_key.encode()).digest()
    return hmac.new(secret, order_id.encode(), hashlib.sha256).hexdigest()[:32]


def invoice_url(settings: Settings, keys: KeyMaterial, order_id: str) -> str:
    """The link a buyer app gets in the completion on_status."""
    return f"{settings.public_origin}/invoices/{order_id}?t={invoice_token(keys, order_id)}"


def _rows(quote: Mapping[str, Any]) -> str:
    lines = []
    for line in quote.get("breakup") or []:
        lines.append(f"<tr><td>{escape(str(line.get('title', '')))}</td>"
                     f"<td class=amount>₹ {escape(str((line.get('price') or {}).get('value', '')))}</td></tr>")
    return "\n".join(lines)


@router.get("/invoices/{order_id}", response_class=HTMLResponse)
async def invoice(order_id: str, t: str, request: Request) -> HTMLResponse:
    """The invoice of a completed order, in Hindi and English."""
    state = request.app.state
    if not hmac.compare_digest(t, invoice_token(state.keys, order_id)):
        raise HTTPException(403, "this invoice link is not valid / यह चालान लिंक मान्य नहीं है")
    async with state.db.connect() as conn:
        order = await OrderRepo(conn).get(order_id)
    if order is None or order.status is not OrderStatus.COMPLETED:
        raise HTTPException(404, "no invoice: the order is not completed / चालान नहीं: ऑर्डर पूरा नहीं हुआ")
    settings: Settings = state.settings
    issuer = escape(settings.legal_entity_name or "Seva Mitra, Uttar Pradesh")
    gst = escape(settings.gst_no or "—")
    page = f"""<!doctype html>
<html lang="hi"><head><meta charset="utf-8"><title>चालान / Invoice {escape(order_id)}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto}}td{{padding:.3em 1em}}
.amount{{text-align:right}}tfoot td{{font-weight:bold;border-top:1px solid #333}}</style></head>
<body><h1>कर चालान / Tax invoice</h1>
<p>{issuer}<br>GSTIN: {gst}</p>
<p>ऑर्डर / Order: {escape(order.buyer_order_id)}<br>
सेवा मित्र संदर्भ / Seva Mitra reference: {escape(order_id)}<br>दिनांक / Date: {order.progress.updated_at:%d-%m-%Y}<br>
ग्राहक / Customer: {escape(str(order.details.billing.get("name", "")))}</p>
<table><thead><tr><th>विवरण / Description</th><th>राशि / Amount</th></tr></thead>
<tbody>{_rows(order.quote.snapshot)}</tbody>
<tfoot><tr><td>कुल / Total</td><td class=amount>₹ {order.quote.total}</td></tr></tfoot></table>
<p>शिकायत या सहायता / Complaints and help: {escape(settings.helpline_phone)}</p>
</body></html>"""
    return HTMLResponse(page)
