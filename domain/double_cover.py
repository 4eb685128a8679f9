"""Never paying twice for the same cover: a person covered by a paid request is not
covered again for any day of that period. Periods are whole Kuwait days, first and last
day both covered."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class PaidCover:
    """One person's cover on one paid request."""

    civil_id: str
    reference: str
    start: date
    end: date


def overlaps(first: tuple[date, date], second: tuple[date, date]) -> bool:
    """The two periods share at least one day."""
    return first[0] <= second[1] and second[0] <= first[1]


def covers_in_the_way(
    civil_ids: Iterable[str], period: tuple[date, date], paid: Iterable[PaidCover]
) -> list[PaidCover]:
    """The paid covers of these people that share a day with `period`, latest end first:
    each is a reason not to take the money again."""
    wanted = set(civil_ids)
    found = [
        cover for cover in paid if cover.civil_id in wanted and overlaps((cover.start, cover.end), period)
    ]
    return sorted(found, key=lambda cover: (cover.end, cover.reference), reverse=True)


def renew_from(cover: PaidCover) -> date:
    """Where a renewal of `cover` starts: the day after it ends."""
    return cover.end + timedelta(days=1)
