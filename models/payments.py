"""Paying a request: each try at paying (one track id each), and the receipt of a paid
request."""

import json
import secrets
from datetime import datetime, timedelta

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, IntegrityError, TextField, fn

import clock
from models.audit import SYSTEM, audit
from models.database import BaseModel
from models.requests import InsuranceRequest, writing


def payment_snapshot(payment: "Payment") -> dict:
    """A payment's columns worth keeping in the audit log (no raw gateway answer)."""
    return {
        name: getattr(payment, name)
        for name in (
            "state",
            "track_id",
            "amount_fils",
            "gateway",
            "result_code",
            "payment_id",
            "reference_number",
            "note",
        )
    }


# The note of a payment closed as failed because its inquiries kept answering errors.
GAVE_UP_NOTE = "Closed as failed: the bank's inquiry still answered an error"


def _new_track_id() -> str:
    # Digits only, 19 of them: K-Net's field is 19 wide and every kit sends digits. Time
    # first, so they sort; random after.
    return clock.now().strftime("%y%m%d%H%M%S") + f"{secrets.randbelow(10**7):07d}"


class Payment(BaseModel):
    """One try at paying a request, with one track id. Its state changes once, by a
    conditional UPDATE, so a repeated or racing result cannot settle it twice; a try
    closed as failed or cancelled may still turn out captured (a late capture)."""

    AWAITING = "awaiting"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    MISMATCH = "mismatch"  # the gateway's answers and ours disagree: staff must look
    STATES = (AWAITING, PAID, FAILED, CANCELLED, MISMATCH)

    request = ForeignKeyField(InsuranceRequest, backref="payments")
    track_id = CharField(max_length=40, unique=True)
    # The request's id while awaiting, NULL once settled: a unique column, so the
    # database itself keeps a request to one payment in progress at a time.
    open_for = IntegerField(null=True, unique=True)
    gateway = CharField(max_length=20)
    amount_fils = IntegerField()
    state = CharField(max_length=12, default=AWAITING, index=True)
    result_code = CharField(max_length=60, null=True)
    payment_id = CharField(max_length=64, null=True)
    transaction_id = CharField(max_length=64, null=True)
    auth_code = CharField(max_length=32, null=True)
    reference_number = CharField(max_length=32, null=True)
    note = TextField(null=True)
    raw_result = TextField(null=True)  # JSON of the gateway's fields, card data left out
    # Indexed: the desk's search by day and the CSV export read payments by when made.
    created_at = DateTimeField(default=lambda: clock.now(), index=True)
    updated_at = DateTimeField(default=lambda: clock.now())
    paid_at = DateTimeField(null=True)
    # When the app last asked the gateway about it (an inquiry): at most one per
    # payment in a short time, whoever asks (Payment.claim_inquiry).
    last_asked_at = DateTimeField(null=True)
    # When it was closed as failed or cancelled: the gateway may capture it later, so
    # reconcile asks again for a while, and a capture after this is a late one.
    closed_at = DateTimeField(null=True)
    # The amount a signed result (the bank's notice) claimed: the inquiry's answer may
    # carry none (no public source says it always does).
    noticed_fils = IntegerField(null=True)
    # Fils given back so far (partial refunds, manual §7): never above amount_fils.
    refunded_fils = IntegerField(default=0)
    # When the person was sent the try's result (services.payments.tell_result): once.
    told_at = DateTimeField(null=True)

    CLOSED = (FAILED, CANCELLED)

    class Meta:
        # reconcile's two reads: payments awaiting by age, closed ones by when they closed.
        indexes = ((("state", "created_at"), False), (("state", "closed_at"), False))

    @classmethod
    def open_for_request(cls, insurance_request: InsuranceRequest) -> "Payment | None":
        return cls.get_or_none(cls.open_for == insurance_request.id)

    @classmethod
    def begin(
        cls, insurance_request: InsuranceRequest, gateway: str, opening_for: timedelta = timedelta(0)
    ) -> "Payment | None":
        """The try at paying the request's frozen total that the person is sent to the
        bank with; None when the request no longer awaits payment.

        A try started less than `opening_for` ago, for the same total, is still being
        opened: it is the answer, so a double press, or ten at once, make one bank session. An older try
        still in progress is closed as cancelled first (the caller asked the gateway
        about it) and a new one made, with a new track id (a bank must never see one
        twice): it never takes the new try's place, so its amount cannot differ from
        the total."""
        for _attempt in range(5):
            try:
                # The request row held: a change of answers cannot slip in between the
                # check of its state and the payment of its total, nor a second press
                # between the check of the try in progress and a new one.
                with writing():
                    fresh = InsuranceRequest.held(insurance_request.id)
                    if fresh.state != InsuranceRequest.AWAITING_PAYMENT:
                        return None
                    existing = cls.open_for_request(fresh)
                    if (
                        existing is not None
                        and existing.is_opening(opening_for)
                        and existing.amount_fils == fresh.total_fils
                    ):
                        return existing
                    if existing is not None:
                        existing.mark_unpaid(cls.CANCELLED, {"note": "Replaced by a newer try at paying."})
                    payment = cls.create(
                        request=fresh,
                        open_for=fresh.id,
                        track_id=_new_track_id(),
                        gateway=gateway,
                        amount_fils=fresh.total_fils,
                    )
                    audit("payment.started", payment, after=payment_snapshot(payment))
                    return payment
            except IntegrityError:
                continue
        raise RuntimeError("could not start a payment")

    def is_opening(self, opening_for: timedelta) -> bool:
        """Awaiting, and started less than `opening_for` ago: the person may still be on
        their way to the bank's page with it."""
        return self.state == self.AWAITING and self.created_at > clock.now() - opening_for

    @classmethod
    def by_track_id(cls, track_id: str) -> "Payment | None":
        return cls.get_or_none(cls.track_id == str(track_id)[:40])

    @classmethod
    def left_waiting(cls, older_than: datetime, newer_than: datetime) -> list["Payment"]:
        return list(cls.waiting_between(older_than, newer_than))

    @classmethod
    def waiting_between(cls, older_than: datetime, newer_than: datetime):
        """Awaiting, started between `newer_than` and `older_than`: by the index on
        (state, created_at), so reconcile reads only payments that can still change."""
        return (
            cls.select()
            .where((cls.state == cls.AWAITING) & cls.created_at.between(newer_than, older_than))
            .order_by(cls.id)
        )

    @classmethod
    def closed_since(cls, since: datetime, asked_before: datetime) -> list["Payment"]:
        return list(cls.closed_to_revisit(since, asked_before))

    @classmethod
    def closed_to_revisit(cls, since: datetime, asked_before: datetime):
        """Failed or cancelled since `since`, and not asked about after `asked_before`: by
        the index on (state, closed_at); older ones are final."""
        return (
            cls.select()
            .where(
                cls.state.in_(cls.CLOSED)
                & (cls.closed_at >= since)
                & (cls.last_asked_at.is_null() | (cls.last_asked_at <= asked_before))
            )
            .order_by(cls.id)
        )

    @classmethod
    def captured_late(cls, limit: int = 20) -> list["Payment"]:
        return list(cls.captured_late_query(limit))

    @classmethod
    def captured_late_query(cls, limit: int = 20):
        """Captured after they had been closed as failed or cancelled, newest first: by the
        index on (state, closed_at), never every payment paid."""
        return (
            cls.select()
            .where(cls.state.in_((cls.PAID, cls.MISMATCH)) & (cls.closed_at > datetime(1970, 1, 1)))
            .order_by(cls.updated_at.desc(), cls.id.desc())
            .limit(limit)
        )

    @classmethod
    def closed_after_inquiry_errors(cls, since: datetime, limit: int = 20) -> list["Payment"]:
        """Closed as failed since `since` because the bank's inquiries kept answering
        errors, newest first: staff check them with the bank."""
        return list(cls.closed_after_inquiry_errors_query(since, limit))

    @classmethod
    def closed_after_inquiry_errors_query(cls, since: datetime, limit: int = 20):
        return (
            cls.select()
            .where((cls.state == cls.FAILED) & (cls.closed_at >= since) & cls.note.startswith(GAVE_UP_NOTE))
            .order_by(cls.closed_at.desc(), cls.id.desc())
            .limit(limit)
        )

    def claim_inquiry(self, at: datetime, every) -> bool:
        """True when this caller may ask the gateway about the payment now: it is not
        settled, and nobody asked in the last `every`. One conditional UPDATE, so
        racing callers (a browser, a notice, reconcile, someone replaying a URL) make
        one inquiry between them."""
        claimed = (
            Payment.update(last_asked_at=at)
            .where(
                (Payment.id == self.id)
                & Payment.state.in_((self.AWAITING, *self.CLOSED))
                & (Payment.last_asked_at.is_null() | (Payment.last_asked_at <= at - every))
            )
            .execute()
        )
        if claimed:
            self.last_asked_at = at
        return bool(claimed)

    def claim_telling(self, at: datetime) -> bool:
        """True for the one caller that tells the person this try's result: settled, and
        nobody told it yet. One conditional UPDATE, so a notice, the browser and reconcile
        racing send one message between them."""
        claimed = (
            Payment.update(told_at=at)
            .where((Payment.id == self.id) & (Payment.state != self.AWAITING) & Payment.told_at.is_null())
            .execute()
        )
        if claimed:
            self.told_at = at
        return bool(claimed)

    def keep_claim(self, details: dict) -> None:
        """A signed result we do not act on yet (a capture, before the inquiry confirms
        it): kept on a payment in progress for staff to see; on a closed one, it is asked
        about at the next chance instead of after the usual wait."""
        Payment.update(updated_at=clock.now(), **_keeping_first_raw(details)).where(
            (Payment.id == self.id) & (Payment.state == self.AWAITING)
        ).execute()
        Payment.update(last_asked_at=None).where(
            (Payment.id == self.id) & Payment.state.in_(self.CLOSED)
        ).execute()

    def _settle(self, state: str, from_states: tuple, details: dict) -> bool:
        at = clock.now()
        values = {"state": state, "open_for": None, "updated_at": at, **details}
        before = payment_snapshot(self)
        changed = (
            Payment.update(**_keeping_first_raw(values))
            .where((Payment.id == self.id) & Payment.state.in_(from_states))
            .execute()
        )
        if changed:
            for name, value in values.items():
                if name != "raw_result":  # the stored one may be an earlier result's
                    setattr(self, name, value)
            audit(f"payment.{state}", self, before=before, after=payment_snapshot(self), actor=SYSTEM)
        return bool(changed)

    def record_paid(self, details: dict, at: datetime) -> bool:
        """The money taken, once; False when an earlier call had recorded it (a replay, or
        the gateway's notice and the browser racing). A payment closed as failed or
        cancelled may still be captured late: that counts."""
        return self._settle(
            self.PAID, (self.AWAITING, self.FAILED, self.CANCELLED), {**details, "paid_at": at}
        )

    def reserve_refund(self, amount_fils: int) -> bool:
        """Count `amount_fils` as given back, before the bank is asked: one conditional
        UPDATE, so racing refunds never sum above the amount paid."""
        if amount_fils <= 0:
            return False
        return bool(
            Payment.update(refunded_fils=Payment.refunded_fils + amount_fils)
            .where(
                (Payment.id == self.id)
                & (Payment.state == self.PAID)
                & (Payment.refunded_fils + amount_fils <= Payment.amount_fils)
            )
            .execute()
        )

    def release_refund(self, amount_fils: int) -> bool:
        """The bank did not give `amount_fils` back after all."""
        return bool(
            Payment.update(refunded_fils=Payment.refunded_fils - amount_fils)
            .where((Payment.id == self.id) & (Payment.refunded_fils >= amount_fils))
            .execute()
        )

    def record_paid_twice(self) -> None:
        """The money was taken but the request was already paid by another payment, or no
        longer awaits payment: kept as a mismatch, to refund."""
        Payment.update(
            state=self.MISMATCH,
            note="The money was taken but the request was "
            "already paid or no longer awaiting payment: refund this payment.",
        ).where(Payment.id == self.id).execute()
        audit(
            "payment.mismatch",
            self,
            before={"state": self.PAID},
            after={"state": self.MISMATCH},
            actor=SYSTEM,
        )
        self.state = self.MISMATCH

    def mark_unpaid(self, state: str, details: dict) -> bool:
        """Failed or cancelled, only from awaiting: a late or replayed failure never
        undoes a payment."""
        return self._settle(state, (self.AWAITING,), {**details, "closed_at": clock.now()})

    def mark_mismatch(self, note: str, details: dict) -> bool:
        return self._settle(
            self.MISMATCH, (self.AWAITING, self.FAILED, self.CANCELLED), {**details, "note": note}
        )

    @staticmethod
    def details_of(result, inquiry=None) -> dict:
        """The columns to store from a gateway's result (and inquiry), card data already
        left out. `raw_result` keeps only what the gateway signed or answered, and the
        first one stored stays (the payment's history keeps every one)."""
        best = inquiry or result
        signed = result if result is not None and result.verified else None
        raw = {"result": getattr(signed, "raw", None), "inquiry": getattr(inquiry, "raw", None)}
        noticed = {"noticed_fils": signed.amount_fils} if signed and signed.amount_fils is not None else {}
        if signed:
            # The purchase's transaction id comes from the signed result only: no source
            # says an inquiry's `tranid` is the purchase's. Left as kept otherwise.
            noticed["transaction_id"] = signed.transaction_id or None
        return {
            **noticed,
            "result_code": (best.result_code or "")[:60] or None,
            "payment_id": best.payment_id or (result.payment_id if result else "") or None,
            "auth_code": best.auth_code or (result.auth_code if result else "") or None,
            "reference_number": best.reference_number or (result.reference_number if result else "") or None,
            "raw_result": json.dumps({k: v for k, v in raw.items() if v is not None}, ensure_ascii=False)
            if any(v is not None for v in raw.values())
            else None,
        }


def _keeping_first_raw(values: dict) -> dict:
    """`values` for an UPDATE where a raw result already stored is never overwritten:
    the bank's signed notice stays as it came, whatever arrives after it."""
    if values.get("raw_result") is None:
        return {name: value for name, value in values.items() if name != "raw_result"}
    return {**values, "raw_result": fn.COALESCE(Payment.raw_result, values["raw_result"])}


def _new_verify_code() -> str:
    return secrets.token_urlsafe(16)


class Receipt(BaseModel):
    """A paid request's proof: made once, when the request becomes paid (with its
    payment, or without one when nothing was due). `verify_code` is the random,
    unguessable part of the public verification address in the QR code."""

    request = ForeignKeyField(InsuranceRequest, unique=True, backref="receipts")
    payment = ForeignKeyField(Payment, null=True)
    amount_fils = IntegerField()
    paid_at = DateTimeField()
    verify_code = CharField(max_length=32, unique=True, default=_new_verify_code)

    @classmethod
    def of(cls, insurance_request: InsuranceRequest) -> "Receipt | None":
        return cls.get_or_none(cls.request == insurance_request)
