"""The audit log: who did what to which record, and when. Written once, never changed."""

import contextvars
import json
from typing import TYPE_CHECKING, NamedTuple

from peewee import CharField, DateTimeField, IntegerField, TextField

import clock
from models.accounts import User
from models.append_only import guard_append_only
from models.database import BaseModel
from models.staff import StaffMember

if TYPE_CHECKING:
    from models.requests import InsuranceRequest


class Actor(NamedTuple):
    """Who did something, for the audit log: "staff", "applicant" or "system"."""

    kind: str
    id: int | None = None
    label: str = ""


SYSTEM = Actor("system", None, "system")
# The web layer says who is acting for the length of a request (web/staff_session.py);
# anything outside a request (commands, the gateway's results) is the system.
_acting = contextvars.ContextVar("tameen_audit_actor", default=None)


def acting_as(actor: Actor | None) -> contextvars.Token:
    return _acting.set(actor)


def stop_acting(token: contextvars.Token) -> None:
    _acting.reset(token)


def current_actor() -> Actor:
    return _acting.get() or SYSTEM


def actor_of(person) -> Actor:
    if isinstance(person, StaffMember):
        return Actor("staff", person.id, person.login)
    if isinstance(person, User):
        return Actor("applicant", person.id, person.civil_id)
    return SYSTEM


class AuditLogIsAppendOnly(RuntimeError):
    """Audit events are written once and never changed or removed."""


class AuditEvent(BaseModel):
    """One thing that happened: who, what, to which record, when, and the record's
    values before and after (JSON). Append-only: the class refuses updates and deletes,
    and the database refuses them too (triggers made by `guard_audit_log`). No foreign
    keys, so that removing an account can never take its history with it."""

    at = DateTimeField(index=True)
    actor_kind = CharField(max_length=10)
    actor_id = IntegerField(null=True)
    actor_label = CharField(max_length=60)
    action = CharField(max_length=60, index=True)
    record_kind = CharField(max_length=20)
    record_id = CharField(max_length=40)
    request_id = IntegerField(null=True)  # the insurance request it concerns
    before = TextField(null=True)
    after = TextField(null=True)

    class Meta:
        # A request's events in time order (about_request), and the audit log of one request.
        indexes = ((("request_id", "at"), False),)

    def save(self, force_insert=False, only=None):
        if self._pk is not None and not force_insert:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        return super().save(force_insert=True, only=only)

    def delete_instance(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    @classmethod
    def delete(cls, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    @classmethod
    def bulk_update(cls, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    @classmethod
    def about_request(cls, insurance_request: "InsuranceRequest", views: bool = False) -> list["AuditEvent"]:
        """What happened to a request, its payments and refunds, oldest first; staff
        looking at it ("desk." events) only when `views`."""
        query = cls.select().where(cls.request_id == insurance_request.id)
        if not views:
            query = query.where(~cls.action.startswith("desk."))
        return list(query.order_by(cls.at, cls.id))

    def values(self, which: str) -> dict | None:
        text = self.before if which == "before" else self.after
        return json.loads(text) if text else None


_RECORD_KINDS = {
    "InsuranceRequest": "request",
    "Payment": "payment",
    "Refund": "refund",
    "StaffMember": "staff",
    "User": "applicant",
    "Receipt": "receipt",
}


def _json(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def audit(
    action: str,
    record,
    *,
    before: dict | None = None,
    after: dict | None = None,
    actor: Actor | None = None,
    request_id: int | None = None,
) -> None:
    """Write one audit event. `record` is a model instance or a (kind, id) pair; the
    request it concerns is found from it when it has one. `actor` defaults to whoever
    the current web request acts for, else the system."""
    if isinstance(record, tuple):
        kind, record_id = record
    else:
        kind, record_id = _RECORD_KINDS.get(type(record).__name__, type(record).__name__), record.id
        if request_id is None:
            request_id = record.id if kind == "request" else getattr(record, "request_id", None)
    who = actor or current_actor()
    AuditEvent.insert(
        at=clock.now(),
        actor_kind=who.kind,
        actor_id=who.id,
        actor_label=who.label[:60],
        action=action[:60],
        record_kind=kind[:20],
        record_id=str(record_id)[:40],
        request_id=request_id,
        before=_json(before),
        after=_json(after),
    ).execute()


def guard_audit_log() -> None:
    """Make the database itself refuse to change or remove audit events."""
    guard_append_only(AuditEvent._meta.table_name, "audit", "the audit log is append-only")
