"""Request references people can read out over the phone: `TM-7K3Q-9XP4`.

Seven random characters and a check character, from 29 symbols without the
look-alikes 0/O, 1/I/L and U/V. The check is a weighted sum modulo 29 (a prime,
as large as the alphabet), so every single mistyped character and every swap of
two neighbours is caught before any lookup.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "TM"
RANDOM_LENGTH = 7
_INDEX = {character: index for index, character in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_]")


def check_character(body: str) -> str:
    # Weights run 8..2 over the body and 1 over the check character, so the
    # weighted sum of a whole reference is 0 modulo 29.
    total = sum((RANDOM_LENGTH + 1 - position) * _INDEX[c] for position, c in enumerate(body))
    return ALPHABET[-total % len(ALPHABET)]


def new_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format_reference(body + check_character(body))


def format_reference(compact: str) -> str:
    return f"{PREFIX}-{compact[:4]}-{compact[4:]}"


def parse_reference(text: str) -> str | None:
    """The canonical form of a typed reference, or None when it cannot be one."""
    compact = _SEPARATORS.sub("", (text or "").upper())
    compact = compact.removeprefix(PREFIX)
    if len(compact) != RANDOM_LENGTH + 1 or any(c not in _INDEX for c in compact):
        return None
    if check_character(compact[:-1]) != compact[-1]:
        return None
    return format_reference(compact)
