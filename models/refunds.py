"""Refunds: an applicant asks for a paid request's money back, and staff decide."""

import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, IntegrityError, TextField

import clock
from domain.iban import masked as masked_iban
from models.audit import Actor, actor_of, audit
from models.database import BaseModel, db
from models.payments import Payment, Receipt
from models.requests import InsuranceRequest
from models.staff import StaffMember


class RefundRefused(ValueError):
    """`reason`: "not_paid", "nothing_paid", "partial", "more_than_paid", "already",
    "own_request", "not_waiting", "other_gateway"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Refund(BaseModel):
    """An applicant's request to have a paid request's money back, and what staff did
    with it. Every change is one conditional UPDATE from the state it must be in, so a
    double click, two reviewers or a replay change it once. The whole amount paid, or
    nothing: never part, never more, never twice (`done_for` is unique)."""

    REQUESTED = "requested"
    PROCESSING = "processing"  # claimed by a reviewer, the gateway being asked
    REFUNDED = "refunded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    STATES = (REQUESTED, PROCESSING, REFUNDED, REJECTED, WITHDRAWN)
    REASONS = ("paid_twice", "residency_cancelled", "left_kuwait", "other")
    GATEWAY = "gateway"
    BANK_TRANSFER = "bank_transfer"
    METHODS = (GATEWAY, BANK_TRANSFER)

    request = ForeignKeyField(InsuranceRequest, backref="refunds")
    payment = ForeignKeyField(Payment, null=True)
    amount_fils = IntegerField()
    state = CharField(max_length=12, default=REQUESTED, index=True)
    reason = CharField(max_length=30)
    details = TextField(null=True)
    iban = CharField(max_length=34)
    account_holder = CharField(max_length=100)
    # The request's id while a refund waits or is being made, NULL after: the database
    # keeps a request to one open refund at a time.
    open_for = IntegerField(null=True, unique=True)
    # The request's id once refunded: at most one refund is ever made per request.
    done_for = IntegerField(null=True, unique=True)
    requested_at = DateTimeField(default=lambda: clock.now())
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(StaffMember, null=True, backref="decisions")
    decision_note = TextField(null=True)
    method = CharField(max_length=16, null=True)
    refund_reference = CharField(max_length=64, null=True)
    gateway_result = TextField(null=True)
    last_error = TextField(null=True)
    completed_at = DateTimeField(null=True)
    withdrawn_at = DateTimeField(null=True)

    AUDITED = ("state", "amount_fils", "reason", "method", "refund_reference", "decision_note", "last_error")

    def snapshot(self) -> dict:
        values = {name: getattr(self, name) for name in self.AUDITED}
        return {**values, "iban": masked_iban(self.iban), "decided_by": self.decided_by_id}

    @classmethod
    def ask(
        cls,
        insurance_request: InsuranceRequest,
        *,
        reason: str,
        details: str | None,
        iban_text: str,
        account_holder: str,
    ) -> "Refund":
        """The applicant asks for the whole amount paid back; the request waits for staff."""
        found = Receipt.of(insurance_request)
        if insurance_request.state != InsuranceRequest.PAID or found is None:
            raise RefundRefused("not_paid")
        if not found.amount_fils or found.payment_id is None:
            raise RefundRefused("nothing_paid")
        with db.atomic():
            if not insurance_request.change_state(InsuranceRequest.PAID, InsuranceRequest.REFUND_REQUESTED):
                raise RefundRefused("not_paid")
            try:
                with db.atomic():
                    refund = cls.create(
                        request=insurance_request,
                        payment=found.payment_id,
                        amount_fils=found.amount_fils,
                        reason=reason,
                        details=details or None,
                        iban=iban_text,
                        account_holder=account_holder,
                        open_for=insurance_request.id,
                    )
            except IntegrityError:
                raise RefundRefused("already") from None
            audit("refund.requested", refund, after=refund.snapshot())
        return refund

    def _move(
        self,
        from_states: tuple,
        values: dict,
        action: str,
        request_change: tuple | None = None,
        actor: Actor | None = None,
    ) -> bool:
        """Change state (and `values`) only from `from_states`, with the request's state
        when given, in one transaction; audit both. False when it was not in those states."""
        before = self.snapshot()
        with db.atomic():
            changed = (
                Refund.update(**values)
                .where((Refund.id == self.id) & Refund.state.in_(from_states))
                .execute()
            )
            if not changed:
                return False
            for name, value in values.items():
                setattr(self, name, value)
            audit(action, self, before=before, after=self.snapshot(), actor=actor)
            if request_change:
                insurance_request = InsuranceRequest.get_by_id(self.request_id)
                insurance_request.change_state(*request_change, actor=actor)
        return True

    def withdraw(self) -> bool:
        """The applicant takes it back while it waits: the request is paid again."""
        return self._move(
            (self.REQUESTED,),
            {"state": self.WITHDRAWN, "open_for": None, "withdrawn_at": clock.now()},
            "refund.withdrawn",
            (InsuranceRequest.REFUND_REQUESTED, InsuranceRequest.PAID),
        )

    def check_approvable(self, staff: StaffMember) -> Payment:
        """The payment to refund, or RefundRefused saying why it cannot be."""
        insurance_request = InsuranceRequest.get_by_id(self.request_id)
        if not staff.may_decide_on(insurance_request):
            raise RefundRefused("own_request")
        if self.state != self.REQUESTED:
            raise RefundRefused("not_waiting")
        payment = Payment.get_or_none(Payment.id == self.payment_id)
        found = Receipt.of(insurance_request)
        if payment is None or payment.state != Payment.PAID or found is None:
            raise RefundRefused("not_paid")
        paid = min(payment.amount_fils, found.amount_fils)
        if self.amount_fils > paid:
            raise RefundRefused("more_than_paid")
        if self.amount_fils < paid or self.amount_fils <= 0:
            raise RefundRefused("partial")
        if (
            Refund.select()
            .where((Refund.request == self.request_id) & (Refund.state == self.REFUNDED))
            .exists()
        ):
            raise RefundRefused("already")
        return payment

    def claim(self, staff: StaffMember) -> bool:
        """A reviewer starts making the refund: only one can, only once."""
        return self._move(
            (self.REQUESTED,),
            {"state": self.PROCESSING, "decided_by": staff.id, "decided_at": clock.now()},
            "refund.approved",
            actor=actor_of(staff),
        )

    def complete(
        self, staff: StaffMember, method: str, reference: str, note: str | None, result: dict | None = None
    ) -> bool:
        """The money went back (gateway, or a bank transfer staff made): refunded, once."""
        return self._move(
            (self.PROCESSING,),
            {
                "state": self.REFUNDED,
                "open_for": None,
                "done_for": self.request_id,
                "method": method,
                "refund_reference": reference[:64],
                "decision_note": note or None,
                "gateway_result": json.dumps(result, ensure_ascii=False) if result else None,
                "completed_at": clock.now(),
                "last_error": None,
            },
            "refund.refunded",
            (InsuranceRequest.REFUND_REQUESTED, InsuranceRequest.REFUNDED),
            actor=actor_of(staff),
        )

    def release(self, staff: StaffMember, error: str) -> bool:
        """The gateway did not make the refund: back in the queue, with why."""
        return self._move(
            (self.PROCESSING,),
            {"state": self.REQUESTED, "last_error": error[:500], "decided_by": None, "decided_at": None},
            "refund.failed",
            actor=actor_of(staff),
        )

    def reject(self, staff: StaffMember, note: str) -> bool:
        insurance_request = InsuranceRequest.get_by_id(self.request_id)
        if not staff.may_decide_on(insurance_request):
            raise RefundRefused("own_request")
        return self._move(
            (self.REQUESTED,),
            {
                "state": self.REJECTED,
                "open_for": None,
                "decided_by": staff.id,
                "decided_at": clock.now(),
                "decision_note": note,
            },
            "refund.rejected",
            (InsuranceRequest.REFUND_REQUESTED, InsuranceRequest.PAID),
            actor=actor_of(staff),
        )

    @classmethod
    def queue(cls) -> list["Refund"]:
        return list(
            cls.select()
            .where(cls.state.in_((cls.REQUESTED, cls.PROCESSING)))
            .order_by(cls.requested_at, cls.id)
        )
