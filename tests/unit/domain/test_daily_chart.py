"""The desk's 30-day chart geometry: days in reading order, bars scaled to each series'
highest day, a single event still visible, an empty month drawn as empty strips."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain import daily_chart
from domain.daily_chart import BAR, GAP, STRIP, bars, chart, last_days

TODAY = date(2026, 3, 1)


def test_the_last_30_days_end_today_oldest_first():
    days = last_days(TODAY)
    assert len(days) == 30 and days[-1] == TODAY and days[0] == TODAY - timedelta(days=29)
    assert list(days) == sorted(days)


def test_the_highest_day_is_a_full_strip_and_one_event_still_shows():
    days = last_days(TODAY, 3)
    drawn = bars([0, 1, 1000], days, base_y=100)
    assert [bar.height for bar in drawn] == [0, 1, STRIP]
    assert [bar.y + bar.height for bar in drawn] == [100, 100, 100]  # all stand on the base
    assert [bar.x for bar in drawn] == [0, BAR + GAP, 2 * (BAR + GAP)]
    assert [bar.day for bar in drawn] == list(days)


def test_right_to_left_puts_the_oldest_day_at_the_right():
    days = last_days(TODAY, 3)
    assert [bar.x for bar in bars([1, 2, 3], days, 50, rtl=True)] == [2 * (BAR + GAP), BAR + GAP, 0]


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=30, max_size=30))
def test_bars_stay_inside_their_strip_and_keep_the_order_of_values(values):
    drawn = bars(values, last_days(TODAY), base_y=STRIP)
    assert all(0 <= bar.y and bar.height <= STRIP and (bar.height > 0) == (bar.value > 0) for bar in drawn)
    for a in drawn:
        for b in drawn:
            if a.value <= b.value:
                assert a.height <= b.height


def test_the_chart_reads_each_series_from_the_summary_rows():
    days = last_days(TODAY)
    totals = {
        (TODAY, "payments"): (3, 150_000),
        (TODAY - timedelta(days=1), "payments"): (1, 5_000),
        (TODAY, "refunds"): (1, 50_000),
        (TODAY, "renewals_followed"): (2, 0),
    }
    drawn = chart(days, totals)
    by_series = {strip.series: strip for strip in drawn.strips}
    assert [s for s, _kind, _number in daily_chart.SERIES] == [strip.series for strip in drawn.strips]
    assert (by_series["payments"].total, by_series["payments"].peak) == (4, 3)
    assert by_series["amount"].total == 155_000
    failures = by_series["sms_failures"]
    assert failures.total == 0 and not any(bar.height for bar in failures.bars)
    assert drawn.rows[0] == {
        "day": TODAY,
        "payments": 3,
        "amount": 150_000,
        "refunds": 1,
        "refunded_fils": 50_000,
        "mismatches": 0,
        "sms_failures": 0,
        "reminders_sent": 0,
        "renewals_followed": 2,
    }
    assert [row["day"] for row in drawn.rows] == list(reversed(days))


def test_strips_are_stacked_without_overlap_inside_the_picture():
    drawn = chart(last_days(TODAY), {})
    tops = [strip.base_y - STRIP for strip in drawn.strips]
    assert tops == sorted(tops) and all(b - a >= STRIP for a, b in zip(tops, tops[1:], strict=False))
    assert drawn.strips[-1].base_y <= drawn.height and drawn.width == 30 * (BAR + GAP) - GAP
