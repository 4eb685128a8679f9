"""Which renewal reminder is due on a day: a fake clock walks each day across year ends
and leap days, and every lead time is sent on its own day, once, and never after the
cover ends."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import kuwait_day
from domain.renewals import (
    InvalidLeadDays,
    cover_start,
    lead_due,
    paid_cover_end,
    parse_lead_days,
)

LEADS = (30, 7)


class FakeClock:
    """Days one at a time, as the daily timer sees them."""

    def __init__(self, start: date):
        self.today = start

    def tick(self) -> date:
        self.today += timedelta(days=1)
        return self.today


def reminders_over(last_day: date, leads, first: date, last: date) -> dict[int, date]:
    """Each lead time and the first day it was due, walking from `first` to `last`,
    recording each lead once as the command's table does."""
    clock = FakeClock(first - timedelta(days=1))
    sent: dict[int, date] = {}
    while clock.tick() <= last:
        lead = lead_due(last_day, leads, clock.today)
        if lead is not None and lead not in sent:
            sent[lead] = clock.today
    return sent


def test_lead_days_setting():
    assert parse_lead_days("30,7") == (30, 7)
    assert parse_lead_days(" 7, 30 ,7") == (30, 7)
    assert parse_lead_days("1") == (1,)
    for wrong in ("", ",", "0", "-3", "seven", "400", "3.5"):
        with pytest.raises(InvalidLeadDays):
            parse_lead_days(wrong)


def test_a_new_request_covers_from_the_day_it_was_paid():
    assert cover_start(date(2026, 3, 1), "new", None) == date(2026, 3, 1)
    assert paid_cover_end(date(2026, 3, 1), "new", None, 1) == date(2027, 2, 28)
    assert paid_cover_end(date(2026, 3, 1), "newborn", date(2026, 9, 1), 2) == date(2028, 2, 29)


def test_a_renewal_covers_from_the_day_after_the_current_cover_ends():
    assert paid_cover_end(date(2026, 12, 1), "renewal", date(2026, 12, 31), 1) == date(2027, 12, 31)
    # Paid after the old cover had ended: from the day it was paid.
    assert paid_cover_end(date(2027, 2, 1), "renewal", date(2026, 12, 31), 1) == date(2028, 1, 31)


def test_leap_days_in_the_cover():
    # Starts on a leap day: ends on 28 February, the day before "29 February" next year.
    assert paid_cover_end(date(2024, 2, 29), "new", None, 1) == date(2025, 2, 28)
    assert paid_cover_end(date(2024, 2, 29), "new", None, 4) == date(2028, 2, 28)
    # A renewal whose old cover ended on 28 February of a leap year starts on the 29th.
    assert paid_cover_end(date(2028, 1, 5), "renewal", date(2028, 2, 28), 1) == date(2029, 2, 28)


def test_each_lead_is_due_on_its_own_day_across_a_year_end():
    last_day = date(2027, 1, 5)
    sent = reminders_over(last_day, LEADS, date(2026, 11, 1), date(2027, 2, 1))
    assert sent == {30: date(2026, 12, 6), 7: date(2026, 12, 29)}


def test_leads_counted_across_a_leap_day():
    last_day = date(2028, 3, 10)  # 29 February 2028 lies in the 30 days before
    sent = reminders_over(last_day, LEADS, date(2028, 1, 1), date(2028, 4, 1))
    assert sent == {30: date(2028, 2, 9), 7: date(2028, 3, 3)}
    # The same dates a year later have no 29 February between them: a day later.
    sent = reminders_over(date(2029, 3, 10), LEADS, date(2029, 1, 1), date(2029, 4, 1))
    assert sent == {30: date(2029, 2, 8), 7: date(2029, 3, 3)}


def test_a_cover_ending_on_new_years_eve_of_a_leap_year():
    paid_on = date(2027, 1, 1)
    last_day = paid_cover_end(paid_on, "new", None, 1)
    assert last_day == date(2027, 12, 31)
    assert reminders_over(last_day, LEADS, paid_on, date(2028, 3, 1)) == {
        30: date(2027, 12, 1),
        7: date(2027, 12, 24),
    }


def test_nothing_is_due_before_the_longest_lead_nor_after_the_cover_ends():
    last_day = date(2026, 6, 30)
    assert lead_due(last_day, LEADS, date(2026, 5, 30)) is None
    assert lead_due(last_day, LEADS, date(2026, 5, 31)) == 30
    assert lead_due(last_day, LEADS, last_day) == 7
    assert lead_due(last_day, LEADS, date(2026, 7, 1)) is None


def test_a_late_start_sends_only_the_most_urgent():
    # The timer was stopped until 5 days before the end: "7 days" only, never "30" after it.
    last_day = date(2026, 1, 3)
    sent = reminders_over(last_day, LEADS, date(2025, 12, 29), date(2026, 1, 10))
    assert sent == {7: date(2025, 12, 29)}


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.lists(st.integers(1, 366), min_size=1, max_size=4, unique=True),
)
def test_every_lead_is_sent_exactly_on_its_day_when_the_timer_runs_daily(last_day, leads):
    leads = tuple(sorted(leads, reverse=True))
    sent = reminders_over(last_day, leads, last_day - timedelta(days=400), last_day + timedelta(days=3))
    assert sent == {lead: last_day - timedelta(days=lead) for lead in leads}


def test_the_kuwait_day_of_a_stored_time():
    # 21:00 UTC on 31 December is already 1 January in Kuwait (UTC+3).
    assert kuwait_day(datetime(2026, 12, 31, 21, 0)) == date(2027, 1, 1)
    assert kuwait_day(datetime(2026, 12, 31, 20, 59)) == date(2026, 12, 31)
    assert kuwait_day(datetime(2028, 2, 28, 22, 0)) == date(2028, 2, 29)
