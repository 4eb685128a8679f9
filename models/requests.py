"""Insurance requests and the people each one covers.

Payments, receipts and refunds point at a request, so their modules import this one;
the request's own methods import them where they are used, after both exist.
"""

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    SqliteDatabase,
    TextField,
    fn,
)

import clock
from domain import quote as pricing
from domain import sponsor as sponsors
from domain.civil_id import birth_date
from domain.fee_schedule import FeeSchedule
from domain.reference import new_reference
from models.accounts import User
from models.audit import Actor, audit
from models.database import BaseModel, db

if TYPE_CHECKING:
    from models.payments import Payment, Receipt
    from models.refunds import Refund


class InsuranceRequest(BaseModel):
    """One payment request: who is covered, by whom sponsored, for how long.

    Answers are saved step by step while a draft; once payment starts they are
    frozen with the amounts quoted, and the amount charged is the amount quoted.

    `version` counts the changes to the answers, and each freeze and reopening.
    Each question page saves only its own answers, in one UPDATE that holds only while
    the request is a draft and adds one to `version`; freezing holds only while the
    version is the one its quote was worked out from. So a save racing a confirm either
    lands first (and the confirm sees a new version) or changes nothing.
    """

    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    REFUND_REQUESTED = "refund_requested"
    REFUNDED = "refunded"
    STATES = (DRAFT, AWAITING_PAYMENT, PAID, REFUND_REQUESTED, REFUNDED)
    # Paid and not given back: the request covers its people (a refund asked for may
    # still be refused), and a renewal in one of these states counts as done.
    COVERING = (PAID, REFUND_REQUESTED)
    # Paid at some time, whatever happened since: the request has its receipt.
    SETTLED = (PAID, REFUND_REQUESTED, REFUNDED)

    reference = CharField(max_length=12, unique=True)
    # None for an express request (models.express) until its sponsor's account claims it.
    owner = ForeignKeyField(User, backref="requests", on_delete="CASCADE", null=True)
    state = CharField(max_length=20, default=DRAFT, index=True)
    service_type = CharField(max_length=10, null=True)
    # Rows of the people page as typed, kept even when not yet valid so nothing is lost.
    people_draft = TextField(null=True)
    # domain.sponsor: a person (name and civil ID), a company or public body (its name in
    # sponsor_name, and its file or licence number), or "self" (nobody else: every person
    # covered is self-sponsored). An older request has a civil ID and no kind: a person.
    sponsor_kind = CharField(max_length=10, null=True)
    sponsor_name = CharField(max_length=100, null=True)
    sponsor_civil_id = CharField(max_length=12, null=True, index=True)  # the desk searches by it
    sponsor_file_number = CharField(max_length=15, null=True)
    insurance_status = CharField(max_length=10, null=True)
    current_cover_end = DateField(null=True)
    years = IntegerField(null=True)
    schedule_id = CharField(max_length=40, null=True)
    total_fils = IntegerField(null=True)
    confirmed_at = DateTimeField(null=True)
    frozen_at = DateTimeField(null=True)
    created_at = DateTimeField(default=lambda: clock.now())
    updated_at = DateTimeField(default=lambda: clock.now())
    version = IntegerField(default=0)
    # The first and last day a paid request covers (Kuwait days), decided once when it is
    # paid (services.settlement): the receipt, reminders, renewals and uploads read them.
    cover_start = DateField(null=True)
    cover_end = DateField(null=True, index=True)

    @classmethod
    def start(cls, owner: User) -> "InsuranceRequest":
        for _attempt in range(5):
            try:
                with db.atomic():
                    return cls.create(owner=owner, reference=new_reference())
            except IntegrityError:  # the same reference twice: astronomically rare, try again
                continue
        raise RuntimeError("could not find a free request reference")

    @classmethod
    def empty_draft_of(cls, owner: User) -> "InsuranceRequest | None":
        """The owner's newest draft with no answer saved at all (rows typed but never saved
        valid are not answers), which a new start reuses: a start by a link may be
        prefetched or repeated, and must not pile up empty drafts."""
        return (
            cls.select()
            .where(
                (cls.owner == owner)
                & (cls.state == cls.DRAFT)
                & (cls.version == 0)
                & ~fn.EXISTS(InsuredPerson.select().where(InsuredPerson.request == cls.id))
            )
            .order_by(cls.created_at.desc(), cls.id.desc())
            .first()
        )

    @classmethod
    def reuse_or_start(cls, owner: User) -> "InsuranceRequest":
        """The owner's empty draft, or a new one: two starts at once make one draft."""
        with writing():
            if not isinstance(db.obj, SqliteDatabase):  # SQLite's write lock serialises already
                User.select(User.id).where(User.id == owner.id).for_update().execute()
            return cls.empty_draft_of(owner) or cls.start(owner)

    @classmethod
    def of_owner(cls, owner: User, reference: str) -> "InsuranceRequest | None":
        """The request only when `owner` holds it: anyone else gets None, so a 404."""
        return cls.get_or_none((cls.owner == owner) & (cls.reference == reference))

    @classmethod
    def held(cls, request_id: int) -> "InsuranceRequest":
        """The request as stored, inside `writing()`: nobody else changes it, nor the people
        it covers, until the transaction ends (PostgreSQL's row lock; SQLite's write lock
        holds the whole database already)."""
        query = cls.select().where(cls.id == request_id)
        if not isinstance(db.obj, SqliteDatabase):
            query = query.for_update()
        return query.get()

    @property
    def is_draft(self) -> bool:
        return self.state == self.DRAFT

    def covered(self) -> list["InsuredPerson"]:
        return list(self.people.order_by(InsuredPerson.position))

    def draft_rows(self) -> list[dict] | None:
        return json.loads(self.people_draft) if self.people_draft else None

    def save_people(self, rows: list[dict], valid: list[dict] | None) -> bool:
        """Keep the rows as typed; when they are all valid, they become the people covered,
        and the request a group when they are more than one. False, and nothing saved,
        when the request is no longer a draft."""
        draft = json.dumps(rows, ensure_ascii=False)
        with writing():
            if valid is None:  # only the rows as typed: no answer changes, nor the price
                return self._update_draft({"people_draft": draft}, new_version=False)
            if not self._save_answers(people_draft=draft, service_type=service_type_for(len(valid))):
                return False
            InsuredPerson.delete().where(InsuredPerson.request == self).execute()
            for position, person in enumerate(valid):
                InsuredPerson.create(request=self, position=position, **person)
        return True

    def prefill(self, rows: list[dict], years: int | None) -> bool:
        """Rows as typed and the years, carried from the fee calculator into a draft with
        no answers yet: the person still checks and saves each page, so no new version."""
        values = {"people_draft": json.dumps(rows, ensure_ascii=False)}
        if years is not None:
            values["years"] = years
        return self._update_draft(values, new_version=False)

    def first_unanswered_step(self) -> str:
        if not self.people.exists():
            return "people"
        if not self.sponsor_answered():
            return "sponsor"
        if not self.insurance_status or not self.years:
            return "cover"
        return "check"

    def choose_service_type(self, service_type: str) -> bool:
        return self._save_answers(service_type=service_type)

    def sponsor_answered(self) -> bool:
        return sponsors.is_answered(
            self.sponsor_kind, self.sponsor_civil_id, self.sponsor_name, self.sponsor_file_number
        )

    def set_sponsor(
        self, kind: str, name: str | None = None, civil_id: str | None = None, file_number: str | None = None
    ) -> bool:
        """The sponsor answer as a whole: the columns of the other kinds are cleared."""
        return self._save_answers(
            sponsor_kind=kind,
            sponsor_name=name if kind != sponsors.SELF else None,
            sponsor_civil_id=civil_id if kind == sponsors.PERSON else None,
            sponsor_file_number=file_number if kind == sponsors.COMPANY else None,
        )

    def copy_sponsor_of(self, other: "InsuranceRequest") -> bool:
        return self.set_sponsor(
            other.sponsor_kind or sponsors.PERSON,
            other.sponsor_name,
            other.sponsor_civil_id,
            other.sponsor_file_number,
        )

    def clear_sponsor(self) -> bool:
        return self._save_answers(
            sponsor_kind=None, sponsor_name=None, sponsor_civil_id=None, sponsor_file_number=None
        )

    def set_cover(self, status: str, years: int, current_cover_end) -> bool:
        return self._save_answers(
            insurance_status=status,
            years=years,
            current_cover_end=current_cover_end if status == "renewal" else None,
        )

    def _save_answers(self, **answers) -> bool:
        """One page's own answers, a new version; False, and nothing saved, when the request
        is no longer a draft (confirmed meanwhile, in another tab or a racing request)."""
        return self._update_draft(answers, new_version=True)

    def _update_draft(self, values: dict, new_version: bool) -> bool:
        at = clock.now()
        columns = {**values, "updated_at": at}
        if new_version:
            columns["version"] = InsuranceRequest.version + 1
        changed = (
            InsuranceRequest.update(**columns)
            .where((InsuranceRequest.id == self.id) & (InsuranceRequest.state == self.DRAFT))
            .execute()
        )
        if changed:
            for name, value in values.items():
                setattr(self, name, value)
            self.updated_at = at
            self.version += int(new_version)
        return bool(changed)

    def quote(self, schedule: FeeSchedule, on: date) -> pricing.Quote:
        """What the stored answers cost under `schedule` on `on`: the people covered, in
        order, for the years chosen."""
        people = [pricing.PersonToQuote(p.category_code, p.birth_date()) for p in self.covered()]
        return pricing.quote(schedule, people, self.years, on)

    def freeze(self, quote: pricing.Quote, schedule_id: str) -> bool:
        """Fix the answers and the amounts of `quote`, which is the quote of the answers
        as this record read them (services.requests.freeze_request works it out in the
        same transaction); False, and nothing frozen, when the request is no longer a
        draft or its answers changed since this record read them."""
        at = clock.now()
        with writing():
            changed = (
                InsuranceRequest.update(
                    state=self.AWAITING_PAYMENT,
                    frozen_at=at,
                    confirmed_at=at,
                    schedule_id=schedule_id,
                    total_fils=quote.total_fils,
                    updated_at=at,
                    version=InsuranceRequest.version + 1,
                )
                .where(
                    (InsuranceRequest.id == self.id)
                    & (InsuranceRequest.state == self.DRAFT)
                    & (InsuranceRequest.version == self.version)
                )
                .execute()
            )
            if not changed:
                return False
            for person, line in zip(self.covered(), quote.lines):
                person.annual_fils, person.subtotal_fils = line.annual_fils, line.subtotal_fils
                person.save()
            audit(
                "request.frozen",
                self,
                before={"state": self.DRAFT},
                after={
                    "state": self.AWAITING_PAYMENT,
                    "total_fils": quote.total_fils,
                    "schedule_id": schedule_id,
                },
            )
        self.state, self.version = self.AWAITING_PAYMENT, self.version + 1
        self.total_fils, self.schedule_id = quote.total_fils, schedule_id
        self.frozen_at = self.confirmed_at = self.updated_at = at
        return True

    def reopen(self) -> bool:
        """Back to a draft from awaiting payment, the amounts fixed at confirming cleared,
        audited; False when it no longer awaits payment or a payment of it is in progress
        at the bank (whose amount is the total being cleared)."""
        from models.payments import Payment

        at = clock.now()
        paying = Payment.select().where((Payment.request == self.id) & (Payment.state == Payment.AWAITING))
        with writing():
            before = InsuranceRequest.held(self.id)
            changed = (
                InsuranceRequest.update(
                    state=self.DRAFT,
                    total_fils=None,
                    schedule_id=None,
                    frozen_at=None,
                    confirmed_at=None,
                    updated_at=at,
                    version=InsuranceRequest.version + 1,
                )
                .where(
                    (InsuranceRequest.id == self.id)
                    & (InsuranceRequest.state == self.AWAITING_PAYMENT)
                    & ~fn.EXISTS(paying)
                )
                .execute()
            )
            if not changed:
                return False
            InsuredPerson.update(annual_fils=None, subtotal_fils=None).where(
                InsuredPerson.request == self.id
            ).execute()
            audit(
                "request.reopened",
                self,
                before={
                    "state": self.AWAITING_PAYMENT,
                    "total_fils": before.total_fils,
                    "schedule_id": before.schedule_id,
                },
                after={"state": self.DRAFT},
            )
        self.state, self.version = self.DRAFT, before.version + 1
        self.total_fils = self.schedule_id = self.frozen_at = self.confirmed_at = None
        self.updated_at = at
        return True

    def record_paid(self, at: datetime, amount_fils: int, cover: tuple[date, date] | None) -> bool:
        """Awaiting payment to paid, once, in one conditional UPDATE; False when it was not
        awaiting payment (already paid, or another payment got there first) or its frozen
        total is not `amount_fils`: the amount paid is the fee of the answers stored, never
        an older total. `cover` is the first and last day it covers. The receipt and the
        audit record are services.settlement's."""
        cover_start, cover_end = cover or (None, None)
        changed = (
            InsuranceRequest.update(
                state=self.PAID, updated_at=at, cover_start=cover_start, cover_end=cover_end
            )
            .where(
                (InsuranceRequest.id == self.id)
                & (InsuranceRequest.state == self.AWAITING_PAYMENT)
                & (InsuranceRequest.total_fils == amount_fils)
            )
            .execute()
        )
        if changed:
            self.state, self.updated_at = self.PAID, at
            self.cover_start, self.cover_end = cover_start, cover_end
        return bool(changed)

    def cover_period(self) -> tuple[date, date] | None:
        """The first and last day it covers, as stored when it was paid; None before."""
        if self.cover_start is None or self.cover_end is None:
            return None
        return self.cover_start, self.cover_end

    def receipt(self) -> "Receipt | None":
        from models.payments import Receipt

        return Receipt.of(self)

    def latest_payment(self) -> "Payment | None":
        from models.payments import Payment

        return self.payments.order_by(Payment.id.desc()).first()

    def latest_refund(self) -> "Refund | None":
        from models.refunds import Refund

        return self.refunds.order_by(Refund.id.desc()).first()

    def change_state(self, from_state: str, to_state: str, actor: Actor | None = None) -> bool:
        """`from_state` to `to_state` in one conditional UPDATE, audited; False when the
        request was not in `from_state` (someone else got there first)."""
        changed = (
            InsuranceRequest.update(state=to_state, updated_at=clock.now())
            .where((InsuranceRequest.id == self.id) & (InsuranceRequest.state == from_state))
            .execute()
        )
        if changed:
            audit(
                f"request.{to_state}",
                self,
                before={"state": from_state},
                after={"state": to_state},
                actor=actor,
            )
            self.state = to_state
        return bool(changed)

    def related_civil_ids(self) -> set[str]:
        """Everyone with a stake in it: its holder, its sponsor and the people covered."""
        found = {self.owner.civil_id if self.owner_id else None, self.sponsor_civil_id}
        found.update(person.civil_id for person in self.people)
        return {civil_id for civil_id in found if civil_id}


def service_type_for(people_count: int) -> str:
    """Nobody is asked any more: a request is a group when it covers more than one person
    (domain.cover.people_problems still holds an "individual" request to one)."""
    return "group" if people_count > 1 else "individual"


def writing():
    """A transaction for a read and the writes that depend on it. SQLite takes its write
    lock at the start (BEGIN IMMEDIATE), so a write racing it waits its turn instead of
    failing at once; PostgreSQL's row locks and the conditional UPDATEs do the same there."""
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


class InsuredPerson(BaseModel):
    request = ForeignKeyField(InsuranceRequest, backref="people", on_delete="CASCADE")
    position = IntegerField()
    civil_id = CharField(max_length=12, index=True)  # the desk searches by it
    name = CharField(max_length=100)
    category_code = CharField(max_length=40)
    passport_number = CharField(max_length=20)
    passport_expiry = DateField()
    annual_fils = IntegerField(null=True)  # frozen with the request
    subtotal_fils = IntegerField(null=True)

    def birth_date(self):
        return birth_date(self.civil_id)
