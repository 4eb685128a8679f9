"""Secrets kept encrypted in the database, so that a copy of it (a backup) does not give
them away: the desk's TOTP secrets, with the Fernet key TOTP_ENCRYPTION_KEY that lives
only in the environment (or, in development, under instance/).

A stored value is `fernet:<token>`. A value without the prefix was written before
encryption (migration 0014 encrypts those) and is read as it is.
"""

from cryptography.fernet import Fernet, InvalidToken
from peewee import CharField

PREFIX = "fernet:"

_cipher: Fernet | None = None


class SecretKeyMissing(RuntimeError):
    """A secret was to be encrypted, but no key was given (use_key)."""


class SecretUnreadable(RuntimeError):
    """A stored secret does not open with the key given: TOTP_ENCRYPTION_KEY has changed."""


def use_key(key: str) -> None:
    global _cipher
    _cipher = Fernet(key)


def has_key() -> bool:
    return _cipher is not None


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(secret: str) -> str:
    if _cipher is None:
        raise SecretKeyMissing("no TOTP_ENCRYPTION_KEY: the secret cannot be stored encrypted")
    return PREFIX + _cipher.encrypt(secret.encode()).decode()


def open_sealed(stored: str) -> str:
    if not is_encrypted(stored):
        return stored
    if _cipher is None:
        raise SecretKeyMissing("no TOTP_ENCRYPTION_KEY: the stored secret cannot be read")
    try:
        return _cipher.decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "a stored TOTP secret does not open with TOTP_ENCRYPTION_KEY: set the key it was stored with"
        ) from None


class SealedField(CharField):
    """A CharField whose value is encrypted in the database and clear in Python."""

    def db_value(self, value):
        if value is None or is_encrypted(value):
            return value
        return seal(value)

    def python_value(self, value):
        return None if value is None else open_sealed(value)
