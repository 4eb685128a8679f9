"""The SMS outbox: every message the app sends, written in the same transaction as the
code, payment or reminder it belongs to, and delivered afterwards by a sender
(services/sms_sender.py), never by the page that wrote it.

Each message is delivered once however many senders run, on however many servers: a
sender claims a message with one conditional UPDATE before it calls the provider and
marks it sent (or to be tried again, or failed) afterwards, under its own claim. A sender
killed between the two leaves its claim, which another takes back after CLAIM_TIMEOUT;
the provider then sees the message's idempotency key a second time, and keeps one.
"""

import secrets
from datetime import datetime, timedelta

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

import clock
from models.accounts import OneTimeCode
from models.database import BaseModel


def _new_key() -> str:
    return secrets.token_hex(16)


class SmsMessage(BaseModel):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    STATES = (PENDING, SENT, FAILED)
    # Longer than one call to the provider at the longest timeout (60 s), with room.
    CLAIM_TIMEOUT = timedelta(minutes=5)
    # Waits before the second, third... try: the provider's brownout has time to pass,
    # and a code's ten minutes are not spent waiting.
    RETRY_AFTER = (timedelta(seconds=5), timedelta(seconds=20), timedelta(seconds=60), timedelta(minutes=2))

    to = CharField(max_length=16)  # E.164
    body = TextField()
    # Sent with every try of this message, so that a provider that knows it keeps one.
    idempotency_key = CharField(max_length=40, unique=True, default=_new_key)
    # The code this message carries, so the code page can tell when its SMS failed.
    code = ForeignKeyField(OneTimeCode, null=True, backref="messages", on_delete="SET NULL")
    state = CharField(max_length=8, default=PENDING)
    created_at = DateTimeField(default=lambda: clock.now())
    next_try_at = DateTimeField(default=lambda: clock.now(), index=True)
    # A code's message is worth nothing once the code has expired.
    send_by = DateTimeField(null=True)
    tries = IntegerField(default=0)
    claimed_at = DateTimeField(null=True)
    claimed_by = CharField(max_length=32, null=True)
    sent_at = DateTimeField(null=True)
    failed_at = DateTimeField(null=True)
    problem = CharField(max_length=80, null=True)

    @classmethod
    def enqueue(
        cls, to: str, body: str, *, code: OneTimeCode | None = None, send_by: datetime | None = None
    ) -> "SmsMessage":
        at = clock.now()
        return cls.create(to=to, body=body, code=code, send_by=send_by, created_at=at, next_try_at=at)

    @classmethod
    def due(cls, at: datetime, limit: int) -> list["SmsMessage"]:
        """Messages a sender may claim now, oldest first: waiting and not held by a live sender."""
        return list(
            cls.select()
            .where(
                (cls.state == cls.PENDING)
                & (cls.next_try_at <= at)
                & (cls.claimed_at.is_null() | (cls.claimed_at < at - cls.CLAIM_TIMEOUT))
            )
            .order_by(cls.next_try_at, cls.id)
            .limit(limit)
        )

    def claim(self, sender: str, at: datetime) -> bool:
        """Take the message for `sender` and count a try, in one conditional UPDATE: False
        when it was sent, failed, or another sender holds it and has not been gone long."""
        model = SmsMessage
        taken = (
            model.update(claimed_at=at, claimed_by=sender, tries=model.tries + 1)
            .where(
                (model.id == self.id)
                & (model.state == model.PENDING)
                & (model.claimed_at.is_null() | (model.claimed_at < at - self.CLAIM_TIMEOUT))
            )
            .execute()
        )
        if taken:
            self.claimed_at, self.claimed_by, self.tries = at, sender, self.tries + 1
        return bool(taken)

    def mark_sent(self, sender: str, at: datetime) -> bool:
        return self._settle(sender, state=self.SENT, sent_at=at, claimed_at=None, claimed_by=None)

    def mark_failed(self, sender: str, at: datetime, problem: str) -> bool:
        return self._settle(
            sender, state=self.FAILED, failed_at=at, problem=problem[:80], claimed_at=None, claimed_by=None
        )

    def try_again_later(self, sender: str, at: datetime, problem: str) -> bool:
        wait = self.RETRY_AFTER[min(self.tries, len(self.RETRY_AFTER)) - 1]
        return self._settle(
            sender, next_try_at=at + wait, problem=problem[:80], claimed_at=None, claimed_by=None
        )

    def _settle(self, sender: str, **columns) -> bool:
        model = SmsMessage
        done = (
            model.update(**columns)
            .where((model.id == self.id) & (model.claimed_by == sender) & (model.state == model.PENDING))
            .execute()
        )
        if done:
            for name, value in columns.items():
                setattr(self, name, value)
        return bool(done)

    @classmethod
    def last_for_code(cls, code: OneTimeCode) -> "SmsMessage | None":
        return cls.select().where(cls.code == code).order_by(cls.id.desc()).first()

    @classmethod
    def prune(cls, before: datetime) -> int:
        """Delete messages settled before `before`; those still waiting stay."""
        return cls.delete().where((cls.state != cls.PENDING) & (cls.created_at < before)).execute()
