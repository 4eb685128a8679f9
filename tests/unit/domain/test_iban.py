"""Kuwaiti IBANs for refunds: checksum, country, length, digits in any script."""

import pytest

from domain.iban import InvalidIban, grouped, masked, parse_kuwait_iban

GOOD = "KW81CBKU0000000000001234560101"


@pytest.mark.parametrize(
    "typed",
    [
        GOOD,
        "KW81 CBKU 0000 0000 0000 1234 5601 01",
        "kw81cbku0000000000001234560101",
        "  KW81-CBKU-0000-0000-0000-1234-5601-01 ",
        "KW٨١CBKU٠٠٠٠٠٠٠٠٠٠٠٠١٢٣٤٥٦٠١٠١",  # Arabic-Indic digits
        "KW۸۱ CBKU ۰۰۰۰ ۰۰۰۰ ۰۰۰۰ ۱۲۳۴ ۵۶۰۱ ۰۱",  # Persian digits
        "\u200fKW81CBKU0000000000001234560101\u200f",  # direction marks from a copied Arabic text
    ],
)
def test_good_iban_in_any_form(typed):
    assert parse_kuwait_iban(typed) == GOOD


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("KW82CBKU0000000000001234560101", "checksum"),
        ("KW81CBKU0000000000001234560102", "checksum"),
        ("GB82WEST12345698765432", "not_kuwait"),  # a valid British IBAN
        ("SA0380000000608010167519", "not_kuwait"),
        ("KW81CBKU000000000000123456010", "length"),
        ("KW81CBKU00000000000012345601011", "length"),
        ("KW81CB1U0000000000001234560101", "format"),  # the bank code is letters
        ("KW81CBKU00000000000012345601!1", "format"),
        ("", "format"),
        ("كويت", "format"),
    ],
)
def test_bad_iban(typed, reason):
    with pytest.raises(InvalidIban) as problem:
        parse_kuwait_iban(typed)
    assert problem.value.reason == reason


def test_grouped_and_masked():
    assert grouped(GOOD) == "KW81 CBKU 0000 0000 0000 1234 5601 01"
    assert masked(GOOD) == "KW81 •••• 0101"
    assert "1234" not in masked(GOOD)
