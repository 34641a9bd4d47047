"""The worker app's wallet: her balance, her statement and where she is paid (her own data only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from bpp.money.service import LedgerService
from bpp.platform.api_types import RowId
from bpp.platform.auth import Principal, require_worker
from fulfillment.payouts import WorkerPosition

router = APIRouter(prefix="/worker/api/wallet", tags=["worker app: wallet"])
Worker = Annotated[Principal, Depends(require_worker)]


class PayoutDetails(BaseModel):
    holder_name: str = Field(min_length=1, max_length=128)
    upi_vpa: str | None = Field(default=None, max_length=255)
    bank_account: str | None = Field(default=None, max_length=40)
    ifsc: str | None = Field(default=None, max_length=11)


def _ledger(request: Request) -> LedgerService:
    return request.app.state.ledger


def position_view(position: WorkerPosition) -> dict[str, str]:
    """Balance figures as shown to people: payable < 0 means she owes the platform."""
    return {
        "worker_id": position.worker_id,
        "wallet": str(position.wallet),
        "cash_held": str(position.cash_held),
        "payable": str(position.payable),
    }


@router.get("")
async def my_balance(worker: Worker, request: Request) -> dict[str, Any]:
    position = await _ledger(request).worker_position(worker.id)
    view: dict[str, Any] = position_view(position)
    view["engagements"] = [  # what her engagement visits earned her, engagement by engagement
        {"engagement_id": engagement_id, "visits": visits, "earned": str(earned)}
        for engagement_id, visits, earned in await _ledger(request).engagement_earnings(worker.id)
    ]
    if position.payable < 0:
        view["notice"] = {
            "en": f"You owe Rs {-position.payable} in commission and tax on cash jobs; it is taken from your "
            "next earnings.",
            "hi": f"नकद कामों के कमीशन और कर के ₹{-position.payable} आपको देने हैं; यह अगली कमाई से कटेगा।",
        }
    return view


@router.get("/statement")
async def my_statement(
    worker: Worker,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before_id: Annotated[RowId | None, Query()] = None,
) -> dict[str, Any]:
    """Newest first; pass the last line's id as `before_id` for the next page."""
    lines = await _ledger(request).statement(worker.id, limit, before_id)
    return {"lines": lines, "next_before_id": lines[-1]["id"] if len(lines) == limit else None}


@router.put("/payout-account")
async def set_my_payout_account(worker: Worker, request: Request, details: PayoutDetails) -> dict[str, str]:
    await _ledger(request).save_payout_account(worker.id, details.model_dump(), f"worker:{worker.id}")
    return {"status": "saved"}
