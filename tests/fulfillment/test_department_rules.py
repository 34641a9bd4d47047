"""Government departments' rules without I/O: accounts (GSTIN check character), work orders and their approval,
the visits a booking makes, the monthly GST invoice and the ledger entries from visit to treasury payment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from catalog.model import Availability, ServiceItem
from catalog.ordering import order_terms
from catalog.quote import quote_for
from fulfillment.departments import (
    BillingMonth,
    DepartmentDetails,
    VisitCharge,
    department_problems,
    financial_year,
    gstin_check_character,
    gstin_problem,
    invoice_entry,
    invoice_figures,
    invoice_number,
    invoiced_payment,
    payment_entry,
    visit_charge,
)
from fulfillment.ledger import BANK, COMMISSION, TAX, LedgerError, department_receivable, unbilled, wallet
from fulfillment.matching import Candidate, offer_order
from fulfillment.order import BookedService, Channel, CustomerDetails, Order, PaymentTerms, Quote
from fulfillment.settlement import PaymentMode, SettlementPolicy, completion_entry, terms_from_order
from fulfillment.states import Event
from fulfillment.work_orders import (
    Decision,
    Request,
    Site,
    WorkOrder,
    WorkOrderStatus,
    request_problems,
)
from schemas.refusal import Refusal

# 11:00 IST on Wednesday 9 December 2026
NOW = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)
CLEANING = ServiceItem(
    id="SM-LKO-HOME-CLEANING", provider_id="SM-LKO", category_id="SRV11-1010", name_en="Home deep cleaning",
    name_hi="घर की गहरी सफ़ाई", fee=Decimal("2499"), duration_minutes=300, tax_percent=Decimal("18"),
    availability=Availability(), published=True,
)
SITE = Site("Vikas Bhawan, Janpath, Hazratganj", "226001", 26.8467, 80.9462, "Anil Kumar", "9876543210")
REQUESTER = Decision("user-r", "Rekha Requester", NOW)
APPROVER = Decision("user-a", "Arun Approver", NOW)


def gstin(first_fourteen: str) -> str:
    return first_fourteen + gstin_check_character(first_fourteen)


def request(**changes: object) -> Request:
    values: dict[str, object] = {
        "item_id": CLEANING.id, "workers": 3, "days": (date(2026, 12, 10), date(2026, 12, 11)),
        "start": time(10, 0), "site": SITE, "purpose": "Office cleaning before the inspection",
    }
    return Request(**{**values, **changes})  # type: ignore[arg-type]


def work_order(**changes: object) -> WorkOrder:
    return WorkOrder.ask("WO-1", "D-1", request(**changes), CLEANING, REQUESTER)


def fields(problems: list[Refusal]) -> list[str | None]:
    return [problem.field for problem in problems]


# --- accounts --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [
    "27AAPFU0939F1ZV",  # python-stdnum's example of a company's GSTIN
    gstin("09AAACH7409R1Z"),
    gstin("09LKNP01234E1D").lower(),  # a department registered as a tax deductor, with its TAN; small letters too
    " 09 AAACH7409R1Z" + gstin_check_character("09AAACH7409R1Z"),
])
def test_a_gstin_with_its_check_character_is_accepted(number: str) -> None:
    assert gstin_problem(number) is None


@pytest.mark.parametrize(("number", "says"), [
    ("27AAPFU0939F1ZW", "last character does not match"),  # one character mistyped
    ("27AAPFU0939F1Z", "15 characters"),
    ("27AAPFU0939F0ZV", "15 characters"),  # the registration number is 1-9 or A-Z
    ("27AAPFU0939F1XV", "15 characters"),  # Z, or D for a tax deductor
    ("40AAPFU0939F1Z" + gstin_check_character("40AAPFU0939F1Z"), "not a GST state code"),
])
def test_a_wrong_gstin_is_named_with_what_to_check(number: str, says: str) -> None:
    problem = gstin_problem(number)
    assert problem is not None and problem.field == "gstin" and says in problem.message and problem.message_hi


def test_a_department_account_names_every_wrong_field() -> None:
    good = DepartmentDetails("Public Works Department", "Executive Engineer, Lucknow", "std:0522", "LKO-0042",
                             gstin("09LKNP01234E1D"), "Nirman Bhawan, Lucknow 226001")
    assert department_problems(good, ["std:0522"]) == []
    bad = DepartmentDetails("PW", "", "std:0121", "x", "09LKNP01234E1DA", "short")
    assert fields(department_problems(bad, ["std:0522"])) == [
        "department", "office", "billing_address", "district", "ddo_code", "gstin"]


# --- work orders and approval --------------------------------------------------------------------------------------

def test_a_work_order_request_names_each_wrong_field_in_both_languages() -> None:
    assert request_problems(request(), CLEANING, NOW) == []
    wrong = request(workers=0, days=(date(2026, 12, 8),), site=Site("x", "2260", 0, 0, "", "12345"), purpose="")
    problems = request_problems(wrong, None, NOW)
    assert fields(problems) == ["item_id", "workers", "address", "pincode", "contact_name", "contact_phone"]
    assert all(problem.message_hi for problem in problems)


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"days": (date(2026, 12, 8),)}, "days", "has already passed"),
    ({"days": (date(2026, 12, 10), date(2026, 12, 10))}, "days", "chosen twice"),
    ({"days": ()}, "days", "at least one day"),
    ({"days": (date(2027, 4, 1),)}, "days", "more than 90 days ahead"),
    ({"start": time(17, 0)}, "start", "start between 08:00 and 15:00"),  # five hours' work ends by 20:00
    ({"days": (date(2026, 12, 9),), "start": time(11, 15)}, "days", "too soon"),
])
def test_days_and_start_must_be_bookable(changes: dict[str, object], field: str, says: str) -> None:
    problems = request_problems(request(**changes), CLEANING, NOW)
    assert [(p.field, says in p.message) for p in problems] == [(field, True)]


def test_no_visit_is_planned_before_approval_and_the_field_says_so() -> None:
    order = work_order()
    assert (order.status, order.visit_count, order.estimate) == (WorkOrderStatus.AWAITING_APPROVAL, 6,
                                                                 Decimal("2948.82") * 6)
    with pytest.raises(Refusal) as refused:
        order.plan_visits(CLEANING, NOW)
    assert refused.value.field == "approval"
    assert "has not been approved" in refused.value.message and "स्वीकृत नहीं" in (refused.value.message_hi or "")


def test_approval_lets_the_visits_be_planned_one_per_worker_and_day() -> None:
    order = work_order()
    order.approve(APPROVER)
    visits = order.plan_visits(CLEANING, NOW)
    assert [(v.day.day, v.place) for v in visits] == [(10, 1), (10, 2), (10, 3), (11, 1), (11, 2), (11, 3)]
    first, later = visits[0], visits[3]
    assert first.slot.start == datetime(2026, 12, 10, 4, 30, tzinfo=UTC)  # 10:00 IST
    assert first.slot.end - first.slot.start == timedelta(minutes=60)  # the arrival window
    # each visit is offered from the day before, when that day's five hours of work would end (15:00 IST): the
    # first day's from today, the second day's from the first day's end of work
    assert first.matching_from == datetime(2026, 12, 9, 9, 30, tzinfo=UTC)
    assert later.matching_from == datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
    today = work_order(days=(date(2026, 12, 9),), start=time(12, 0))
    today.approve(APPROVER)  # today at noon: offered at once
    assert [visit.matching_from for visit in today.plan_visits(CLEANING, NOW)] == [NOW] * 3
    order.booked(NOW)
    assert order.status is WorkOrderStatus.BOOKED
    with pytest.raises(Refusal, match="is booked; it cannot be booked now"):
        order.plan_visits(CLEANING, NOW)


def test_the_approval_state_machine() -> None:
    rejected = work_order()
    with pytest.raises(Refusal) as no_reason:
        rejected.reject(APPROVER)
    assert no_reason.value.field == "reason"
    rejected.reject(Decision("user-a", "Arun", NOW, "  no budget  "))
    assert (rejected.status, rejected.closing and rejected.closing.note) == (WorkOrderStatus.REJECTED, "no budget")
    with pytest.raises(Refusal, match="is rejected; it cannot be approved"):
        rejected.approve(APPROVER)
    withdrawn = work_order()
    withdrawn.approve(APPROVER)
    withdrawn.withdraw(REQUESTER)
    assert withdrawn.status is WorkOrderStatus.WITHDRAWN
    with pytest.raises(Refusal) as not_now:
        withdrawn.plan_visits(CLEANING, NOW)
    assert not_now.value.field == "status"


def test_an_approved_work_order_whose_first_day_passed_cannot_be_booked() -> None:
    order = work_order()
    order.approve(APPROVER)
    with pytest.raises(Refusal, match="has already passed") as refused:
        order.plan_visits(CLEANING, NOW + timedelta(days=1))
    assert refused.value.field == "days"


# --- the ledger: visit, invoice, payment -----------------------------------------------------------------------------

def visit_order(order_id: str = "SM-V1") -> Order:
    """A department's visit as booking makes it: its channel, the item's quote, billed to the monthly invoice."""
    quote = Quote.from_snapshot(quote_for(CLEANING).to_beckn())
    return Order.confirm(
        id=order_id, buyer_order_id=order_id, buyer_created_at="2026-12-09T05:30:00.000Z", transaction_id=order_id,
        channel=Channel("department:D-1", "ONDC:SRV11", "std:0522"),
        service=BookedService("SM-LKO", CLEANING.id, 1, CLEANING.category_id), quote=quote,
        details=CustomerDetails({"name": "Anil", "phone": "9876543210"}, {"gps": "26.85,80.95"}, {"name": "PWD"}),
        payment=PaymentTerms(invoiced_payment(quote.total, "D-1")), terms=order_terms(CLEANING), slot=None, at=NOW,
    )


def completed_visit() -> tuple[VisitCharge, Order]:
    order = visit_order()
    order.assign_worker("W-1", gps="26.85,80.95", at=NOW)
    for event in (Event.TRAVELLING, Event.ARRIVED):
        order.advance(event, actor="worker:W-1", at=NOW)
    order.issue_start_otp("hash", at=NOW)
    order.start_with_otp("1234", matches=lambda _hash, _otp: True, issued_at=NOW, at=NOW)
    assert order.cash_due is None  # the department pays on its invoice: the worker takes nothing at the door
    order.complete(None, at=NOW + timedelta(hours=5))
    return visit_charge(order, CLEANING.name_hi), order


def test_a_visit_credits_the_worker_at_completion_and_waits_unbilled() -> None:
    charge, order = completed_visit()
    terms = terms_from_order(order)
    assert (terms.mode, terms.billed_to, terms.bap_id) == (PaymentMode.INVOICED, "D-1", None)
    entry = completion_entry(terms, SettlementPolicy(Decimal("10")))
    amounts = {posting.account: posting.amount for posting in entry.postings}
    assert amounts == {
        unbilled("D-1"): Decimal("2948.82"), wallet("W-1"): Decimal("-2249.10"), COMMISSION: Decimal("-249.90"),
        TAX: Decimal("-449.82"),
    }
    assert (charge.pre_tax, charge.tax, charge.total) == (Decimal("2499.00"), Decimal("449.82"), Decimal("2948.82"))
    assert charge.completed_at == NOW + timedelta(hours=5)


def test_the_department_is_not_charged_for_a_visit_it_calls_off() -> None:
    order = visit_order()
    order.assign_worker("W-1", gps="26.85,80.95", at=NOW)
    order.advance(Event.TRAVELLING, actor="worker:W-1", at=NOW)
    charge = order.cancel_by_buyer("012", at=NOW, actor="staff:op")  # In-Transit: 10% on an order paid otherwise
    assert charge.fee == 0


def charges(count: int, *, pre_tax: str = "2499.00", tax: str = "449.82", item: str = "SM-LKO-HOME-CLEANING"
            ) -> list[VisitCharge]:
    return [VisitCharge(f"SM-{item}-{n}", item, "Home deep cleaning", "घर की गहरी सफ़ाई", Decimal(pre_tax),
                        Decimal(tax), NOW) for n in range(count)]


def test_the_invoice_groups_visits_per_service_and_splits_gst_within_the_state() -> None:
    within = invoice_figures([*charges(6), *charges(1, pre_tax="399.00", tax="71.82", item="SM-LKO-BATH")],
                             supplier_state="09", recipient_state="09")
    assert within.intra_state and within.visits == 7
    bath, cleaning = within.lines
    assert (cleaning.visits, cleaning.unit_price, cleaning.tax_percent, cleaning.taxable) == (
        6, Decimal("2499.00"), Decimal("18.00"), Decimal("14994.00"))
    assert (cleaning.cgst, cleaning.sgst, cleaning.igst, cleaning.total) == (
        Decimal("1349.46"), Decimal("1349.46"), Decimal("0.00"), Decimal("17692.92"))
    assert (bath.cgst, bath.sgst) == (Decimal("35.91"), Decimal("35.91"))
    assert within.total == Decimal("2948.82") * 6 + Decimal("470.82")
    odd = invoice_figures(charges(1, pre_tax="199.50", tax="35.91"), supplier_state="09", recipient_state="09")
    assert (odd.cgst, odd.sgst, odd.total) == (Decimal("17.96"), Decimal("17.95"), Decimal("235.41"))  # paise add up
    other_state = invoice_figures(charges(2), supplier_state="09", recipient_state="07")
    assert (other_state.intra_state, other_state.igst, other_state.cgst) == (False, Decimal("899.64"), 0)


def test_invoice_numbers_and_months() -> None:
    assert financial_year(date(2027, 3, 31)) == "2026-27" and financial_year(date(2027, 4, 1)) == "2027-28"
    assert invoice_number("2026-27", 42) == "DI-2026-27-00042" and len(invoice_number("2026-27", 99999)) == 16
    december = BillingMonth.parse("2026-12")
    assert (str(december.next), december.starts, december.ends) == (
        "2027-01", datetime(2026, 11, 30, 18, 30, tzinfo=UTC), datetime(2026, 12, 31, 18, 30, tzinfo=UTC))
    assert BillingMonth.of(datetime(2026, 11, 30, 19, 0, tzinfo=UTC)) == december  # already 1 December in India
    with pytest.raises(Refusal, match="not over yet") as early:
        december.check_ended(datetime(2026, 12, 31, 18, 29, tzinfo=UTC))
    assert early.value.field == "month"
    december.check_ended(december.ends)
    for wrong in ("2026-13", "Dec 2026", ""):
        with pytest.raises(Refusal):
            BillingMonth.parse(wrong)


def test_invoice_and_payment_entries_take_the_receivable_back_to_zero() -> None:
    issued = invoice_entry("DI-2026-27-00001", "D-1", Decimal("17692.92"))
    assert {p.account: p.amount for p in issued.postings} == {
        department_receivable("D-1"): Decimal("17692.92"), unbilled("D-1"): Decimal("-17692.92")}
    paid = payment_entry("DI-2026-27-00001", "D-1", Decimal("17692.92"), " TRY-123 ", Decimal("17692.92"))
    assert paid.event_key == "invoice:DI-2026-27-00001:paid:TRY-123"
    assert {p.account: p.amount for p in paid.postings} == {
        BANK: Decimal("17692.92"), department_receivable("D-1"): Decimal("-17692.92")}
    for amount, reference, field in ((Decimal("17692.93"), "TRY-1", "amount"), (Decimal("0"), "TRY-1", "amount"),
                                     (Decimal("1.001"), "TRY-1", "amount"), (Decimal("1"), "  ", "reference")):
        with pytest.raises(LedgerError) as refused:
            payment_entry("DI-2026-27-00001", "D-1", amount, reference, Decimal("17692.92"))
        assert refused.value.field == field and refused.value.message_hi
    with pytest.raises(LedgerError):
        invoice_entry("DI-2026-27-00002", "D-1", Decimal("0"))


def test_workers_of_the_crews_earlier_visits_are_offered_first() -> None:
    near, far, busy = Candidate("near", 0.4), Candidate("far", 2.5), Candidate("busy", 0.1)
    assert offer_order([far, near, busy], ["busy"], 3.0) == [near, far]
    assert offer_order([far, near, busy], ["busy"], 3.0, preferred={"far", "busy"}) == [far, near]
