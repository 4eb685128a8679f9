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
    """`reason`: "not_paid", "nothing_paid", "more_than_paid", "already",
    "own_request", "not_waiting", "other_gateway"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Refund(BaseModel):
    """An applicant's request to have a paid request's money back, and what staff did
    with it. Every change is one conditional UPDATE from the state it must be in, so a
    double click, two reviewers or a replay change it once. The applicant asks for what
    is left of the amount paid; the reviewer may refund part of it (manual §7). The
    payment's `refunded_fils` keeps the sum, never above the amount paid
    (Payment.reserve_refund); `done_for` (unique) is set when the whole is back."""

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
    # The request's id once the whole amount paid is back: the request is then refunded.
    done_for = IntegerField(null=True, unique=True)
    requested_at = DateTimeField(default=lambda: clock.now(), index=True)  # the CSV export reads by it
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
        """The applicant asks for what is left of the amount paid; the request waits for staff."""
        found = Receipt.of(insurance_request)
        if insurance_request.state != InsuranceRequest.PAID or found is None:
            raise RefundRefused("not_paid")
        if not found.amount_fils or found.payment_id is None:
            raise RefundRefused("nothing_paid")
        left = found.amount_fils - Payment.get_by_id(found.payment_id).refunded_fils
        if left <= 0:
            raise RefundRefused("already")
        with db.atomic():
            if not insurance_request.change_state(InsuranceRequest.PAID, InsuranceRequest.REFUND_REQUESTED):
                raise RefundRefused("not_paid")
            try:
                with db.atomic():
                    refund = cls.create(
                        request=insurance_request,
                        payment=found.payment_id,
                        amount_fils=left,
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

    def check_approvable(self, staff: StaffMember, amount_fils: int | None = None) -> Payment:
        """The payment to refund `amount_fils` of (the amount asked for when None), or
        RefundRefused saying why it cannot be."""
        insurance_request = InsuranceRequest.get_by_id(self.request_id)
        if not staff.may_decide_on(insurance_request):
            raise RefundRefused("own_request")
        if self.state != self.REQUESTED:
            raise RefundRefused("not_waiting")
        payment = Payment.get_or_none(Payment.id == self.payment_id)
        found = Receipt.of(insurance_request)
        if payment is None or payment.state != Payment.PAID or found is None:
            raise RefundRefused("not_paid")
        left = min(payment.amount_fils, found.amount_fils) - payment.refunded_fils
        if left <= 0:
            raise RefundRefused("already")
        amount = self.amount_fils if amount_fils is None else amount_fils
        if amount <= 0 or amount > left:
            raise RefundRefused("more_than_paid")
        return payment

    def claim(self, staff: StaffMember, amount_fils: int | None = None) -> bool:
        """A reviewer starts making the refund (of `amount_fils`, part of what was asked,
        when given): only one can, only once."""
        amount = {"amount_fils": amount_fils} if amount_fils is not None else {}
        return self._move(
            (self.REQUESTED,),
            {"state": self.PROCESSING, "decided_by": staff.id, "decided_at": clock.now(), **amount},
            "refund.approved",
            actor=actor_of(staff),
        )

    def complete(
        self, staff: StaffMember, method: str, reference: str, note: str | None, result: dict | None = None
    ) -> bool:
        """The money went back (gateway, or a bank transfer staff made): refunded, once.
        The request is refunded when the whole amount paid is back, paid again after a part
        (the applicant may ask for the rest later)."""
        payment = Payment.get_by_id(self.payment_id)
        whole = payment.refunded_fils >= payment.amount_fils
        return self._move(
            (self.PROCESSING,),
            {
                "state": self.REFUNDED,
                "open_for": None,
                "done_for": self.request_id if whole else None,
                "method": method,
                "refund_reference": reference[:64],
                "decision_note": note or None,
                "gateway_result": json.dumps(result, ensure_ascii=False) if result else None,
                "completed_at": clock.now(),
                "last_error": None,
            },
            "refund.refunded",
            (
                InsuranceRequest.REFUND_REQUESTED,
                InsuranceRequest.REFUNDED if whole else InsuranceRequest.PAID,
            ),
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
