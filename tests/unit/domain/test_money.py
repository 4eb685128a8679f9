from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.money import fils_to_decimal, format_fils, kwd_to_fils

NBSP = "\u00a0"
RLM = "\u200f"


@pytest.mark.parametrize(
    "fils, text",
    [
        (50000, f"KWD{NBSP}50.000"),
        (30000, f"KWD{NBSP}30.000"),
        (5000, f"KWD{NBSP}5.000"),
        (5500, f"KWD{NBSP}5.500"),
        (1, f"KWD{NBSP}0.001"),
        (0, f"KWD{NBSP}0.000"),
        (1234567890, f"KWD{NBSP}1,234,567.890"),
    ],
)
def test_english(fils, text):
    assert format_fils(fils, "en") == text


def test_english_variants_read_the_same():
    assert format_fils(50000, "en_GB") == f"KWD{NBSP}50.000"


def test_arabic_uses_babels_arabic_locale():
    assert format_fils(50000, "ar") == f"{RLM}50.000{NBSP}د.ك.{RLM}"
    assert format_fils(5500, "ar_KW") == f"{RLM}5.500{NBSP}د.ك.{RLM}"


@pytest.mark.parametrize("not_fils", [50.0, Decimal("50"), "50", True, None])
def test_only_whole_fils_are_money(not_fils):
    with pytest.raises(TypeError):
        format_fils(not_fils, "en")
    with pytest.raises(TypeError):
        fils_to_decimal(not_fils)


def test_fils_to_decimal_is_exact():
    assert fils_to_decimal(5500) == Decimal("5.5")
    assert fils_to_decimal(1) == Decimal("0.001")


@pytest.mark.parametrize(
    "text, fils",
    [
        ("50", 50000),
        ("5.5", 5500),
        ("30.000", 30000),
        ("0.001", 1),
        ("0", 0),
        (" 100 ", 100000),
        ("٥٠", 50000),
        ("۵.۵", 5500),
        ("٣٠٫٠٠٠", 30000),  # Arabic decimal separator
        ("007.25", 7250),
    ],
)
def test_kwd_to_fils(text, fils):
    assert kwd_to_fils(text) == fils


@pytest.mark.parametrize(
    "text",
    ["", "-5", "+5", "5.0001", "5.", ".5", "5,5", "1,000", "5 KWD", "1e3", "nan", "٥.٥٥٥٥", "1" * 16],
)
def test_kwd_to_fils_refuses(text):
    with pytest.raises(ValueError):
        kwd_to_fils(text)


def test_kwd_to_fils_takes_text_only():
    with pytest.raises(TypeError):
        kwd_to_fils(50)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_format_never_fails_and_reads_back(fils):
    english = format_fils(fils, "en")
    assert english.startswith(f"KWD{NBSP}")
    assert kwd_to_fils(english.removeprefix(f"KWD{NBSP}").replace(",", "")) == fils
    arabic = format_fils(fils, "ar")
    assert "د.ك." in arabic
    assert kwd_to_fils(arabic.strip(RLM).split(NBSP)[0].replace(",", "")) == fils


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_plain_decimal_text_reads_back(fils):
    assert kwd_to_fils(str(fils_to_decimal(fils))) == fils
