"""Passwords people choose: the policy they must meet and argon2 hashing."""

import gzip
import unicodedata
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from domain.digits import normalise_digits

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"


class WeakPassword(ValueError):
    """`reason` is one of "too_short", "too_long", "common", "personal"."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def normalise_password(password: str) -> str:
    # The same password typed on another keyboard may arrive in another Unicode
    # form (Arabic presentation forms, full-width Latin); NFKC makes them one.
    return unicodedata.normalize("NFKC", password)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    folded = normalise_password(password).lower()
    # ١٢٣٤٥٦٧٨ is as weak as 12345678.
    return folded in common_passwords() or normalise_digits(folded) in common_passwords()


def check_password(password: str, *, personal: tuple[str, ...] = ()) -> str:
    """The normalised password when it meets the policy, otherwise WeakPassword.

    `personal` holds values the person is known by (civil ID, mobile digits): a
    password equal to one of them is guessed first.
    """
    normal = normalise_password(password)
    if len(normal) < MIN_LENGTH:
        raise WeakPassword("too_short", f"a password has at least {MIN_LENGTH} characters")
    if len(normal) > MAX_LENGTH:
        raise WeakPassword("too_long", f"a password has at most {MAX_LENGTH} characters")
    if is_common(normal):
        raise WeakPassword("common", "the password is on a list of common passwords")
    digits = normalise_digits(normal)
    if any(value and value in digits for value in personal):
        raise WeakPassword("personal", "the password contains the civil ID or mobile number")
    return normal


def make_hasher(cheap: bool = False) -> PasswordHasher:
    """argon2-cffi's recommended parameters; `cheap` only for the test suite's speed."""
    return PasswordHasher.from_parameters(profiles.CHEAPEST) if cheap else PasswordHasher()


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(normalise_password(password))


def verify_password(hasher: PasswordHasher, stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`. With no stored hash, the same work is
    done against a throwaway hash, so a missing account takes as long to refuse."""
    target = stored or _throwaway_hash(hasher)
    try:
        return hasher.verify(target, normalise_password(password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=4)
def _throwaway_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not a password anyone has: " + str(id(hasher)))
