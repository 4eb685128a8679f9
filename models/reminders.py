"""Renewal reminders, each recorded before it is sent, and renewals started from a paid
request.

A reminder's row is the claim on sending it: one row per (request, lead time), made before
the SMS goes, claimed by one run at a time with a conditional UPDATE and marked sent after.
Two runs at once send it once; a run killed between the claim and the mark leaves the
row claimed, and another run takes it back after CLAIM_TIMEOUT.
"""

import secrets
from datetime import datetime, timedelta

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

import clock
from models.database import BaseModel
from models.requests import InsuranceRequest


def _new_token() -> str:
    return secrets.token_urlsafe(16)


class Reminder(BaseModel):
    # Longer than a send with every SMS retry at the longest timeout (6 × 60 s).
    CLAIM_TIMEOUT = timedelta(minutes=15)

    request = ForeignKeyField(InsuranceRequest, backref="reminders", on_delete="CASCADE")
    lead_days = IntegerField()
    cover_end = DateField()
    # The unguessable part of the link in the SMS that turns reminders off, without logging in.
    token = CharField(max_length=32, unique=True, default=_new_token)
    created_at = DateTimeField(default=lambda: clock.now())
    claimed_at = DateTimeField(null=True)
    claimed_by = CharField(max_length=32, null=True)
    sent_at = DateTimeField(null=True, index=True)
    failures = IntegerField(default=0)

    class Meta:
        indexes = ((("request", "lead_days"), True),)

    @classmethod
    def record(cls, insurance_request: InsuranceRequest, lead_days: int, cover_end) -> "Reminder":
        """The reminder's row, made now unless a run made it already."""
        (
            cls.insert(
                request=insurance_request,
                lead_days=lead_days,
                cover_end=cover_end,
                token=_new_token(),
                created_at=clock.now(),
            )
            .on_conflict_ignore()
            .execute()
        )
        return cls.get((cls.request == insurance_request) & (cls.lead_days == lead_days))

    def claim(self, run: str, at: datetime) -> bool:
        """Take the reminder for `run`, in one conditional UPDATE: False when it was sent,
        or another run holds it and has not been gone for CLAIM_TIMEOUT."""
        taken = (
            Reminder.update(claimed_at=at, claimed_by=run)
            .where(
                (Reminder.id == self.id)
                & Reminder.sent_at.is_null()
                & (Reminder.claimed_at.is_null() | (Reminder.claimed_at < at - self.CLAIM_TIMEOUT))
            )
            .execute()
        )
        if taken:
            self.claimed_at, self.claimed_by = at, run
        return bool(taken)

    def mark_sent(self, run: str, at: datetime) -> bool:
        sent = (
            Reminder.update(sent_at=at)
            .where((Reminder.id == self.id) & (Reminder.claimed_by == run) & Reminder.sent_at.is_null())
            .execute()
        )
        if sent:
            self.sent_at = at
        return bool(sent)

    def release(self, run: str) -> None:
        """The provider refused it: free it for the next run at once, counting the failure."""
        (
            Reminder.update(claimed_at=None, claimed_by=None, failures=Reminder.failures + 1)
            .where((Reminder.id == self.id) & (Reminder.claimed_by == run) & Reminder.sent_at.is_null())
            .execute()
        )


class Renewal(BaseModel):
    """`request` was started as the renewal of `previous`, with its people, sponsor and categories."""

    previous = ForeignKeyField(InsuranceRequest, backref="renewals", on_delete="CASCADE")
    request = ForeignKeyField(InsuranceRequest, unique=True, backref="renewal_links", on_delete="CASCADE")
    created_at = DateTimeField(default=lambda: clock.now(), index=True)  # the desk counts recent ones


class RemindersOff(BaseModel):
    """A mobile whose express requests get no reminders: their sponsor has no account to
    keep the choice on, so it stays with the number they proved (an account keeps it in
    `user.reminders_off_at`)."""

    mobile = CharField(max_length=16, unique=True)  # E.164
    at = DateTimeField()

    @classmethod
    def turn_off(cls, mobile: str, at: datetime) -> None:
        cls.insert(mobile=mobile, at=at).on_conflict_ignore().execute()
