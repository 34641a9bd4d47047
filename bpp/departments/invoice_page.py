"""A department's monthly tax invoice as a page to print, in Hindi and English, behind an unguessable link."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from html import escape
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from bpp.departments.billing import DepartmentBilling
from bpp.departments.views import print_token
from bpp.platform.settings import Settings
from catalog.schedule import IST
from schemas.refusal import Refusal

router = APIRouter(tags=["departments: invoices"], include_in_schema=False)

_STYLE = """body{font-family:sans-serif;max-width:60em;margin:1.5em auto;color:#111}h1{font-size:1.4em}
table{border-collapse:collapse;width:100%;margin:.8em 0}th,td{border:1px solid #999;padding:.3em .5em;
vertical-align:top}th{background:#eee;text-align:left}.num{text-align:right;white-space:nowrap}
.parties{display:flex;gap:2em}.parties>div{flex:1}tfoot td{font-weight:bold}.small{font-size:.85em;color:#444}
@media print{body{margin:0}}"""


def _money(value: str) -> str:
    return f"₹ {escape(value)}"


def _line_rows(lines: list[Mapping[str, Any]], intra_state: bool) -> str:
    rows = []
    for index, line in enumerate(lines, start=1):
        tax_cells = (f"<td class=num>{_money(line['cgst'])}</td><td class=num>{_money(line['sgst'])}</td>"
                     if intra_state else f"<td class=num>{_money(line['igst'])}</td>")
        rows.append(
            f"<tr><td>{index}</td><td>{escape(line['title_hi'])}<br>{escape(line['title_en'])}</td>"
            f"<td class=num>{line['visits']}</td><td class=num>{_money(line['unit_price'])}</td>"
            f"<td class=num>{_money(line['taxable'])}</td><td class=num>{escape(line['tax_percent'])}%</td>"
            f"{tax_cells}<td class=num>{_money(line['total'])}</td></tr>")
    return "\n".join(rows)


def invoice_html(invoice: Mapping[str, Any], settings: Settings) -> str:
    figures, recipient = invoice["figures"], invoice["recipient"]
    intra = bool(figures["intra_state"])
    tax_heads = "<th>CGST</th><th>SGST</th>" if intra else "<th>IGST</th>"
    tax_totals = (f"<td class=num>{_money(figures['cgst'])}</td><td class=num>{_money(figures['sgst'])}</td>"
                  if intra else f"<td class=num>{_money(figures['igst'])}</td>")
    visits = "".join(
        f"<tr><td>{escape(visit['order_id'])}</td><td>{escape(visit['completed_at'][:10])}</td>"
        f"<td class=num>{_money(visit['total'])}</td></tr>" for visit in figures["visits"])
    issued = invoice["issued_at"].astimezone(IST)
    outstanding = invoice["total"] - invoice["paid"]
    paid_note = ("पूरा भुगतान प्राप्त / Paid in full" if outstanding == 0 else
                 f"बकाया / Outstanding: ₹ {outstanding}")
    return f"""<!doctype html>
<html lang="hi"><head><meta charset="utf-8"><title>कर चालान / Tax invoice {escape(invoice['number'])}</title>
<style>{_STYLE}</style></head>
<body><h1>कर चालान / Tax invoice</h1>
<p>चालान संख्या / Invoice no.: <strong>{escape(invoice['number'])}</strong> ·
दिनांक / Date: {issued:%d-%m-%Y} · अवधि / Period: {escape(invoice['month'])} ·
आपूर्ति का स्थान / Place of supply: {escape(recipient['gstin'][:2])} (state code)</p>
<div class=parties>
<div><h2>आपूर्तिकर्ता / Supplier</h2><p>{escape(settings.legal_entity_name or "Seva Mitra, Uttar Pradesh")}<br>
{escape(settings.business_address or "")}<br>GSTIN: {escape(settings.gst_no or "—")}</p></div>
<div><h2>प्राप्तकर्ता / Recipient</h2><p>{escape(recipient['department'])}<br>{escape(recipient['office'])}<br>
{escape(recipient['billing_address'])}<br>GSTIN: {escape(recipient['gstin'])} · DDO: {escape(recipient['ddo_code'])}<br>
खाता / Account: {escape(recipient['account_id'])}</p></div></div>
<table><thead><tr><th>#</th><th>सेवा / Service</th><th>विज़िट / Visits</th><th>दर / Rate</th>
<th>कर योग्य मूल्य / Taxable value</th><th>GST</th>{tax_heads}<th>कुल / Total</th></tr></thead>
<tbody>{_line_rows(figures['lines'], intra)}</tbody>
<tfoot><tr><td colspan=2>कुल / Total</td><td class=num>{invoice['visits']}</td><td></td>
<td class=num>{_money(figures['taxable'])}</td><td></td>{tax_totals}<td class=num>{_money(figures['total'])}</td></tr>
</tfoot></table>
<p><strong>{paid_note}</strong></p>
<h2>बिल की गई विज़िट / Visits billed</h2>
<table><thead><tr><th>ऑर्डर / Order</th><th>पूरी हुई / Completed</th><th>राशि / Amount</th></tr></thead>
<tbody>{visits}</tbody></table>
<p class=small>यह कंप्यूटर से बना चालान है / This is a computer-generated invoice. सहायता / Help:
{escape(settings.helpline_phone)}</p>
</body></html>"""


@router.get("/departments/invoices/{number}", response_class=HTMLResponse)
async def invoice_page(number: str, request: Request, t: str = Query(max_length=64)) -> HTMLResponse:
    """The invoice to print (the staff console and the department's page link to it)."""
    state = request.app.state
    if not hmac.compare_digest(t, print_token(state.keys, number)):
        raise HTTPException(403, "this invoice link is not valid / यह चालान लिंक मान्य नहीं है")
    billing: DepartmentBilling = state.department_billing
    try:
        invoice, _ = await billing.invoice(number)
    except Refusal:
        raise HTTPException(404, "no such invoice / ऐसा कोई चालान नहीं है") from None
    return HTMLResponse(invoice_html(invoice, state.settings))
