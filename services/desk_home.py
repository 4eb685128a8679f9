"""What the desk's front page lists and counts: each read bounded by an index (refunds
waiting, payments in a state that needs a look, the last days), never a count of all
history (issue 24). `front_page_queries` are the queries, for the plan tests."""

from datetime import date, datetime, timedelta

from domain.daily_chart import chart, last_days
from models import DailySummary, Payment, Refund
from services import reminders

GIVEN_UP_DAYS = 7
LISTED = 20


def front_page_queries(now: datetime) -> dict:
    return {
        "waiting": Refund.select().where(Refund.state == Refund.REQUESTED),
        "mismatches": Payment.select()
        .where(Payment.state == Payment.MISMATCH)
        .order_by(Payment.id.desc())
        .limit(LISTED),
        "captured_late": Payment.captured_late_query(limit=LISTED),
        "given_up": Payment.closed_after_inquiry_errors_query(now - timedelta(days=GIVEN_UP_DAYS), LISTED),
    }


def front_page(now: datetime, today: date, rtl: bool) -> dict:
    queries = front_page_queries(now)
    days = last_days(today)
    rows = DailySummary.between(days[0], days[-1])  # the chart and the reminder counts
    return {
        "daily": chart(days, rows, rtl=rtl),
        "waiting": queries.pop("waiting").count(),
        **{name: list(query) for name, query in queries.items()},
        "reminders": reminders.desk_counts(len(days), rows),
    }
