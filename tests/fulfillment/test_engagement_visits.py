"""Visits as they happen: done by the steady worker or a substitute, missed, and replanned when the timeline changes;
a month's bill counts the ones done."""

from datetime import date, time, timedelta

import pytest
from engagement_factory import activated, ist, requested

from catalog.engagement_terms import Month
from fulfillment.engagement import Engagement
from fulfillment.engagement_visits import Visit, VisitState, completed, replan
from schemas.refusal import NOT_ALLOWED, Refusal

DAY = date(2027, 3, 1)


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
    done = visits[0].complete("W1", at=ist(DAY, 9))
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
        covered.complete("W1", at=ist(covered.day, 9))
    assert not_hers.value.code == NOT_ALLOWED
    with pytest.raises(Refusal):
        covered.complete("W7", at=ist(covered.day, 6))  # before it begins
    assert covered.complete("W7", at=ist(covered.day, 9)).state is VisitState.DONE


def test_a_visit_is_missed_only_after_its_time_and_a_settled_visit_does_not_change_again() -> None:
    visits, _ = stored_week()
    with pytest.raises(Refusal):
        visits[3].miss(at=ist(visits[3].day, 8))
    missed = visits[3].miss(at=ist(visits[3].day, 10))
    with pytest.raises(Refusal):
        missed.cover("W7")


def test_the_arrears_bill_of_a_week_counts_the_visits_done_by_anyone() -> None:
    visits, engagement = stored_week()
    week = [visit.complete("W1", at=ist(visit.day, 9)) for visit in visits[:5]]
    week.append(visits[5].cover("W7").complete("W7", at=ist(visits[5].day, 9)))
    week.append(visits[6].miss(at=ist(visits[6].day, 10)))
    assert completed(week) == 6
    assert engagement.price(completed(week)).visits == 6
    assert len(engagement.visits_in(Month(2027, 3))) == 31
