"""The time records are stamped with. Every caller goes through `clock.now()`, so a test
that replaces `now` here moves the time for models, services and views alike."""

from datetime import UTC, datetime


def now() -> datetime:
    """The current UTC time, naive as stored."""
    return datetime.now(UTC).replace(tzinfo=None)
