"""Dates as people type them (ISO or day/month/year, in any digit script) and as we show
them: dd/mm/yyyy, the order Kuwait writes on its own papers, in ASCII digits."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.digits import normalise_digits

KUWAIT = ZoneInfo("Asia/Kuwait")

_ISO = re.compile(r"(?P<year>[0-9]{4})[-/.](?P<month>[0-9]{1,2})[-/.](?P<day>[0-9]{1,2})")
_DAY_FIRST = re.compile(r"(?P<day>[0-9]{1,2})[-/.](?P<month>[0-9]{1,2})[-/.](?P<year>[0-9]{4})")


def kuwait_day(at: datetime) -> date:
    """The Kuwait calendar day of an instant (naive UTC, as stored)."""
    return in_kuwait(at).date()


def parse_date(text: str) -> date | None:
    """`2015-03-31`, `31/03/2015`, `٣١/٠٣/٢٠١٥` and the like; None when not a real date."""
    cleaned = normalise_digits(text or "").replace("\u066b", "/")
    match = _ISO.fullmatch(cleaned) or _DAY_FIRST.fullmatch(cleaned)
    if match is None:
        return None
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def format_day(day: date | datetime) -> str:
    """31/03/2028. A datetime is a stored instant (naive UTC): its day in Kuwait."""
    if isinstance(day, datetime):
        day = in_kuwait(day)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_kuwait_time(at: datetime) -> str:
    """31/03/2028 14:05, Kuwait's clock, for a stored instant (naive UTC)."""
    local = in_kuwait(at)
    return f"{format_day(local.date())} {local.hour:02d}:{local.minute:02d}"


def in_kuwait(at: datetime) -> datetime:
    """A stored instant on Kuwait's clock; a naive one is UTC, as every record stores it."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(KUWAIT)


def kuwait_day_in_utc(day) -> tuple[datetime, datetime]:
    """The UTC instants (naive, as stored) where a Kuwait calendar day starts and ends."""
    start = datetime.combine(day, time(), tzinfo=KUWAIT).astimezone(UTC).replace(tzinfo=None)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=KUWAIT).astimezone(UTC)
    return start, end.replace(tzinfo=None)
