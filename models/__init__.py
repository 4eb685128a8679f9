"""Storage: peewee models bound to the database named by DATABASE_URL.

`import models` reaches every name below, whichever module holds it: `database` (the
connection), `accounts` (applicants, SMS codes, rate limits), `sms` (the SMS outbox),
`staff`, `requests` (and the people covered), `express` (requests paid without an
account), `payments` (and receipts), `payment_events` (a payment's history), `refunds`, `reminders`
(renewal reminders, renewals, and the express mobiles that stopped reminders), `uploads`
(lists of people uploaded, and the requests they became), `saved_answers` (answers
posted after a log-in ended), `jobs` (when each scheduled job last succeeded),
`daily_summary` (the desk's counts per day), `audit`, and `schema` (every
table, and migrating to it).
"""

from peewee import IntegrityError  # peewee's, for callers catching a unique column's refusal

from models.accounts import (
    CodeCheck,
    OneTimeCode,
    PasswordHolder,
    RateLimit,
    User,
    prune_security_records,
)
from models.append_only import RowsAreAppendOnly
from models.audit import (
    SYSTEM,
    Actor,
    AuditEvent,
    AuditLogIsAppendOnly,
    acting_as,
    actor_of,
    audit,
    current_actor,
    guard_audit_log,
    stop_acting,
)
from models.daily_summary import DailySummary
from models.database import (
    SQLITE_PRAGMAS,
    BaseModel,
    close_all_connections,
    database_is_up,
    db,
    forget_inherited_connections,
    open_database,
)
from models.express import ExpressSponsor
from models.jobs import JobRun
from models.payment_events import PaymentEvent
from models.payments import Payment, Receipt, payment_snapshot
from models.refunds import Refund, RefundRefused
from models.reminders import Reminder, RemindersOff, Renewal
from models.requests import InsuranceRequest, InsuredPerson
from models.saved_answers import SavedAnswers
from models.schema import MODELS, create_tables, keep_tables, pending_changes
from models.sms import SmsMessage
from models.staff import StaffMember
from models.uploads import Upload, UploadedRequest
