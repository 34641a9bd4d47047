"""An engagement's journal entries: a month's bill, each completed visit's credit and a prepaid month's refund (pure).

Keys (docs/engagements.md, section 7) are unique per business event, so a repeat posts nothing:
`engagement:<id>:<yyyy-mm>:billed`, `engagement:<id>:<yyyy-mm-dd>:completed`, `engagement:<id>:<yyyy-mm>:refunded`.

Billed in advance, the month's bill is a fee received before the service (`ADVANCES`); each completed visit takes its
rate out of it, and the refund of the visits not done empties what is left, GST included. Billed in arrears, each
completed visit is earned before it is billed (the engagement's `unbilled` account) and the month's bill moves the
visits done to the buyer app's receivable. Either way a month nets to zero on the waiting account.
"""

from __future__ import annotations

from datetime import date

from catalog.engagement_terms import BillingMode, Month, VisitsPrice
from catalog.finder_fee import NO_FINDER_FEE, FinderFee
from fulfillment.engagement import Engagement, MonthBill
from fulfillment.engagement_visits import Visit, VisitState
from fulfillment.ledger import (
    ADVANCES,
    COMMISSION,
    TAX,
    ZERO,
    Account,
    JournalEntry,
    LedgerError,
    build_entry,
    credit,
    debit,
    finder_fee_payable,
    receivable,
    refunds_payable,
    unbilled,
    wallet,
)
from fulfillment.settlement import SettlementPolicy, split_fee

VISIT_KIND = "engagement_visit"
BILL_KIND = "engagement_bill"
REFUND_KIND = "engagement_refund"


def month_key(engagement_id: str, month: Month, event: str) -> str:
    return f"engagement:{engagement_id}:{month}:{event}"


def visit_key(engagement_id: str, day: date) -> str:
    return f"engagement:{engagement_id}:{day.isoformat()}:completed"


def engagement_of_key(event_key: str) -> str:
    """The engagement an entry's key names (ids hold no colon)."""
    return event_key.split(":")[1]


def waiting_account(engagement: Engagement) -> Account:
    """Where a month's visits wait between their bill and their completion: prepaid fees, or visits not yet billed."""
    if engagement.billing is BillingMode.ADVANCE:
        return ADVANCES
    return unbilled(f"engagement-{engagement.id}")


def _bap_id(engagement: Engagement) -> str:
    buyer_app = engagement.channel.buyer_app
    if buyer_app is None:
        raise LedgerError(f"engagement {engagement.id}: only engagements booked by a buyer app are billed so far")
    return buyer_app.bap_id


def bill_entry(engagement: Engagement, bill: MonthBill) -> JournalEntry:
    """The month's bill (`Engagement.bill`): the buyer app owes its total; the visits wait (advance) or are cleared
    (arrears); the GST is owed to the government."""
    bap_id = _bap_id(engagement)
    price = bill.price
    return build_entry(
        month_key(engagement.id, bill.month, "billed"),
        BILL_KIND,
        [debit(receivable(bap_id), price.total), credit(waiting_account(engagement), price.base),
         credit(TAX, price.tax)],
        bap_id=bap_id,
        detail={"engagement_id": engagement.id, "month": str(bill.month),
                "visits": price.visits, "billing": engagement.billing.value, "total": str(price.total)},
    )


def visit_entry(engagement: Engagement, visit: Visit, policy: SettlementPolicy,
                finder_fee: FinderFee = NO_FINDER_FEE) -> JournalEntry:
    """A completed visit credits its worker (the steady one or the substitute) with her share of the rate, as a
    one-off order's completion splits it (`Engagement.visit_credit`)."""
    if visit.state is not VisitState.DONE or visit.worker_id is None:
        raise LedgerError(f"engagement {engagement.id}: the visit of {visit.day} is {visit.state}, not done")
    bap_id = _bap_id(engagement)
    split = split_fee(engagement.rate, ZERO, policy, finder_fee.on(engagement.rate, engagement.rate))
    return build_entry(
        visit_key(engagement.id, visit.day),
        VISIT_KIND,
        [debit(waiting_account(engagement), engagement.rate), credit(wallet(visit.worker_id), split.worker_share),
         credit(COMMISSION, split.commission), credit(finder_fee_payable(bap_id), split.finder_fee)],
        worker_id=visit.worker_id,
        bap_id=bap_id,
        detail={"engagement_id": engagement.id, "day": visit.day.isoformat(), "substitute": visit.substitute,
                "rate": str(engagement.rate), "worker_share": str(split.worker_share)},
    )


def refund_entry(engagement: Engagement, month: Month, refund: VisitsPrice) -> JournalEntry | None:
    """A prepaid month's refund (`Engagement.refund`): the visits not done leave the prepaid fees with their GST, and
    the buyer app is owed them for its customer. None when every billed visit was done."""
    if refund.total == 0:
        return None
    bap_id = _bap_id(engagement)
    return build_entry(
        month_key(engagement.id, month, "refunded"),
        REFUND_KIND,
        [debit(ADVANCES, refund.base), debit(TAX, refund.tax), credit(refunds_payable(bap_id), refund.total)],
        bap_id=bap_id,
        detail={"engagement_id": engagement.id, "month": str(month),
                "visits": refund.visits, "total": str(refund.total)},
    )
