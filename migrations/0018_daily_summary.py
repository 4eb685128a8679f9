"""Summary rows for the desk's 30-day chart (issue 24): one row per Kuwait day and kind
of event, counted from every row kept so far, so the chart starts full. The counting
reads each table once, in order, holding only the per-day totals (a few thousand rows
for years of history), so it needs little memory at millions of payments.

On a database older than a table counted here, that table simply adds nothing.
"""

from collections import Counter

from peewee import BigIntegerField, CharField, DateField, DateTimeField, IntegerField, Model

import migrations
from domain.dates import kuwait_day

BATCH = 5000


class DailySummary(Model):
    day = DateField()
    kind = CharField(max_length=20)
    events = IntegerField(default=0)
    fils = BigIntegerField(default=0)

    class Meta:
        table_name = "dailysummary"
        indexes = ((("day", "kind"), True),)


def up(migrator, db):
    if migrations.has_table(db, "dailysummary"):
        return
    with db.bind_ctx([DailySummary]):
        db.create_tables([DailySummary])
        events, fils = Counter(), Counter()
        for kind, sql in _sources(db):
            for at, amount in db.execute_sql(sql):
                if at is None:
                    continue
                key = (kuwait_day(_instant(at)), kind)
                events[key] += 1
                fils[key] += amount or 0
        rows = [{"day": d, "kind": k, "events": n, "fils": fils[d, k]} for (d, k), n in events.items()]
        for start in range(0, len(rows), BATCH):
            DailySummary.insert_many(rows[start : start + BATCH]).execute()


def _sources(db):
    """(kind, SQL giving (when, fils) per event) for each table this database has."""
    has = set(db.get_tables())
    if "payment" in has:
        yield "payments", "SELECT paid_at, amount_fils FROM payment WHERE state = 'paid'"
        yield "mismatches", "SELECT COALESCE(paid_at, updated_at), 0 FROM payment WHERE state = 'mismatch'"
    if "refund" in has:
        yield "refunds", "SELECT completed_at, amount_fils FROM refund WHERE state = 'refunded'"
    if "smsmessage" in has and migrations.has_column(db, "smsmessage", "failed_at"):
        yield "sms_failures", "SELECT failed_at, 0 FROM smsmessage WHERE state = 'failed'"
    if "reminder" in has:
        yield "reminders_sent", "SELECT sent_at, 0 FROM reminder WHERE sent_at IS NOT NULL"
    if {"renewal", "reminder", "receipt"} <= has:
        # A renewal paid after a reminder about the request it renews had been sent.
        yield (
            "renewals_followed",
            "SELECT receipt.paid_at, 0 FROM renewal JOIN receipt ON receipt.request_id = renewal.request_id "
            "WHERE EXISTS (SELECT 1 FROM reminder WHERE reminder.request_id = renewal.previous_id "
            "AND reminder.sent_at IS NOT NULL AND reminder.sent_at <= renewal.created_at)",
        )
        # A renewal started after such a reminder, on the day it was started.
        yield (
            "renewals_started",
            "SELECT renewal.created_at, 0 FROM renewal "
            "WHERE EXISTS (SELECT 1 FROM reminder WHERE reminder.request_id = renewal.previous_id "
            "AND reminder.sent_at IS NOT NULL AND reminder.sent_at <= renewal.created_at)",
        )


def _instant(value):
    """SQLite hands back text; PostgreSQL a datetime."""
    return DateTimeField().python_value(value) if isinstance(value, str) else value
