"""Kuwaiti IBANs for refunds: KWkk BBBB then 22 characters, 30 in all, with the ISO 7064
mod-97 check digits (python-stdnum's `iban`, which also knows Kuwait's layout)."""

import re

from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, ValidationError

from domain.digits import normalise_digits

KUWAIT_LENGTH = 30
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]")
_LETTERS_AND_DIGITS = re.compile(r"[A-Z0-9]+")
_KUWAIT_SHAPE = re.compile(r"KW[0-9]{2}[A-Z]{4}[A-Z0-9]{22}")


class InvalidIban(ValueError):
    """`reason` is one of "format", "not_kuwait", "length", "checksum"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def parse_kuwait_iban(text: str) -> str:
    """The 30 characters of a valid Kuwaiti IBAN as typed (any digits, spaces, dashes,
    lower case), compact and upper case; or InvalidIban."""
    compact = _SEPARATORS.sub("", normalise_digits(text or "")).upper()
    if not compact or not _LETTERS_AND_DIGITS.fullmatch(compact) or not compact.isascii():
        raise InvalidIban("format", "an IBAN has only letters and digits")
    if not compact.startswith("KW"):
        raise InvalidIban("not_kuwait", "not a Kuwaiti IBAN")
    if len(compact) != KUWAIT_LENGTH:
        raise InvalidIban("length", f"a Kuwaiti IBAN has {KUWAIT_LENGTH} characters")
    if not _KUWAIT_SHAPE.fullmatch(compact):
        raise InvalidIban("format", "KW, 2 check digits, a 4-letter bank code, 22 characters")
    try:
        return stdnum_iban.validate(compact)
    except InvalidChecksum as problem:
        raise InvalidIban("checksum", "the check digits do not match") from problem
    except ValidationError as problem:
        raise InvalidIban("format", str(problem)) from problem


def grouped(compact: str) -> str:
    """In groups of four, as printed on bank papers: KW81 CBKU 0000 ..."""
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def masked(compact: str) -> str:
    """Country, check digits and the last four characters; the rest hidden."""
    if len(compact) < 8:
        return "••••"
    return f"{compact[:4]} •••• {compact[-4:]}"
