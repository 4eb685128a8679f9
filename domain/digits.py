"""Digits typed in any of the scripts people in Kuwait use, turned into ASCII."""

import re

_ASCII_DIGITS = "0123456789"
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"  # U+0660..U+0669
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"  # U+06F0..U+06F9
_TO_ASCII = str.maketrans(_ARABIC_INDIC + _PERSIAN, _ASCII_DIGITS * 2)

# Text copied from Arabic pages often carries invisible direction marks at
# its ends; str.strip() keeps them, so they would fail the [0-9] check.
# (str.strip with a character set, not a regex: stays linear on long blank input.)
_DIRECTION_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
_BLANKS = _WHITESPACE + _DIRECTION_MARKS

_WHOLE_NUMBER = re.compile(r"[0-9]+")

# Longer input is not a quantity anyone types into a form, and int() refuses
# very long strings anyway (sys.get_int_max_str_digits).
_MAX_WHOLE_NUMBER_DIGITS = 18


def normalise_digits(text: str) -> str:
    """Map Arabic-Indic and Persian digits to ASCII and trim surrounding blanks."""
    return text.translate(_TO_ASCII).strip(_BLANKS)


def parse_whole_number(text: str | None) -> int | None:
    """The non-negative whole number in `text`, or None when it is not one."""
    if not isinstance(text, str):
        return None
    ascii_text = normalise_digits(text)
    if len(ascii_text) > _MAX_WHOLE_NUMBER_DIGITS or not _WHOLE_NUMBER.fullmatch(ascii_text):
        return None
    return int(ascii_text)
