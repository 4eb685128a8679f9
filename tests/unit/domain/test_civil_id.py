from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.civil_id import (
    InvalidCivilId,
    age_on,
    birth_date,
    check_digit,
    mask_civil_id,
    parse_civil_id,
)

TODAY = date(2026, 1, 15)
VALID = ["291030104196", "279040907388", "288070804106"]
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"


def in_script(digits: str, script: str) -> str:
    return "".join(script[int(d)] for d in digits)


@st.composite
def valid_civil_ids(draw):
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    century = "2" if born.year < 2000 else "3"
    serial = draw(st.text("0123456789", min_size=4, max_size=4))
    first11 = f"{century}{born:%y%m%d}{serial}"
    digit = check_digit(first11)
    assume(digit is not None)
    return first11 + str(digit)


@pytest.mark.parametrize("civil_id", VALID)
def test_known_valid_ids(civil_id):
    assert parse_civil_id(civil_id, today=TODAY) == civil_id


def test_known_invalid_id_fails_its_check_digit():
    with pytest.raises(InvalidCivilId) as refused:
        parse_civil_id("290011500180", today=TODAY)
    assert refused.value.reason == "check_digit"


def test_check_digit_of_a_known_id():
    assert check_digit("29103010419") == 6


def test_remainder_zero_and_one_have_no_check_digit():
    # the known invalid example: weighted sum is 0 mod 11, which would need "11"
    assert check_digit("29001150018") is None
    # 6 x 2 = 12, 1 mod 11, which would need "10"
    assert check_digit("60000000000") is None
    # 5 x 2 = 10: 11 - 10
    assert check_digit("50000000000") == 1


@pytest.mark.parametrize(
    "text",
    ["2910 3010 4196", "2910-3010-4196", " 291030104196 ", "٢٩١٠٣٠١٠٤١٩٦", "۲۹۱۰۳۰۱۰۴۱۹۶"],
)
def test_spacing_and_scripts_are_accepted(text):
    assert parse_civil_id(text, today=TODAY) == "291030104196"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "format"),
        ("29103010419", "format"),
        ("2910301041966", "format"),
        ("29103010419x", "format"),
        ("२९१०३०१०४१९६", "format"),  # Devanagari digits are not accepted
        ("191030104196", "century"),
        ("491030104196", "century"),
        ("291302304196", "birth_date"),  # month 30
        ("290229004196", "birth_date"),  # 1990 was not a leap year
        ("291030104197", "check_digit"),
    ],
)
def test_refusals_name_their_reason(text, reason):
    with pytest.raises(InvalidCivilId) as refused:
        parse_civil_id(text, today=TODAY)
    assert refused.value.reason == reason


def test_birth_date_after_today_is_refused():
    first11 = "32601160000"
    digit = check_digit(first11)
    assert digit is not None
    with pytest.raises(InvalidCivilId) as refused:
        parse_civil_id(first11 + str(digit), today=TODAY)
    assert refused.value.reason == "birth_date"


def test_invalid_civil_id_is_a_value_error():
    assert issubclass(InvalidCivilId, ValueError)


def test_birth_dates_of_known_ids():
    assert birth_date("291030104196") == date(1991, 3, 1)
    assert birth_date("279040907388") == date(1979, 4, 9)
    assert birth_date("288070804106") == date(1988, 7, 8)


@pytest.mark.parametrize(
    "born, on, age",
    [
        (date(1991, 3, 1), date(2026, 2, 28), 34),
        (date(1991, 3, 1), date(2026, 3, 1), 35),
        (date(2013, 6, 10), date(2025, 6, 9), 11),
        (date(2013, 6, 10), date(2025, 6, 10), 12),
        (date(2000, 1, 1), date(2000, 1, 1), 0),
        # 29 February: one year older on 1 March in common years
        (date(2012, 2, 29), date(2025, 2, 28), 12),
        (date(2012, 2, 29), date(2025, 3, 1), 13),
        (date(2012, 2, 29), date(2024, 2, 29), 12),
        (date(2012, 2, 29), date(2024, 2, 28), 11),
    ],
)
def test_age_in_whole_years(born, on, age):
    assert age_on(born, on) == age


def test_age_from_a_civil_id():
    assert age_on("291030104196", date(2026, 3, 1)) == 35


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError):
        age_on(date(2020, 1, 2), date(2020, 1, 1))


def test_mask_keeps_first_and_last_four():
    assert mask_civil_id("291030104196") == "2910••••4196"
    assert mask_civil_id("٢٩١٠٣٠١٠٤١٩٦") == "2910••••4196"


def test_mask_of_something_else_shows_nothing():
    assert mask_civil_id("12345") == "••••"


@settings(max_examples=200, deadline=None)
@given(valid_civil_ids())
def test_generated_ids_round_trip(civil_id):
    assert parse_civil_id(civil_id, today=TODAY) == civil_id
    assert parse_civil_id(in_script(civil_id, ARABIC_INDIC), today=TODAY) == civil_id
    assert parse_civil_id(in_script(civil_id, PERSIAN), today=TODAY) == civil_id
    born = birth_date(civil_id)
    assert f"{born:%y%m%d}" == civil_id[1:7]


@settings(max_examples=300, deadline=None)
@given(valid_civil_ids(), st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_one_wrong_digit_is_refused(civil_id, position, shift):
    wrong = str((int(civil_id[position]) + shift) % 10)
    corrupted = civil_id[:position] + wrong + civil_id[position + 1 :]
    with pytest.raises(InvalidCivilId):
        parse_civil_id(corrupted, today=TODAY)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), st.integers(min_value=0, max_value=40000))
def test_age_never_decreases(born, days):
    on = born + timedelta(days=days)
    assert age_on(born, on) <= age_on(born, on + timedelta(days=1))
    assert 0 <= age_on(born, on) <= days // 365
