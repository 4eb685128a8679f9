import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.digits import normalise_digits, parse_whole_number

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"


def in_script(number: int, digits: str) -> str:
    return "".join(digits[int(d)] for d in str(number))


def test_every_script_maps_to_ascii():
    assert normalise_digits(ARABIC_INDIC) == "0123456789"
    assert normalise_digits(PERSIAN) == "0123456789"


def test_surrounding_blanks_and_direction_marks_are_stripped():
    assert normalise_digits("  \u200f١٢٣\u200e\u00a0\n") == "123"
    assert normalise_digits(" \u200f \u200e ١ \u061c") == "1"


def test_other_text_is_kept():
    assert normalise_digits("KW ٥-٦") == "KW 5-6"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("42", 42),
        ("٤٢", 42),
        ("۴۲", 42),
        (" 007 ", 7),
        ("0", 0),
    ],
)
def test_whole_numbers(text, expected):
    assert parse_whole_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "-1",
        "+1",
        "1.5",
        "1e3",
        "1 000",
        "1_000",
        "12\n3",
        "३",  # Devanagari: int() would take it, the form must not
        "𝟑",  # mathematical digit: \d would take it
        "٣a",
        "1" * 19,
        None,
        5,
    ],
)
def test_not_whole_numbers(text):
    assert parse_whole_number(text) is None


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**18 - 1))
def test_same_number_in_any_script(number):
    assert parse_whole_number(str(number)) == number
    assert parse_whole_number(in_script(number, ARABIC_INDIC)) == number
    assert parse_whole_number(in_script(number, PERSIAN)) == number
