"""Kuwaiti mobile numbers, the only kind that can receive the SMS codes."""

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from domain.digits import normalise_digits

_KUWAIT_CODE = 965
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015().]")
_DIALLED = re.compile(r"\+?[0-9]+")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_MOBILE_FIRST_DIGITS = "4569"
_LANDLINE_FIRST_DIGIT = "2"


class InvalidMobile(ValueError):
    """`reason` is one of "format", "not_kuwait", "landline"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def parse_kuwait_mobile(text: str) -> str:
    """The E.164 form (+96550012345) of a Kuwaiti mobile typed in any script."""
    dialled = _SEPARATORS.sub("", normalise_digits(text))
    if not _DIALLED.fullmatch(dialled):
        raise InvalidMobile("format", "a mobile number has digits only")
    if dialled.startswith("00"):
        dialled = "+" + dialled[2:]
    try:
        number = phonenumbers.parse(dialled, "KW")
    except NumberParseException as error:
        raise InvalidMobile("format", "not a phone number") from error
    if number.country_code != _KUWAIT_CODE:
        raise InvalidMobile("not_kuwait", "the number is not a Kuwaiti number")
    national = str(number.national_number)
    if len(national) == 8 and national[0] == _LANDLINE_FIRST_DIGIT:
        raise InvalidMobile("landline", "land lines cannot receive SMS")
    if (
        len(national) != 8
        or national[0] not in _MOBILE_FIRST_DIGITS
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise InvalidMobile("format", "not a Kuwaiti mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _national_digits(e164: str) -> str:
    prefix = f"+{_KUWAIT_CODE}"
    if not e164.startswith(prefix) or len(e164) != len(prefix) + 8:
        raise ValueError("expected a Kuwaiti number in E.164 form")
    return e164[len(prefix) :]


def national_format(e164: str) -> str:
    """5001 2345: people in Kuwait write eight digits as two groups of four,
    where phonenumbers would write 500 12345."""
    national = _national_digits(e164)
    return f"{national[:4]} {national[4:]}"


def mask_mobile(e164: str) -> str:
    """+965 ••••2345, for logs and screens that confirm where a code went."""
    return f"+{_KUWAIT_CODE} ••••{_national_digits(e164)[4:]}"
