"""What the operator's monitoring reads: whether the site can serve (the database up, its
schema current) and the figures /metrics shows from the database. Each is one cheap query
on an indexed column, made when Prometheus scrapes, so every server shows the same."""

from datetime import datetime

from peewee import fn

import clock
import migrations
from models import JobRun, Payment, Reminder, SmsMessage, database_is_up, db


def pending_migrations() -> list[str]:
    """Migrations on file the database has not recorded; never applies them."""
    return [name for name, applied in migrations.status(db) if not applied]


def readiness() -> dict[str, str]:
    """What /readyz says about each thing the site needs; all "ok" when it can serve."""
    if not database_is_up():
        return {"database": "down", "schema": "unknown"}
    try:
        pending = pending_migrations()
    except Exception:  # a driver error while reading the record: not ready either
        return {"database": "down", "schema": "unknown"}
    return {"database": "ok", "schema": "ok" if not pending else f"{len(pending)} migrations pending"}


def payments_by_state() -> dict[str, int]:
    counts = dict.fromkeys(Payment.STATES, 0)
    for state, number in Payment.select(Payment.state, fn.COUNT(Payment.id)).group_by(Payment.state).tuples():
        counts[state] = number
    return counts


def oldest_awaiting_payment_age() -> float:
    """Seconds since the oldest payment still awaiting its result started; 0 when none.
    reconcile-payments settles them within minutes, so a large age means it is not."""
    oldest = Payment.select(fn.MIN(Payment.created_at)).where(Payment.state == Payment.AWAITING).scalar()
    if oldest is None:
        return 0.0
    if isinstance(oldest, str):  # SQLite hands an aggregate's datetime back as text
        oldest = datetime.fromisoformat(oldest)
    return max(0.0, (clock.now() - oldest).total_seconds())


def sms_outbox() -> dict[str, int]:
    """The SMS outbox's messages waiting for the sender and given up on (the sent ones
    are history, pruned after a week)."""
    waiting = SmsMessage.select().where(SmsMessage.state == SmsMessage.PENDING).count()
    failed = SmsMessage.select().where(SmsMessage.state == SmsMessage.FAILED).count()
    return {"waiting": waiting, "failed": failed}


def reminders_sent() -> int:
    return Reminder.select().where(Reminder.sent_at.is_null(False)).count()


def job_last_successes() -> dict:
    """{job name: naive UTC datetime of its last success}."""
    return JobRun.last_successes()
