from datetime import date

import pytest
from hypothesis import given, strategies as st

from domain.dates import parse_date, today_in_kuwait

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


def test_today_in_kuwait_is_a_date():
    assert isinstance(today_in_kuwait(), date)
