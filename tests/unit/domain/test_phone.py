import pytest

from domain.phone import InvalidMobile, mask_mobile, national_format, parse_kuwait_mobile


@pytest.mark.parametrize(
    "text, e164",
    [
        ("50012345", "+96550012345"),
        ("5001 2345", "+96550012345"),
        ("5001-2345", "+96550012345"),
        ("+965 5001 2345", "+96550012345"),
        ("+96550012345", "+96550012345"),
        ("0096550012345", "+96550012345"),
        ("00965 5001-2345", "+96550012345"),
        ("٥٠٠١٢٣٤٥", "+96550012345"),
        ("۵۰۰۱۲۳۴۵", "+96550012345"),
        ("+٩٦٥ ٩٠٠٠ ١٢٣٤", "+96590001234"),
        ("65012345", "+96565012345"),
        ("41234567", "+96541234567"),
        ("99999999", "+96599999999"),
    ],
)
def test_kuwaiti_mobiles(text, e164):
    assert parse_kuwait_mobile(text) == e164


@pytest.mark.parametrize("text", ["22123456", "+965 2212 3456", "0096522123456", "٢٢١٢٣٤٥٦"])
def test_land_lines_cannot_receive_sms(text):
    with pytest.raises(InvalidMobile) as refused:
        parse_kuwait_mobile(text)
    assert refused.value.reason == "landline"


@pytest.mark.parametrize("text", ["+447911123456", "+966501234567", "00971501234567"])
def test_other_countries(text):
    with pytest.raises(InvalidMobile) as refused:
        parse_kuwait_mobile(text)
    assert refused.value.reason == "not_kuwait"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "+",
        "+965",
        "5001234",  # seven digits
        "500123456",  # nine digits
        "12345678",  # no Kuwaiti number starts with 1
        "80012345",  # nor with 8
        "71234567",
        "5001234a",
        "mobile",
        "+965 5001 2345 ext 1",
        "५००१२३४५",  # Devanagari
    ],
)
def test_not_mobiles(text):
    with pytest.raises(InvalidMobile) as refused:
        parse_kuwait_mobile(text)
    assert refused.value.reason == "format"


def test_invalid_mobile_is_a_value_error():
    assert issubclass(InvalidMobile, ValueError)


def test_national_form_is_two_groups_of_four():
    assert national_format("+96550012345") == "5001 2345"


def test_mask_shows_the_last_four_digits():
    assert mask_mobile("+96550012345") == "+965 ••••2345"


@pytest.mark.parametrize("bad", ["50012345", "+9665001234", "+447911123456"])
def test_display_helpers_need_a_kuwaiti_e164(bad):
    with pytest.raises(ValueError):
        national_format(bad)
    with pytest.raises(ValueError):
        mask_mobile(bad)
