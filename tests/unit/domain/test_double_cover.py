"""Never paying twice for the same cover: two periods of whole days overlap when they share
one day; a renewal starts the day after the cover it renews, so it never overlaps it."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.cover import cover_end
from domain.double_cover import PaidCover, covers_in_the_way, overlaps, renew_from
from domain.renewals import RENEWAL_OPENS_DAYS_BEFORE, cover_start, paid_cover, renewal_open

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))
periods = st.tuples(days, st.integers(min_value=0, max_value=3 * 366)).map(
    lambda pair: (pair[0], pair[0] + timedelta(days=pair[1]))
)


def days_of(period):
    return {period[0] + timedelta(days=n) for n in range((period[1] - period[0]).days + 1)}


@given(periods, periods)
def test_two_periods_overlap_exactly_when_they_share_a_day(first, second):
    assert overlaps(first, second) == bool(days_of(first) & days_of(second))
    assert overlaps(first, second) == overlaps(second, first)


def test_the_last_day_and_the_next_first_day_do_not_overlap():
    assert not overlaps((date(2026, 12, 20), date(2027, 12, 19)), (date(2027, 12, 20), date(2028, 12, 19)))
    assert overlaps((date(2026, 12, 20), date(2027, 12, 19)), (date(2027, 12, 19), date(2028, 12, 18)))


@given(days, st.integers(min_value=1, max_value=5), days, st.integers(min_value=1, max_value=5))
def test_a_renewal_from_the_paid_cover_never_overlaps_it(paid_on, years, renewed_on, renewal_years):
    paid = PaidCover("291030104196", "TM-AAAA-AAAA", paid_on, cover_end(paid_on, years))
    renewal = paid_cover(renewed_on, "renewal", paid.end, renewal_years)
    assert renewal[0] >= renew_from(paid) and not overlaps((paid.start, paid.end), renewal)
    # A new cover paid for while the old one runs overlaps it: the case this rule stops.
    if paid.start <= renewed_on <= paid.end:
        assert overlaps((paid.start, paid.end), paid_cover(renewed_on, "new", None, renewal_years))


def test_the_covers_in_the_way_are_those_of_these_people_on_shared_days_latest_first():
    period = (date(2026, 12, 20), date(2027, 12, 19))
    ends_2027 = PaidCover("1", "TM-A", date(2026, 1, 1), date(2027, 1, 1))
    ends_2028 = PaidCover("1", "TM-B", date(2027, 1, 2), date(2028, 12, 7))
    before = PaidCover("1", "TM-C", date(2024, 1, 1), date(2026, 12, 19))
    someone_else = PaidCover("2", "TM-D", date(2026, 1, 1), date(2030, 1, 1))
    found = covers_in_the_way(["1"], period, [ends_2027, before, someone_else, ends_2028])
    assert found == [ends_2028, ends_2027]
    assert covers_in_the_way([], period, [ends_2027]) == []


def test_renewal_is_open_from_the_window_before_the_end_and_after_it():
    end = date(2027, 12, 19)
    opens = end - timedelta(days=RENEWAL_OPENS_DAYS_BEFORE)
    assert not renewal_open(end, opens - timedelta(days=1))
    assert renewal_open(end, opens) and renewal_open(end, end)
    assert renewal_open(end, end + timedelta(days=400))


def test_a_renewal_starts_the_day_after_the_cover_it_renews():
    paid = PaidCover("1", "TM-A", date(2026, 12, 20), date(2027, 12, 19))
    assert renew_from(paid) == date(2027, 12, 20) == cover_start(date(2027, 11, 1), "renewal", paid.end)
