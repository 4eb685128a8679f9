"""Kuwaiti dinar amounts, held as whole fils (1 KWD = 1000 fils)."""

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency

from domain.digits import normalise_digits

FILS_PER_KWD = 1000
CURRENCY = "KWD"

# Babel's English pattern glues the code to the number ("KWD50.000").
_ENGLISH_PATTERN = "¤¤\u00a0#,##0.000"
# U+066B is the Arabic decimal separator some keyboards type.
_KWD_AMOUNT = re.compile(r"(?P<dinars>[0-9]+)(?:[.\u066b](?P<fils>[0-9]{1,3}))?")
_MAX_DINAR_DIGITS = 15


def _require_fils(fils: int) -> None:
    if isinstance(fils, bool) or not isinstance(fils, int):
        raise TypeError(f"money is whole fils (int), not {type(fils).__name__}")


def fils_to_decimal(fils: int) -> Decimal:
    """The amount in dinars, exact."""
    _require_fils(fils)
    return Decimal(fils) / FILS_PER_KWD


def format_fils(fils: int, locale: str) -> str:
    """The amount as a person reading `locale` expects: KWD 50.000 / ‏50.000 د.ك.‏"""
    _require_fils(fils)
    return _format_fils(fils, locale)


# Pages show the same few amounts over and over; Babel's formatting is the slow part of a quote.
@lru_cache(maxsize=4096)
def _format_fils(fils: int, locale: str) -> str:
    amount = fils_to_decimal(fils)
    if Locale.parse(locale).language == "en":
        return format_currency(amount, CURRENCY, format=_ENGLISH_PATTERN, locale=locale)
    return format_currency(amount, CURRENCY, locale=locale)


def kwd_to_fils(text: str) -> int:
    """Fils in a dinar amount such as "50", "5.5" or "٣٠٫٠٠٠"; ValueError otherwise."""
    if not isinstance(text, str):
        raise TypeError("kwd_to_fils parses text")
    match = _KWD_AMOUNT.fullmatch(normalise_digits(text))
    if match is None or len(match["dinars"]) > _MAX_DINAR_DIGITS:
        raise ValueError(f"not an amount in KWD with at most three decimals: {text!r}")
    fils = (match["fils"] or "").ljust(3, "0")
    return int(match["dinars"]) * FILS_PER_KWD + int(fils)
