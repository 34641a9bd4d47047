"""Visits as they happen: started with the customer's OTP and done by the steady worker or a substitute, missed, and
replanned when the timeline changes; a month's bill counts the ones done."""

from datetime import date, time, timedelta

import pytest
from engagement_factory import activated, ist, requested

from catalog.engagement_terms import Month
from fulfillment.engagement import Engagement
from fulfillment.engagement_visits import EARLY_ARRIVAL, Visit, VisitState, completed, replan
from fulfillment.start_otp import MAX_OTP_ATTEMPTS, OTP_VALIDITY
from schemas.errors import INVALID_OTP
from schemas.refusal import NOT_ALLOWED, Refusal

DAY = date(2027, 3, 1)


def same(otp_hash: str, otp: str) -> bool:
    """The tests' OTP "hash" is the OTP itself."""
    return otp_hash == otp


def started(visit: Visit, worker_id: str = "W1") -> Visit:
    """`visit` started at its time with the OTP its worker asked for at the door."""
    at = visit.start
    begun, refusal = visit.issue_otp(worker_id, "4821", at=at).start_with_otp(worker_id, "4821", matches=same, at=at)
    assert refusal is None and begun.started_at == at and begun.otp is None
    return begun


def stored_week() -> tuple[list[Visit], Engagement]:
    engagement = activated(requested(DAY, 2))
    visits = replan(engagement.id, engagement.visits(DAY, DAY + timedelta(days=6)), [], engagement.worker_id)
    return visits, engagement


def test_replanning_an_empty_week_stores_one_visit_a_day_for_the_steady_worker() -> None:
    visits, _ = stored_week()
    assert [(visit.day.day, visit.worker_id, visit.state) for visit in visits] == [
        (day, "W1", VisitState.PLANNED) for day in range(1, 8)]


def test_a_pause_and_a_new_time_call_off_and_move_only_planned_visits() -> None:
    visits, engagement = stored_week()
    done = started(visits[0]).complete("W1", at=ist(DAY, 9))
    week = [done, *visits[1:]]
    engagement.pause(date(2027, 3, 5), at=ist(date(2027, 3, 2), 10), actor="bap.example")
    engagement.change_visit_time(time(8, 0), date(2027, 3, 3), at=ist(date(2027, 3, 2), 11),
                                 actor="bap.example")
    changed = replan("EN-1", engagement.visits(DAY, DAY + timedelta(days=6)), week, "W1")
    assert [(visit.day.day, visit.state, visit.start) for visit in changed] == [
        (3, VisitState.PLANNED, ist(date(2027, 3, 3), 8)),
        (4, VisitState.PLANNED, ist(date(2027, 3, 4), 8)),
        *((day, VisitState.CALLED_OFF, ist(date(2027, 3, day), 7)) for day in (5, 6, 7)),
    ]


def test_a_substitute_covers_one_visit_and_only_she_completes_it() -> None:
    visits, _ = stored_week()
    covered = visits[2].cover("W7")
    assert (covered.worker_id, covered.substitute) == ("W7", True)
    with pytest.raises(Refusal) as not_hers:
        covered.issue_otp("W1", "4821", at=covered.start)
    assert not_hers.value.code == NOT_ALLOWED
    with pytest.raises(Refusal):
        covered.complete("W7", at=ist(covered.day, 9))  # not started with the customer's OTP
    begun = started(covered, "W7")
    with pytest.raises(Refusal) as still_not_hers:
        begun.complete("W1", at=ist(covered.day, 9))
    assert still_not_hers.value.code == NOT_ALLOWED
    assert begun.complete("W7", at=ist(covered.day, 9)).state is VisitState.DONE


def test_a_visit_is_missed_only_after_its_time_and_a_settled_visit_does_not_change_again() -> None:
    visits, _ = stored_week()
    with pytest.raises(Refusal):
        visits[3].miss(at=ist(visits[3].day, 8))
    missed = visits[3].miss(at=ist(visits[3].day, 10))
    with pytest.raises(Refusal):
        missed.cover("W7")


def test_the_arrears_bill_of_a_week_counts_the_visits_done_by_anyone() -> None:
    visits, engagement = stored_week()
    week = [started(visit).complete("W1", at=ist(visit.day, 9)) for visit in visits[:5]]
    week.append(started(visits[5].cover("W7"), "W7").complete("W7", at=ist(visits[5].day, 9)))
    week.append(visits[6].miss(at=ist(visits[6].day, 10)))
    assert completed(week) == 6
    assert engagement.price(completed(week)).visits == 6
    assert len(engagement.visits_in(Month(2027, 3))) == 31


def test_the_otp_is_asked_for_at_the_door_counts_wrong_tries_and_expires() -> None:
    visits, _ = stored_week()
    visit = visits[0]
    with pytest.raises(Refusal):
        visit.issue_otp("W1", "4821", at=visit.start - EARLY_ARRIVAL - timedelta(minutes=1))  # still at home
    with pytest.raises(Refusal):
        visit.start_with_otp("W1", "4821", matches=same, at=visit.start)  # no OTP asked for yet
    issued = visit.issue_otp("W1", "4821", at=visit.start - EARLY_ARRIVAL)
    tried = issued
    for left in range(MAX_OTP_ATTEMPTS - 1, -1, -1):
        tried, refusal = tried.start_with_otp("W1", "1111", matches=same, at=visit.start)
        assert refusal is not None and refusal.code == INVALID_OTP.code and tried.otp is not None
        assert tried.otp.wrong_tries == MAX_OTP_ATTEMPTS - left and tried.started_at is None
    used_up, refusal = tried.start_with_otp("W1", "4821", matches=same, at=visit.start)  # even the right one
    assert refusal is not None and used_up == tried
    late = issued.start + OTP_VALIDITY
    expired, refusal = issued.start_with_otp("W1", "4821", matches=same, at=late + EARLY_ARRIVAL)
    assert refusal is not None and refusal.code == "otp_expired" and expired == issued
    fresh = tried.issue_otp("W1", "7305", at=late)  # a new OTP starts the count again
    begun, refusal = fresh.start_with_otp("W1", "7305", matches=same, at=late)
    assert refusal is None and begun.started_at == late


def test_a_started_visit_is_not_missed_nor_covered_and_a_substitute_needs_her_own_otp() -> None:
    visits, _ = stored_week()
    begun = started(visits[0])
    with pytest.raises(Refusal):
        begun.miss(at=begun.end + timedelta(hours=1))
    with pytest.raises(Refusal):
        begun.cover("W7")
    covered = visits[1].issue_otp("W1", "4821", at=visits[1].start).cover("W7")
    assert covered.otp is None
