"""Summary rows: per Kuwait day and kind of event, how many happened and the fils they
moved, kept up to date where each event happens, so that the desk's 30-day chart reads
30 rows per kind whatever the size of history."""

from datetime import date, datetime

from peewee import BigIntegerField, CharField, DateField, IntegerField

from domain.dates import kuwait_day
from models.database import BaseModel

PAYMENTS = "payments"
REFUNDS = "refunds"
MISMATCHES = "mismatches"
SMS_FAILURES = "sms_failures"
REMINDERS_SENT = "reminders_sent"
RENEWALS_FOLLOWED = "renewals_followed"  # paid, after a reminder about the request renewed
RENEWALS_STARTED = "renewals_started"  # started, after such a reminder
KINDS = (PAYMENTS, REFUNDS, MISMATCHES, SMS_FAILURES, REMINDERS_SENT, RENEWALS_FOLLOWED, RENEWALS_STARTED)


class DailySummary(BaseModel):
    day = DateField()  # a Kuwait calendar day
    kind = CharField(max_length=20)
    events = IntegerField(default=0)
    fils = BigIntegerField(default=0)

    class Meta:
        indexes = ((("day", "kind"), True),)

    @classmethod
    def count(cls, day: date, kind: str, fils: int = 0, events: int = 1) -> None:
        """Add `events` (and `fils`) to the day's row of `kind`, making it when missing:
        one statement, so writers racing on the same row all count (SQLite and PostgreSQL
        both take INSERT ... ON CONFLICT DO UPDATE)."""
        (
            cls.insert(day=day, kind=kind, events=events, fils=fils)
            .on_conflict(
                conflict_target=[cls.day, cls.kind],
                update={cls.events: cls.events + events, cls.fils: cls.fils + fils},
            )
            .execute()
        )

    @classmethod
    def count_at(cls, at: datetime, kind: str, fils: int = 0) -> None:
        """One event of `kind` at the instant `at` (naive UTC), on its Kuwait day."""
        cls.count(kuwait_day(at), kind, fils)

    @classmethod
    def between(cls, first: date, last: date) -> dict[tuple[date, str], tuple[int, int]]:
        """(day, kind) -> (events, fils) for the days from `first` to `last`."""
        rows = cls.select(cls.day, cls.kind, cls.events, cls.fils).where(cls.day.between(first, last))
        return {(row.day, row.kind): (row.events, row.fils) for row in rows}
