"""Staff wallets, payouts and buyer-app reconciliation.

Admins see every district; a district officer sees her district's workers, batches and orders;
helpline operators have no access to money.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from bpp.money.service import LedgerService
from bpp.platform.api_types import CSV_BODY, CSV_RESPONSE, PositiveRupees, RowId, Rupees
from bpp.platform.auth import Principal, require_staff
from bpp.worker_app.wallet_api import PayoutDetails, position_view
from bpp.workforce import repo as worker_repo
from fulfillment.payouts import LineStatus
from fulfillment.reconciliation import export_csv

router = APIRouter(prefix="/staff/api", tags=["staff: wallets and payouts"])
MoneyStaff = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]


EARLIEST = datetime.min.replace(tzinfo=UTC)
DEFAULT_WINDOW = timedelta(days=8)


class NewBatch(BaseModel):
    minimum: Rupees = Decimal("100")
    cutoff: datetime | None = None  # default: now
    district: str | None = None  # admins only; a district officer's batch is always her district


class LineOutcome(BaseModel):
    bank_reference: str | None = Field(default=None, max_length=128)
    reason: str | None = Field(default=None, max_length=1000)


class CashDeposit(BaseModel):
    amount: PositiveRupees
    receipt: str = Field(min_length=1, max_length=64, description="deposit slip or bank reference")


def _ledger(request: Request) -> LedgerService:
    return request.app.state.ledger


def _district(staff: Principal) -> str | None:
    """The district a staff member is limited to; None for admins."""
    return staff.district if staff.role == "district_officer" else None


_OTHER_DISTRICT = HTTPException(
    403,
    detail={
        "en": "This belongs to another district. Ask that district's officer or an admin.",
        "hi": "यह दूसरे ज़िले का है। उस ज़िले के अधिकारी या व्यवस्थापक से कहें।",
    },
)


async def _check_worker_district(request: Request, staff: Principal, worker_id: str) -> None:
    if _district(staff) is None:
        return
    async with request.app.state.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
    if worker is None or worker["district"] != staff.district:
        raise _OTHER_DISTRICT


async def _check_batch_district(request: Request, staff: Principal, batch_id: str) -> dict[str, Any]:
    batch = await _ledger(request).payout_batch(batch_id)
    if _district(staff) is not None and batch["district"] != staff.district:
        raise _OTHER_DISTRICT
    return batch


# --- wallets -------------------------------------------------------------------------------------------


@router.get("/wallets")
async def list_wallets(staff: MoneyStaff, request: Request) -> list[dict[str, str]]:
    """What each worker is owed (payable), what she holds, what is in batches the bank has not reported on."""
    return [
        {
            **position_view(position),
            "name": payee.name,
            "phone": payee.phone,
            "district": payee.district,
            "payout_mode": payee.mode,
            "in_payout": str(payee.in_payout),
        }
        for position, payee in await _ledger(request).owed(_district(staff))
    ]


@router.get("/wallets/{worker_id}")
async def wallet_detail(
    worker_id: str,
    staff: MoneyStaff,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[RowId | None, Query(description="the statement's page before this posting id")] = None,
) -> dict[str, Any]:
    """A worker's position and her statement, newest first (page back with `before` = the last id shown)."""
    await _check_worker_district(request, staff, worker_id)
    ledger = _ledger(request)
    return {
        **position_view(await ledger.worker_position(worker_id)),
        "statement": await ledger.statement(worker_id, limit, before),
    }


@router.put("/wallets/{worker_id}/payout-account")
async def set_payout_account(
    worker_id: str, details: PayoutDetails, staff: MoneyStaff, request: Request
) -> dict[str, str]:
    await _check_worker_district(request, staff, worker_id)
    await _ledger(request).save_payout_account(worker_id, details.model_dump(), f"staff:{staff.id}")
    return {"status": "saved"}


@router.post("/wallets/{worker_id}/cash-deposits", status_code=201)
async def record_cash_deposit(
    worker_id: str, deposit: CashDeposit, staff: MoneyStaff, request: Request
) -> dict[str, str]:
    """Cash a worker handed in: it leaves what she holds and reaches the bank; one receipt posts once."""
    await _check_worker_district(request, staff, worker_id)
    position = await _ledger(request).record_cash_deposit(worker_id, deposit.amount, deposit.receipt)
    return position_view(position)


# --- payouts -------------------------------------------------------------------------------------------


@router.get("/payouts")
async def list_batches(staff: MoneyStaff, request: Request) -> list[dict[str, Any]]:
    return await _ledger(request).payout_batches(_district(staff))


@router.post("/payouts", status_code=201)
async def create_batch(body: NewBatch, staff: MoneyStaff, request: Request) -> dict[str, Any]:
    """Reserve every eligible wallet's payable balance as of the cut-off into a new batch."""
    district = _district(staff) or body.district
    cutoff = body.cutoff or datetime.now(UTC)
    if cutoff.tzinfo is None or cutoff > datetime.now(UTC) + timedelta(minutes=1):
        raise HTTPException(
            422,
            detail={
                "en": "The cut-off must be a past time with a time zone, e.g. 2025-03-01T18:30:00Z.",
                "hi": "कट-ऑफ़ समय बीता हुआ और समय-क्षेत्र सहित हो, जैसे 2025-03-01T18:30:00Z।",
            },
        )
    return await _ledger(request).create_payout_batch(
        created_by=f"staff:{staff.id}", cutoff=cutoff, minimum=body.minimum, district=district
    )


@router.get("/payouts/{batch_id}")
async def batch_detail(batch_id: str, staff: MoneyStaff, request: Request) -> dict[str, Any]:
    return await _check_batch_district(request, staff, batch_id)


@router.get("/payouts/{batch_id}/csv", response_class=PlainTextResponse, responses=CSV_RESPONSE)
async def batch_csv(batch_id: str, staff: MoneyStaff, request: Request) -> PlainTextResponse:
    await _check_batch_district(request, staff, batch_id)
    return PlainTextResponse(
        await _ledger(request).payout_csv(batch_id),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="payout-{batch_id}.csv"'},
    )


@router.post("/payouts/{batch_id}/return-file", openapi_extra=CSV_BODY)
async def upload_return_file(batch_id: str, staff: MoneyStaff, request: Request) -> dict[str, Any]:
    """The bank's return file (CSV): lines it reports paid or failed are settled, wrong rows reported by line."""
    await _check_batch_district(request, staff, batch_id)
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    return await _ledger(request).apply_return_file(batch_id, text)


@router.post("/payouts/{batch_id}/lines/{line_no}/{outcome}")
async def settle_line(
    batch_id: str, line_no: RowId, outcome: LineStatus, body: LineOutcome, staff: MoneyStaff, request: Request
) -> dict[str, Any]:
    """`paid` moves the money clearing → bank; `failed` returns it to the wallet. Repeats change nothing."""
    if outcome is LineStatus.RESERVED:
        raise HTTPException(422, detail={"en": "Use paid or failed.", "hi": "paid या failed में से एक चुनें।"})
    await _check_batch_district(request, staff, batch_id)
    return await _ledger(request).settle_payout_line(
        batch_id, line_no, outcome, bank_reference=body.bank_reference, failure_reason=body.reason
    )


# --- reconciliation ------------------------------------------------------------------------------------


@router.get("/reconciliation", response_model=None, responses=CSV_RESPONSE)
async def reconciliation(
    staff: MoneyStaff,
    request: Request,
    start: datetime | None = None,
    end: datetime | None = None,
    bap_id: str | None = None,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> list[dict[str, object]] | PlainTextResponse:
    """Per buyer app and settlement window starting in [start, end) (default: the last 7 days)."""
    if (start is not None and start.tzinfo is None) or (end is not None and end.tzinfo is None):
        raise HTTPException(
            422,
            detail={
                "en": "Give start and end with a time zone, e.g. 2025-03-01T00:00:00Z.",
                "hi": "start और end समय-क्षेत्र सहित दें, जैसे 2025-03-01T00:00:00Z।",
            },
        )
    end = end or datetime.now(UTC) + timedelta(days=1)
    # by default the 8 days before `end`, starting no earlier than the calendar (an `end` in year 1 is no 500)
    start = start or max(end, EARLIEST + DEFAULT_WINDOW) - DEFAULT_WINDOW
    summaries = await _ledger(request).reconciliation(start, end, bap_id, _district(staff))
    if format == "csv":
        return PlainTextResponse(export_csv(summaries), media_type="text/csv")
    return [summary.as_dict() for summary in summaries]
