import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import format_day, format_kuwait_time, parse_date

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize("text", ["2015-03-31", "2015/3/31", "31/03/2015", "31-3-2015", " 31.03.2015 "])
def test_formats_people_type(text):
    assert parse_date(text) == date(2015, 3, 31)


@pytest.mark.parametrize("text", ["", "abc", "2015-02-30", "31/13/2015", "2015-03", "15-03-31", "1234567890"])
def test_not_dates(text):
    assert parse_date(text) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_script_gives_the_same_date(day):
    for text in (day.isoformat(), day.strftime("%d/%m/%Y")):
        assert parse_date(text) == day
        assert parse_date(text.translate(ARABIC)) == day
        assert parse_date(text.translate(PERSIAN)) == day


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_day_first_without_leading_zeros_and_in_arabic_script(day):
    text = f"{day.day}/{day.month}/{day.year}"
    assert parse_date(text) == day
    assert parse_date(text.translate(ARABIC)) == day
    assert parse_date(f"{day.day}\u066b{day.month}\u066b{day.year}".translate(ARABIC)) == day


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_shown_date_reads_back_as_the_same_date(day):
    shown = format_day(day)
    assert re.fullmatch(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", shown)
    assert parse_date(shown) == day


def test_dates_are_shown_day_first():
    assert format_day(date(2028, 3, 1)) == "01/03/2028"


@pytest.mark.parametrize(
    "stored, shown",
    [
        (datetime(2028, 3, 31, 10, 5), "31/03/2028 13:05"),
        # After 21:00 UTC it is already the next day in Kuwait (UTC+3, no summer time).
        (datetime(2028, 3, 31, 21, 30), "01/04/2028 00:30"),
        (datetime(2028, 12, 31, 23, 59, tzinfo=UTC), "01/01/2029 02:59"),
    ],
)
def test_stored_instants_are_shown_on_kuwait_clock(stored, shown):
    assert format_kuwait_time(stored) == shown
    assert format_day(stored) == shown.split()[0]
