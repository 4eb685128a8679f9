"""The one clock. Every "now" in the app (a UTC instant, naive as records store it) and
every "today in Kuwait" comes from here, the day worked out from the same instant, so no
two parts of the app can disagree around Kuwait's midnight (21:00 UTC).

Development and testing may start the clock elsewhere: TAMEEN_CLOCK=2027-02-28T21:30:00Z
starts it at that instant when the process starts, and it runs on at the real pace from
there (codes still expire, rate limits still reset). Production never reads it.
The tests freeze and move it with one fixture (tests/conftest.py: `clock`).
"""

from datetime import UTC, date, datetime, timedelta

from domain.dates import kuwait_day

ENVIRONMENT_VARIABLE = "TAMEEN_CLOCK"

_offset = timedelta(0)
_frozen_at: datetime | None = None
_started_from: datetime | None = None


def now() -> datetime:
    """The current instant in UTC, naive as stored."""
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(UTC).replace(tzinfo=None) + _offset


def today_in_kuwait() -> date:
    """The calendar day in Kuwait at `now()`."""
    return kuwait_day(now())


def parse_instant(text: str) -> datetime:
    """`2027-02-28T21:30:00Z` (or with an offset) as a naive UTC instant; a time without
    a zone is taken as UTC. ValueError when it is not a date and time."""
    at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at


def start_at(instant: datetime) -> None:
    """From now on the clock reads `instant` and runs on at the real pace."""
    global _offset
    _offset = instant - datetime.now(UTC).replace(tzinfo=None)


def freeze(instant: datetime) -> None:
    """The clock stands at `instant` until moved again or unfrozen (tests)."""
    global _frozen_at
    _frozen_at = instant


def unfreeze() -> None:
    """Running again, where it ran before it was frozen."""
    global _frozen_at
    _frozen_at = None


def start_from_environment(environ) -> datetime | None:
    """Start the clock where TAMEEN_CLOCK says, once per process; the instant, or None.
    Only development and testing call this (app.py, the tests' conftest)."""
    global _started_from
    text = environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if text and _started_from is None:
        _started_from = parse_instant(text)
        start_at(_started_from)
    return _started_from
