"""One steady worker: a worker's calendar is free for a schedule only when none of its visits overlaps one she holds,
travel time between the two places included; a property test checks the searched rule against every pair."""

from datetime import UTC, date, datetime, time, timedelta

from engagement_factory import activated, cook_terms, ist, requested
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.engagement_terms import BillingMode, EmploymentBasis, EngagementTerms, VisitSchedule
from fulfillment.engagement_calendar import MAX_TRAVEL, Booking, calendar_free, clashes, fits, travel_time

HAZRATGANJ = (26.8467, 80.9462)
GOMTI_NAGAR = (26.8500, 80.9990)  # about 5.2 km east
DAY = date(2027, 3, 1)


def at(hour: int, minute: int = 0) -> datetime:
    return ist(DAY, hour, minute)


def test_travel_time_is_the_road_distance_at_city_speed_plus_a_margin_and_none_at_the_same_door() -> None:
    assert travel_time(HAZRATGANJ, HAZRATGANJ) == timedelta(0)
    assert travel_time(HAZRATGANJ, GOMTI_NAGAR) == timedelta(minutes=40)  # 5.26 km x 1.4 at 15 km/h, + 10
    assert travel_time(HAZRATGANJ, (28.61, 77.21)) == MAX_TRAVEL  # Delhi: capped, nobody is matched that far


def test_back_to_back_at_the_same_home_fits_but_across_town_needs_the_journey() -> None:
    cook = Booking(at(7), at(9), HAZRATGANJ, "engagement:A")
    assert fits(cook, Booking(at(9), at(10), HAZRATGANJ, "order:1"))
    assert not fits(cook, Booking(at(9, 30), at(10, 30), GOMTI_NAGAR, "engagement:B"))
    assert fits(cook, Booking(at(9, 40), at(10, 40), GOMTI_NAGAR, "engagement:B"))
    assert not fits(Booking(at(8), at(8, 30), GOMTI_NAGAR, "order:2"), cook)  # overlapping, whichever comes first


def test_a_second_part_time_engagement_fits_around_the_first_only_with_time_to_travel() -> None:
    held = activated(requested(DAY)).bookings(DAY, DAY + timedelta(days=30))
    evenings = VisitSchedule(frozenset({1, 3, 5}), time(9, 30), 120)
    terms = EngagementTerms(evenings, 1, 12, 7, EmploymentBasis.PART_TIME, BillingMode.ADVANCE)
    nearby = requested(DAY, schedule=evenings, terms=terms, engagement_id="EN-2", place_gps="26.850000,80.999000")
    found = clashes(nearby.bookings(DAY, DAY + timedelta(days=30)), held)
    assert found and {wanted.ref.split(":")[1] for wanted, _ in found} == {"EN-2"}
    assert len(found) == len(nearby.bookings(DAY, DAY + timedelta(days=30)))  # every Mon/Wed/Fri clashes
    later = requested(DAY, schedule=evenings.at(time(9, 40)), terms=terms, engagement_id="EN-3",
                      place_gps="26.850000,80.999000")
    assert calendar_free(later.bookings(DAY, DAY + timedelta(days=30)), held)


def test_a_one_off_order_in_the_middle_of_the_term_makes_the_calendar_busy() -> None:
    held = [Booking(ist(date(2027, 3, 17), 7, 30), ist(date(2027, 3, 17), 8, 30), GOMTI_NAGAR, "order:SM-9")]
    cook = activated(requested(DAY, terms=cook_terms()))
    found = clashes(cook.bookings(DAY, cook.last_day), held)
    assert [(wanted.ref, busy.ref) for wanted, busy in found] == [("engagement:EN-1:2027-03-17", "order:SM-9")]


PLACES = st.sampled_from([HAZRATGANJ, GOMTI_NAGAR, (26.80, 80.90), (26.90, 80.95)])
ORIGIN = datetime(2027, 3, 1, tzinfo=UTC)


@st.composite
def bookings(draw: st.DrawFn, ref: str) -> Booking:
    start = ORIGIN + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 7)))
    length = timedelta(minutes=30 * draw(st.integers(1, 48)))
    return Booking(start, start + length, draw(PLACES), ref)


@settings(max_examples=300, deadline=None)
@given(st.lists(bookings("wanted"), max_size=12), st.lists(bookings("held"), max_size=20))
def test_the_searched_rule_finds_exactly_the_pairs_that_do_not_fit(wanted: list[Booking], held: list[Booking]) -> None:
    every_pair = [(a, b) for a in wanted for b in held if not fits(a, b)]
    assert sorted(clashes(wanted, held), key=repr) == sorted(every_pair, key=repr)
    if calendar_free(wanted, held):  # what the worker then holds never overlaps, journeys included
        for a in wanted:
            for b in held:
                first, second = sorted((a, b), key=lambda booking: booking.start)
                assert first.end + travel_time(first.place, second.place) <= second.start
