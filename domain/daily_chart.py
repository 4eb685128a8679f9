"""The desk's 30-day chart: from per-day totals to the geometry of a small server-drawn
SVG, one strip of bars per series, each scaled to its own highest day.

Pure: days and numbers in, rectangles out. The template draws them and the table beside
them. Days run in reading order: oldest first, so the newest is at the end of the line in
English (right) and in Arabic (left).
"""

from dataclasses import dataclass
from datetime import date, timedelta

DAYS = 30
BAR = 9  # width of a day's bar
GAP = 3
STRIP = 30  # height of the tallest bar
LABEL = 16  # room above each strip for its name
WIDTH = DAYS * (BAR + GAP) - GAP

# (series, summary kind, which number of the kind's row): "events" or "fils".
SERIES = (
    ("payments", "payments", "events"),
    ("amount", "payments", "fils"),
    ("refunds", "refunds", "events"),
    ("mismatches", "mismatches", "events"),
    ("sms_failures", "sms_failures", "events"),
    ("reminders_sent", "reminders_sent", "events"),
    ("renewals_followed", "renewals_followed", "events"),
)


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    day: date
    value: int


@dataclass(frozen=True)
class Strip:
    series: str
    label_y: int  # baseline of the series' name
    base_y: int  # where its bars stand
    peak: int
    total: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    days: tuple[date, ...]
    strips: tuple[Strip, ...]
    rows: tuple[dict, ...]  # per day, newest first: {"day": date, series: value, "refunded_fils": n}


def last_days(today: date, count: int = DAYS) -> tuple[date, ...]:
    """The `count` days ending with `today`, oldest first."""
    return tuple(today - timedelta(days=back) for back in range(count - 1, -1, -1))


def bars(values: list[int], days: tuple[date, ...], base_y: int, rtl: bool = False) -> tuple[Bar, ...]:
    """One bar per day, the highest value STRIP tall; any value above zero at least 1 tall,
    so that a single event shows. Days run in reading order: right to left when `rtl`."""
    peak = max(values, default=0)
    drawn = []
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        height = 0 if not peak or value <= 0 else max(1, round(STRIP * value / peak))
        slot = len(days) - 1 - index if rtl else index
        drawn.append(Bar(slot * (BAR + GAP), base_y - height, BAR, height, day, value))
    return tuple(drawn)


def chart(
    days: tuple[date, ...], totals: dict[tuple[date, str], tuple[int, int]], rtl: bool = False
) -> Chart:
    """`totals` maps (day, summary kind) to (events, fils), as the summary rows keep them;
    a day without a row counted nothing."""

    def value(day: date, kind: str, number: str) -> int:
        events, fils = totals.get((day, kind), (0, 0))
        return events if number == "events" else fils

    strips = []
    top = 0
    for series, kind, number in SERIES:
        values = [value(day, kind, number) for day in days]
        base = top + LABEL + STRIP
        strips.append(
            Strip(
                series,
                top + LABEL - 4,
                base,
                max(values, default=0),
                sum(values),
                bars(values, days, base, rtl),
            )
        )
        top = base + GAP * 2
    rows = tuple(
        {
            "day": day,
            **{series: value(day, kind, number) for series, kind, number in SERIES},
            "refunded_fils": value(day, "refunds", "fils"),
        }
        for day in reversed(days)
    )
    return Chart(WIDTH, top, days, tuple(strips), rows)
