"""The Engagement aggregate without a database, on real calendars: its states and events, the visits of a month in
Indian dates, the monthly fee with its breakup, prorated first and last months, refunds of prepaid months, and the
worker's credit per visit."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from engagement_factory import MORNINGS, activated, cook_terms, ist, requested
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.engagement_terms import (
    BillingMode,
    EmploymentBasis,
    EngagementTerms,
    Month,
    VisitSchedule,
    add_months,
    price_visits,
    term_last_day,
)
from catalog.finder_fee import FeeKind, FinderFee
from fulfillment.engagement import EngagementEventKind, EngagementState
from fulfillment.settlement import SettlementPolicy
from schemas.errors import BUSINESS_ERROR, UPDATION_NOT_POSSIBLE
from schemas.refusal import Refusal

PART_TIME, ADVANCE = EmploymentBasis.PART_TIME, BillingMode.ADVANCE
SUNDAYS = VisitSchedule(frozenset({7}), time(10, 0), 120)


def test_a_request_is_requested_then_active_with_its_steady_worker_and_both_events() -> None:
    engagement = requested(date(2027, 1, 17))
    assert engagement.state is EngagementState.REQUESTED and engagement.worker_id is None
    engagement.activate("W1", at=ist(date(2027, 1, 16), 11))
    assert (engagement.state, engagement.worker_id) == (EngagementState.ACTIVE, "W1")
    assert [(event.kind, event.actor) for event in engagement.pending_events] == [
        (EngagementEventKind.REQUESTED, "bap.example"), (EngagementEventKind.ACTIVATED, "worker:W1"),
    ]
    assert engagement.pending_events[0].detail == {
        "start": "2027-01-17", "months": 1, "last_day": "2027-02-16", "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "time": "07:00", "rate": "250.00",
    }
    engagement.stored(1)
    assert (engagement.pending_events, engagement.has_changes, engagement.version) == ((), False, 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"months": 13}, "months"), ({"at": ist(date(2027, 1, 17), 6)}, "start"),
     ({"schedule": VisitSchedule(MORNINGS.weekdays, time(7, 0), 60)}, "schedule")],
)
def test_a_request_outside_the_items_terms_is_refused_naming_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(Refusal) as refused:
        requested(date(2027, 1, 17), **change)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.field) == (BUSINESS_ERROR.code, field)
    assert refused.value.message_hi


def test_a_month_with_five_sundays_bills_five_sunday_visits_and_the_next_four() -> None:
    engagement = activated(requested(date(2027, 1, 1), 2, schedule=SUNDAYS))
    january = engagement.planned_bill(Month(2027, 1))
    assert [visit.day.day for visit in engagement.visits_in(Month(2027, 1))] == [3, 10, 17, 24, 31]
    assert (january.price.visits, january.price.base, january.price.tax, january.price.total) == (
        5, Decimal("1250.00"), Decimal("225.00"), Decimal("1475.00"))
    assert not january.prorated
    assert engagement.planned_bill(Month(2027, 2)).price.visits == 4


def test_visits_are_at_the_indian_time_of_day_on_indian_dates() -> None:
    engagement = requested(date(2027, 1, 17))
    first = engagement.visits_in(Month(2027, 1))[0]
    assert (first.day, first.start, first.end) == (
        date(2027, 1, 17), datetime(2027, 1, 17, 1, 30, tzinfo=UTC), datetime(2027, 1, 17, 3, 30, tzinfo=UTC))
    late = VisitSchedule(MORNINGS.weekdays, time(2, 0), 120)  # 02:00 IST is still the evening before in UTC
    assert requested(date(2027, 1, 17), schedule=late).visits_in(Month(2027, 1))[0].start == datetime(
        2027, 1, 16, 20, 30, tzinfo=UTC)


def test_a_start_on_the_17th_prorates_the_first_and_last_months_by_their_visits() -> None:
    engagement = activated(requested(date(2027, 1, 17), 1))
    assert engagement.last_day == date(2027, 2, 16)
    assert engagement.months_billed() == [Month(2027, 1), Month(2027, 2)]
    january, february = (engagement.planned_bill(month) for month in engagement.months_billed())
    assert (january.first, january.last, january.prorated, january.price.visits) == (
        date(2027, 1, 17), date(2027, 1, 31), True, 15)
    assert (january.price.base, january.price.tax, january.price.total) == (
        Decimal("3750.00"), Decimal("675.00"), Decimal("4425.00"))
    assert (february.first, february.last, february.prorated, february.price.visits) == (
        date(2027, 2, 1), date(2027, 2, 16), True, 16)
    assert february.price.total == Decimal("4720.00")


def test_the_bill_breakup_shows_the_visits_as_the_quantity_and_the_rate_and_adds_up() -> None:
    bill = activated(requested(date(2027, 1, 17), rate="333.33")).planned_bill(Month(2027, 1))
    visits, tax = bill.price.breakup("COOK-1")
    assert visits["title"] == "Cook, mornings" and visits["price"] == {"currency": "INR", "value": "4999.95"}
    assert visits["item"] == {"id": "COOK-1", "quantity": {"selected": {"count": 15}},
                              "price": {"currency": "INR", "value": "333.33"}}
    assert tax["price"]["value"] == "899.99"  # 18 % of 4999.95 is 899.991, rounded once for the month
    assert Decimal(visits["price"]["value"]) + Decimal(tax["price"]["value"]) == bill.price.total


def test_february_of_a_leap_year_has_29_daily_visits_and_a_term_from_31_january_runs_through_it() -> None:
    february = activated(requested(date(2028, 2, 1), 1))
    assert february.last_day == date(2028, 2, 29)
    bill = february.planned_bill(Month(2028, 2))
    assert (bill.price.visits, bill.prorated) == (29, False)
    from_31st = activated(requested(date(2028, 1, 31), 1))
    assert (add_months(date(2028, 1, 31), 1), from_31st.last_day) == (date(2028, 3, 1), date(2028, 2, 29))
    assert [from_31st.planned_bill(month).price.visits for month in from_31st.months_billed()] == [1, 29]
    assert term_last_day(date(2027, 1, 31), 1) == date(2027, 2, 28)
    mondays_wednesdays_fridays = VisitSchedule(frozenset({1, 3, 5}), time(9, 0), 60)
    thrice_weekly = requested(date(2028, 2, 1), schedule=mondays_wednesdays_fridays,
                              terms=EngagementTerms(mondays_wednesdays_fridays, 1, 12, 7, PART_TIME, ADVANCE))
    assert [visit.day.day for visit in thrice_weekly.visits_in(Month(2028, 2))] == [
        2, 4, 7, 9, 11, 14, 16, 18, 21, 23, 25, 28]


def test_notice_given_mid_month_ends_it_after_the_notice_and_refunds_the_prepaid_visits_not_done() -> None:
    engagement = activated(requested(date(2027, 3, 1), 3, rate="333.33"))
    april = Month(2027, 4)
    billed = engagement.planned_bill(april)  # billed in advance, before April began
    assert billed.price.visits == 30 and billed.price.total == Decimal("11799.88")
    last_day = engagement.end_with_notice(at=ist(date(2027, 4, 10), 10), actor="bap.example", reason="moving")
    assert (last_day, engagement.state) == (date(2027, 4, 17), EngagementState.ENDING)
    assert engagement.months_billed() == [Month(2027, 3), Month(2027, 4)]
    assert engagement.planned_bill(april).price.visits == 17
    refund = engagement.refund(billed, completed=16)  # one of the 17 was missed
    assert (refund.visits, refund.base, refund.tax, refund.total) == (
        14, Decimal("4666.62"), Decimal("839.99"), Decimal("5506.61"))
    assert refund.total + engagement.price(16).total == billed.price.total  # to the paisa
    with pytest.raises(Refusal):
        engagement.close(at=ist(date(2027, 4, 17), 20))
    engagement.close(at=ist(date(2027, 4, 18), 0, 5))
    assert engagement.state is EngagementState.ENDED


def test_notice_never_ends_it_before_the_minimum_term_nor_after_the_term() -> None:
    three_months_at_least = cook_terms(min_months=3, notice_days=7)
    engagement = activated(requested(date(2027, 3, 1), 6, terms=three_months_at_least))
    assert engagement.end_with_notice(at=ist(date(2027, 3, 10), 10), actor="bap.example") == date(2027, 5, 31)
    short = activated(requested(date(2027, 3, 1), 1, terms=cook_terms(notice_days=30)))
    assert short.end_with_notice(at=ist(date(2027, 3, 20), 10), actor="bap.example") == date(2027, 3, 31)


def test_arrears_bill_the_visits_done_and_owe_no_refund() -> None:
    engagement = activated(requested(date(2027, 3, 1), 2, terms=cook_terms(BillingMode.ARREARS)))
    march = engagement.bill(Month(2027, 3), completed=29)
    assert (march.price.visits, march.price.total) == (29, Decimal("8555.00"))
    with pytest.raises(Refusal):
        engagement.refund(march, completed=29)
    with pytest.raises(ValueError):
        engagement.bill(Month(2027, 3), completed=32)


def test_a_pause_drops_its_days_and_resuming_brings_them_back_each_an_event() -> None:
    engagement = activated(requested(date(2027, 3, 1), 2))
    engagement.pause(date(2027, 3, 5), at=ist(date(2027, 3, 3), 9), actor="bap.example", reason="travelling")
    assert engagement.state is EngagementState.PAUSED
    assert engagement.planned_bill(Month(2027, 3)).price.visits == 4  # 1-4 March only, until resumed
    engagement.resume(date(2027, 3, 12), at=ist(date(2027, 3, 10), 9), actor="bap.example")
    assert engagement.state is EngagementState.ACTIVE
    days = [visit.day.day for visit in engagement.visits_in(Month(2027, 3))]
    assert days == [1, 2, 3, 4, *range(12, 32)]
    kinds = [event.kind for event in engagement.pending_events][2:]
    assert kinds == [EngagementEventKind.PAUSED, EngagementEventKind.RESUMED]
    engagement.pause(date(2027, 3, 20), at=ist(date(2027, 3, 15), 9), actor="bap.example")
    engagement.resume(date(2027, 3, 18), at=ist(date(2027, 3, 16), 9), actor="bap.example")  # before it began
    assert engagement.timeline.pauses[-1].first == date(2027, 3, 5)  # the pause that never began is dropped
    assert len(engagement.visits_in(Month(2027, 3))) == 24


def test_changes_take_effect_from_tomorrow_and_only_in_states_that_allow_them() -> None:
    engagement = activated(requested(date(2027, 3, 1), 2))
    with pytest.raises(Refusal) as today:
        engagement.pause(date(2027, 3, 5), at=ist(date(2027, 3, 5), 6), actor="bap.example")
    assert (today.value.code, today.value.field) == (BUSINESS_ERROR.code, "first")
    with pytest.raises(Refusal) as not_paused:
        engagement.resume(date(2027, 3, 9), at=ist(date(2027, 3, 5), 6), actor="bap.example")
    assert not_paused.value.code == UPDATION_NOT_POSSIBLE.code and not_paused.value.message_hi
    engagement.end_with_notice(at=ist(date(2027, 3, 5), 6), actor="bap.example")
    with pytest.raises(Refusal):
        engagement.pause(date(2027, 3, 9), at=ist(date(2027, 3, 5), 7), actor="bap.example")
    with pytest.raises(Refusal):
        engagement.end_with_notice(at=ist(date(2027, 3, 5), 7), actor="bap.example")


def test_changing_the_visit_time_moves_the_visits_from_that_day_only() -> None:
    engagement = activated(requested(date(2027, 3, 1), 2))
    engagement.change_visit_time(time(8, 30), date(2027, 3, 10), at=ist(date(2027, 3, 8), 12), actor="bap.example")
    assert engagement.state is EngagementState.ACTIVE
    starts = {visit.day.day: visit.start for visit in engagement.visits_in(Month(2027, 3))}
    assert (starts[9], starts[10], starts[31]) == (ist(date(2027, 3, 9), 7), ist(date(2027, 3, 10), 8, 30),
                                                   ist(date(2027, 3, 31), 8, 30))
    assert engagement.pending_events[-1].detail == {"first": "2027-03-10", "from": "07:00", "to": "08:30"}
    engagement.change_visit_time(time(6, 0), date(2027, 3, 9), at=ist(date(2027, 3, 8), 13), actor="bap.example")
    assert {change.first for change in engagement.timeline.schedules} == {date(2027, 3, 1), date(2027, 3, 9)}
    assert engagement.planned_bill(Month(2027, 3)).price.visits == 31  # the time moves, the count stays


def test_a_night_visit_cannot_move_before_the_previous_one_ends() -> None:
    nights = VisitSchedule(frozenset(range(1, 8)), time(20, 0), 720)  # 20:00 to 08:00
    engagement = activated(requested(date(2027, 3, 1), terms=EngagementTerms(nights, 1, 12, 7, PART_TIME, ADVANCE),
                                     schedule=nights))
    with pytest.raises(Refusal) as overlap:
        engagement.change_visit_time(time(6, 0), date(2027, 3, 10), at=ist(date(2027, 3, 8), 12), actor="bap.example")
    assert overlap.value.field == "start"
    engagement.change_visit_time(time(21, 0), date(2027, 3, 10), at=ist(date(2027, 3, 8), 12), actor="bap.example")


def test_a_declined_request_ends_with_no_visit_and_no_month() -> None:
    engagement = requested(date(2027, 3, 1))
    engagement.decline("no steady worker within 3 km", at=ist(date(2027, 2, 28), 12))
    assert engagement.state is EngagementState.ENDED
    assert (engagement.visits(date(2027, 3, 1), date(2027, 3, 31)), engagement.months_billed()) == ([], [])


def test_the_worker_is_credited_per_visit_with_her_share_of_the_rate() -> None:
    engagement = requested(date(2027, 3, 1))
    policy = SettlementPolicy(Decimal("10"))
    assert engagement.visit_credit(policy) == Decimal("225.00")
    assert engagement.visit_credit(policy, FinderFee(FeeKind.PERCENT, Decimal("3"))) == Decimal("217.50")
    # a month of 29 visits done: the customer pays 29 visits and tax, the worker gets 29 credits
    assert engagement.price(29).base - 29 * engagement.visit_credit(policy) == Decimal("725.00")


def test_a_refund_takes_off_fewer_visits_at_the_same_rate_only() -> None:
    month = price_visits("Cook", 30, Decimal("250.00"), Decimal("18"))
    with pytest.raises(ValueError):
        month.less(price_visits("Cook", 31, Decimal("250.00"), Decimal("18")))
    with pytest.raises(ValueError):
        month.less(price_visits("Cook", 3, Decimal("200.00"), Decimal("18")))
    assert month.less(month).total == Decimal("0.00")


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(date(2027, 1, 2), date(2028, 12, 31)),
    months=st.integers(1, 12),
    weekdays=st.frozensets(st.integers(1, 7), min_size=1),
    rate=st.decimals(Decimal("50.00"), Decimal("2000.00"), places=2),
    notice_after=st.integers(0, 400),
    done_share=st.floats(0, 1),
)
def test_the_months_bills_add_up_to_every_visit_of_the_term_and_refunds_to_the_paisa(
    start: date, months: int, weekdays: frozenset[int], rate: Decimal, notice_after: int, done_share: float
) -> None:
    schedule = VisitSchedule(weekdays, time(7, 0), 120)
    terms = EngagementTerms(schedule, 1, 12, 7, PART_TIME, ADVANCE)
    engagement = activated(requested(start, months, schedule=schedule, terms=terms, rate=str(rate)))
    notice_day = start + timedelta(days=notice_after)
    if notice_day < engagement.last_day:
        engagement.end_with_notice(at=ist(notice_day, 9), actor="bap.example")
    bills = [engagement.planned_bill(month) for month in engagement.months_billed()]
    assert sum(bill.price.visits for bill in bills) == len(engagement.visits(engagement.start, engagement.last_day))
    assert all(bill.first <= bill.last and bill.prorated == (bill.first.day != 1 or bill.last != bill.month.last)
               for bill in bills)
    for bill in bills:
        done = int(bill.price.visits * done_share)
        refund = engagement.refund(bill, completed=done)
        assert refund.total + engagement.price(done).total == bill.price.total
        assert refund.base == rate * (bill.price.visits - done) and refund.tax >= 0
