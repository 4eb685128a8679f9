"""Kuwaiti civil ID numbers: CYYMMDDSSSSK."""

import re
from datetime import date

from domain.digits import normalise_digits

_WEIGHTS = (2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CENTURIES = {"2": 1900, "3": 2000}
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")
_MASK = "••••"


class InvalidCivilId(ValueError):
    """`reason` is one of "format", "century", "birth_date", "check_digit"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def check_digit(first11: str) -> int | None:
    """The check digit for the first 11 digits, or None when no digit can be valid."""
    if not _ELEVEN_DIGITS.fullmatch(first11):
        raise ValueError("check_digit needs exactly 11 ASCII digits")
    remainder = sum(int(d) * w for d, w in zip(first11, _WEIGHTS)) % 11
    digit = 11 - remainder
    # Remainders 0 and 1 give 11 and 10, which do not fit one digit:
    # such numbers are never issued.
    return digit if digit <= 9 else None


def parse_civil_id(text: str, *, today: date) -> str:
    """The 12 ASCII digits of a valid civil ID typed in any script, or InvalidCivilId.

    A birth date after `today` (today in Kuwait, from the caller) is refused too.
    """
    digits = _well_formed(text)
    if _encoded_birth_date(digits) > today:
        raise InvalidCivilId("birth_date", "the civil ID does not encode a possible birth date")
    return digits


def _well_formed(text: str) -> str:
    """The 12 digits when they make a civil ID on their own: its form, a real birth date
    and the check digit; InvalidCivilId otherwise."""
    digits = _SEPARATORS.sub("", normalise_digits(text))
    if not _TWELVE_DIGITS.fullmatch(digits):
        raise InvalidCivilId("format", "a civil ID has 12 digits")
    if digits[0] not in _CENTURIES:
        raise InvalidCivilId("century", "a civil ID starts with 2 or 3")
    born = _encoded_birth_date(digits)
    if born is None:
        raise InvalidCivilId("birth_date", "the civil ID does not encode a possible birth date")
    if check_digit(digits[:11]) != int(digits[11]):
        raise InvalidCivilId("check_digit", "the civil ID's check digit does not match")
    return digits


def _encoded_birth_date(digits: str) -> date | None:
    year = _CENTURIES[digits[0]] + int(digits[1:3])
    try:
        return date(year, int(digits[3:5]), int(digits[5:7]))
    except ValueError:
        return None


def birth_date(civil_id: str) -> date:
    """The date of birth a valid civil ID encodes."""
    return _encoded_birth_date(_well_formed(civil_id))


def age_on(civil_id_or_birth_date: str | date, on: date) -> int:
    """Age in whole years on `on`.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    born = (
        civil_id_or_birth_date
        if isinstance(civil_id_or_birth_date, date)
        else birth_date(civil_id_or_birth_date)
    )
    if on < born:
        raise ValueError("the date is before the birth date")
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    return on.year - born.year - (0 if had_birthday else 1)


def mask_civil_id(civil_id: str) -> str:
    """First and last four digits only, e.g. 2910••••4196, for logs and receipts."""
    digits = _SEPARATORS.sub("", normalise_digits(civil_id))
    if len(digits) != 12:
        return _MASK
    return digits[:4] + _MASK + digits[-4:]
