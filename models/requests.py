"""Insurance requests and the people each one covers.

Payments, receipts and refunds point at a request, so their modules import this one;
the request's own methods import them where they are used, after both exist.
"""
import json
from datetime import datetime
from typing import TYPE_CHECKING

from peewee import (CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
                    IntegrityError, TextField)

from domain.civil_id import birth_date
from domain.reference import new_reference
from models import clock
from models.accounts import User
from models.audit import SYSTEM, Actor, audit
from models.database import BaseModel, db

if TYPE_CHECKING:
    from models.payments import Payment, Receipt
    from models.refunds import Refund


class InsuranceRequest(BaseModel):
    """One payment request: who is covered, by whom sponsored, for how long.

    Answers are saved step by step while a draft; once payment starts they are
    frozen with the amounts quoted, and the amount charged is the amount quoted.
    """

    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    REFUND_REQUESTED = "refund_requested"
    REFUNDED = "refunded"
    STATES = (DRAFT, AWAITING_PAYMENT, PAID, REFUND_REQUESTED, REFUNDED)

    reference = CharField(max_length=12, unique=True)
    owner = ForeignKeyField(User, backref="requests", on_delete="CASCADE")
    state = CharField(max_length=20, default=DRAFT, index=True)
    service_type = CharField(max_length=10, null=True)
    # Rows of the people page as typed, kept even when not yet valid so nothing is lost.
    people_draft = TextField(null=True)
    sponsor_name = CharField(max_length=100, null=True)
    sponsor_civil_id = CharField(max_length=12, null=True)
    insurance_status = CharField(max_length=10, null=True)
    current_cover_end = DateField(null=True)
    years = IntegerField(null=True)
    schedule_id = CharField(max_length=40, null=True)
    total_fils = IntegerField(null=True)
    confirmed_at = DateTimeField(null=True)
    frozen_at = DateTimeField(null=True)
    created_at = DateTimeField(default=lambda: clock.now())
    updated_at = DateTimeField(default=lambda: clock.now())

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
    def of_owner(cls, owner: User, reference: str) -> "InsuranceRequest | None":
        """The request only when `owner` holds it: anyone else gets None, so a 404."""
        return cls.get_or_none((cls.owner == owner) & (cls.reference == reference))

    @property
    def is_draft(self) -> bool:
        return self.state == self.DRAFT

    def covered(self) -> list["InsuredPerson"]:
        return list(self.people.order_by(InsuredPerson.position))

    def draft_rows(self) -> list[dict] | None:
        return json.loads(self.people_draft) if self.people_draft else None

    def save_people(self, rows: list[dict], valid: list[dict] | None) -> None:
        """Keep the rows as typed; when they are all valid, they become the people covered."""
        with db.atomic():
            self.people_draft = json.dumps(rows, ensure_ascii=False)
            if valid is not None:
                InsuredPerson.delete().where(InsuredPerson.request == self).execute()
                for position, person in enumerate(valid):
                    InsuredPerson.create(request=self, position=position, **person)
            self.touch()

    def first_unanswered_step(self) -> str:
        if not self.service_type:
            return "service"
        if not self.people.exists():
            return "people"
        if not self.sponsor_civil_id:
            return "sponsor"
        if not self.insurance_status or not self.years:
            return "cover"
        return "check"

    def choose_service_type(self, service_type: str) -> None:
        self.service_type = service_type
        self.touch()

    def set_sponsor(self, name: str, civil_id: str) -> None:
        self.sponsor_name, self.sponsor_civil_id = name, civil_id
        self.touch()

    def set_cover(self, status: str, years: int, current_cover_end) -> None:
        self.insurance_status, self.years = status, years
        self.current_cover_end = current_cover_end if status == "renewal" else None
        self.touch()

    def touch(self) -> None:
        self.updated_at = clock.now()
        self.save()

    def freeze(self, quote, schedule_id: str) -> bool:
        """Fix the answers and amounts as quoted; False when it was no longer a draft."""
        with db.atomic():
            changed = (InsuranceRequest
                       .update(state=self.AWAITING_PAYMENT, frozen_at=clock.now(),
                               confirmed_at=clock.now(), schedule_id=schedule_id,
                               total_fils=quote.total_fils, updated_at=clock.now())
                       .where((InsuranceRequest.id == self.id) & (InsuranceRequest.state == self.DRAFT))
                       .execute())
            if not changed:
                return False
            for person, line in zip(self.covered(), quote.lines):
                person.annual_fils, person.subtotal_fils = line.annual_fils, line.subtotal_fils
                person.save()
            audit("request.frozen", self, before={"state": self.DRAFT}, after={
                "state": self.AWAITING_PAYMENT, "total_fils": quote.total_fils, "schedule_id": schedule_id})
        self.state = self.AWAITING_PAYMENT
        self.total_fils = quote.total_fils
        self.schedule_id = schedule_id
        if quote.total_fils == 0:
            self.mark_paid(clock.now())  # everyone exempt: nothing to pay, so it is settled now
        return True

    def mark_paid(self, at: datetime, payment: "Payment | None" = None) -> bool:
        """Awaiting payment to paid, once, with its receipt; False when it was not
        awaiting payment (already paid, or another payment got there first)."""
        from models.payments import Receipt

        with db.atomic():
            changed = (InsuranceRequest.update(state=self.PAID, updated_at=at)
                       .where((InsuranceRequest.id == self.id)
                              & (InsuranceRequest.state == self.AWAITING_PAYMENT))
                       .execute())
            if not changed:
                return False
            Receipt.create(request=self, payment=payment, amount_fils=self.total_fils or 0, paid_at=at)
            audit("request.paid", self, before={"state": self.AWAITING_PAYMENT}, after={
                "state": self.PAID, "amount_fils": self.total_fils or 0,
                "payment": payment.id if payment else None}, actor=SYSTEM if payment else None)
        self.state, self.updated_at = self.PAID, at
        return True

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
        changed = (InsuranceRequest.update(state=to_state, updated_at=clock.now())
                   .where((InsuranceRequest.id == self.id) & (InsuranceRequest.state == from_state))
                   .execute())
        if changed:
            audit(f"request.{to_state}", self, before={"state": from_state},
                  after={"state": to_state}, actor=actor)
            self.state = to_state
        return bool(changed)

    def related_civil_ids(self) -> set[str]:
        """Everyone with a stake in it: its holder, its sponsor and the people covered."""
        found = {self.owner.civil_id, self.sponsor_civil_id}
        found.update(person.civil_id for person in self.people)
        return {civil_id for civil_id in found if civil_id}


class InsuredPerson(BaseModel):
    request = ForeignKeyField(InsuranceRequest, backref="people", on_delete="CASCADE")
    position = IntegerField()
    civil_id = CharField(max_length=12)
    name = CharField(max_length=100)
    category_code = CharField(max_length=40)
    passport_number = CharField(max_length=20)
    passport_expiry = DateField()
    annual_fils = IntegerField(null=True)  # frozen with the request
    subtotal_fils = IntegerField(null=True)

    def birth_date(self):
        return birth_date(self.civil_id)
