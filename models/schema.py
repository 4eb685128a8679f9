"""Every table the app keeps, and bringing a database's schema up to date."""

import migrations
from models.accounts import OneTimeCode, RateLimit, User
from models.audit import AuditEvent, guard_audit_log
from models.daily_summary import DailySummary
from models.database import BaseModel, db
from models.express import ExpressSponsor
from models.jobs import JobRun
from models.payment_events import PaymentEvent, guard_payment_history
from models.payments import Payment, Receipt
from models.refunds import Refund
from models.reminders import Reminder, RemindersOff, Renewal
from models.requests import InsuranceRequest, InsuredPerson
from models.saved_answers import SavedAnswers
from models.sms import SmsMessage
from models.staff import StaffMember
from models.uploads import Upload, UploadedRequest

MODELS: list[type[BaseModel]] = [
    User,
    OneTimeCode,
    RateLimit,
    SmsMessage,
    InsuranceRequest,
    InsuredPerson,
    Payment,
    Receipt,
    PaymentEvent,
    AuditEvent,
    StaffMember,
    Refund,
    ExpressSponsor,
    Reminder,
    Renewal,
    RemindersOff,
    Upload,
    UploadedRequest,
    JobRun,
    DailySummary,
    SavedAnswers,
]


def keep_tables(*tables: type[BaseModel]) -> None:
    """Tables another layer keeps in the app's database (the sandbox bank's books): from
    now on created, migrated and backed up with the app's own. Models import no gateway,
    so the app hands them in at start (app.py), before create_tables."""
    MODELS.extend(table for table in tables if table not in MODELS)


def create_tables() -> list[str]:
    """Apply pending schema migrations, then create the tables of new models; returns the
    migrations recorded. Only `migrate` (and development's start) calls it: the rule for
    changing a table is in migrations/__init__.py."""
    done = migrations.upgrade(db, MODELS)
    guard_audit_log()
    guard_payment_history()
    return done


def pending_changes() -> list[str]:
    """What `create_tables` would change (pending migrations, missing tables); empty when
    the database's schema is this release's. Changes nothing."""
    return migrations.pending(db, MODELS)
