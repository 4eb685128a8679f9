"""Summary rows: each event adds to its Kuwait day's row in one upsert, so writers racing on
the same row all count; an SMS that fails is counted where the sender marks it failed.
Run on PostgreSQL too with TEST_DATABASE_URL."""

import threading
from datetime import date, datetime

import models
from gateways.sms import SmsBackend, SmsNotSent
from models import DailySummary, SmsMessage
from models import daily_summary as summary
from services import sms_sender

DAY = date(2026, 3, 1)


def stored(day, kind):
    return DailySummary.between(day, day).get((day, kind))


def test_the_first_event_makes_the_row_and_the_next_add_to_it(context):
    DailySummary.count(DAY, summary.PAYMENTS, 50_000)
    DailySummary.count(DAY, summary.PAYMENTS, 5_000)
    DailySummary.count(DAY, summary.REFUNDS, 1_000)
    assert stored(DAY, summary.PAYMENTS) == (2, 55_000)
    assert stored(DAY, summary.REFUNDS) == (1, 1_000)
    assert DailySummary.select().count() == 2


def test_an_instant_counts_on_its_kuwait_day(context):
    DailySummary.count_at(datetime(2026, 2, 28, 21, 30), summary.MISMATCHES)  # 00:30 on 1 March in Kuwait
    assert stored(DAY, summary.MISMATCHES) == (1, 0)


def test_writers_racing_on_one_row_all_count(context):
    threads, rounds = 6, 25
    barrier = threading.Barrier(threads)
    problems = []

    def writer():
        with models.db.connection_context():
            barrier.wait()
            try:
                for _ in range(rounds):
                    DailySummary.count(DAY, summary.REMINDERS_SENT, 10)
            except Exception as problem:  # reported below
                problems.append(problem)

    running = [threading.Thread(target=writer) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=60)
    assert problems == []
    assert stored(DAY, summary.REMINDERS_SENT) == (threads * rounds, threads * rounds * 10)


class Refusing(SmsBackend):
    def send(self, to, text, key):
        raise SmsNotSent("HTTP 400", again=False)


def test_an_sms_that_fails_counts_once_on_its_day(context, clock):
    SmsMessage.enqueue("+96550000001", "hello")
    assert sms_sender.deliver_due(Refusing(), "one", retries=0)["failed"] == 1
    assert stored(clock.today_in_kuwait(), summary.SMS_FAILURES) == (1, 0)
    assert sms_sender.deliver_due(Refusing(), "one", retries=0) == {}
    assert stored(clock.today_in_kuwait(), summary.SMS_FAILURES) == (1, 0)


def test_the_desk_counts_the_last_30_kuwait_days_from_the_summary_rows(context, clock):
    from datetime import timedelta

    import clock as the_clock
    from services import reminders

    today = the_clock.today_in_kuwait()
    DailySummary.count(today, summary.REMINDERS_SENT, events=4)
    DailySummary.count(today - timedelta(days=29), summary.RENEWALS_STARTED, events=3)
    DailySummary.count(today - timedelta(days=30), summary.RENEWALS_STARTED, events=100)  # a day too old
    DailySummary.count(today - timedelta(days=2), summary.RENEWALS_FOLLOWED, events=2)
    assert reminders.desk_counts() == {"reminders_sent": 4, "renewals_started": 3, "renewals_paid": 2}
