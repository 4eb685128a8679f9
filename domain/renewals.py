"""When a paid request's cover ends, and which renewal reminder is due on a given day.

A reminder is due from `lead` days before the last day covered until that last day. When
several lead times are due at once (a request paid close to its end, or the timer stopped
for a while), only the shortest is sent: the person hears the most urgent news once,
instead of "30 days left" on the day there are 6.
"""

from datetime import date, timedelta

from domain import cover

DEFAULT_LEAD_DAYS = (30, 7)
MAX_LEAD_DAYS = 366


class InvalidLeadDays(ValueError):
    pass


def parse_lead_days(text: str) -> tuple[int, ...]:
    """`"30,7"` as (30, 7): whole days from 1 to MAX_LEAD_DAYS, longest first, no repeats."""
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not parts:
        raise InvalidLeadDays("give at least one number of days")
    leads = set()
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= MAX_LEAD_DAYS:
            raise InvalidLeadDays(f"{part!r} is not a whole number of days from 1 to {MAX_LEAD_DAYS}")
        leads.add(int(part))
    return tuple(sorted(leads, reverse=True))


def cover_start(paid_on: date, status: str | None, current_cover_end: date | None) -> date:
    """Cover runs from `paid_on` (check-answers: today), or on renewal from the day after
    the current cover ends when that is later. Check-answers prices with this rule, and a
    paid request's cover end follows it."""
    if status == "renewal" and current_cover_end is not None:
        return max(paid_on, current_cover_end + timedelta(days=1))
    return paid_on


def paid_cover_end(paid_on: date, status: str | None, current_cover_end: date | None, years: int) -> date:
    """The last day a paid request covers."""
    return cover.cover_end(cover_start(paid_on, status, current_cover_end), years)


def paid_cover(
    paid_on: date, status: str | None, current_cover_end: date | None, years: int | None
) -> tuple[date, date] | None:
    """The first and last day covered by a request paid on `paid_on` (a Kuwait day);
    None without a number of years."""
    if not years:
        return None
    return cover_start(paid_on, status, current_cover_end), paid_cover_end(
        paid_on, status, current_cover_end, years
    )


def lead_due(last_day: date, leads: tuple[int, ...], today: date) -> int | None:
    """The lead time whose reminder is due on `today` for a cover ending on `last_day`,
    or None: none yet, or the cover has ended."""
    if today > last_day:
        return None
    due = [lead for lead in leads if last_day - timedelta(days=lead) <= today]
    return min(due) if due else None


# Renew is offered from this many days before the cover ends (and any time after): earlier,
# the button would only invite paying for a second cover next to the one just paid.
RENEWAL_OPENS_DAYS_BEFORE = 90


def renewal_open(last_day: date, today: date) -> bool:
    """Whether renewing a cover ending on `last_day` makes sense on `today`."""
    return today >= last_day - timedelta(days=RENEWAL_OPENS_DAYS_BEFORE)
