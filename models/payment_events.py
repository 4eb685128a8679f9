"""A payment's history: every message to and from the bank, one row each, written once
and never changed (KNET's manual, §5 and §9.2.1: requests and responses logged, the
notice kept both encrypted and decrypted). Only the bank's own fields are kept, card
data and secrets already left out by the gateway's filter."""

import json

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

import clock
from models.append_only import AppendOnly, guard_append_only
from models.payments import Payment


class PaymentEvent(AppendOnly):
    REQUEST_SENT = "request_sent"  # the browser sent to the bank's page with this payment
    NOTICE = "notice"  # the bank's server posting the result
    BROWSER = "browser"  # the browser back from the bank
    INQUIRY_SENT = "inquiry_sent"
    INQUIRY_ANSWER = "inquiry_answer"
    INQUIRY_FAILED = "inquiry_failed"  # no answer, or one that says nothing of the payment
    REFUND_SENT = "refund_sent"
    REFUND_ANSWER = "refund_answer"
    KINDS = (
        REQUEST_SENT,
        NOTICE,
        BROWSER,
        INQUIRY_SENT,
        INQUIRY_ANSWER,
        INQUIRY_FAILED,
        REFUND_SENT,
        REFUND_ANSWER,
    )
    RESULTS = (NOTICE, BROWSER)  # what came back on its own, signed or not

    payment = ForeignKeyField(Payment, backref="events", index=True)
    at = DateTimeField()
    kind = CharField(max_length=20)
    signed = BooleanField(default=False)  # decrypted (or signature checked) by the gateway
    outcome = CharField(max_length=12, null=True)  # what the bank's word means: paid, failed...
    result_code = CharField(max_length=60, null=True)
    encrypted = TextField(null=True)  # `trandata` exactly as the bank sent it
    fields = TextField(null=True)  # JSON of the bank's fields (decrypted, or in clear)

    @classmethod
    def record(
        cls,
        payment_id: int,
        kind: str,
        fields: dict | None = None,
        *,
        encrypted: str | None = None,
        signed: bool = False,
        outcome: str | None = None,
        result_code: str | None = None,
    ) -> "PaymentEvent":
        if kind not in cls.KINDS:
            raise ValueError(f"unknown payment event {kind!r}")
        return cls.create(
            payment=payment_id,
            at=clock.now(),
            kind=kind,
            signed=signed,
            outcome=outcome or None,
            result_code=(result_code or "")[:60] or None,
            encrypted=encrypted or None,
            fields=json.dumps(fields, ensure_ascii=False, sort_keys=True) if fields is not None else None,
        )

    @classmethod
    def of_payment(cls, payment_id: int) -> list["PaymentEvent"]:
        return list(cls.select().where(cls.payment == payment_id).order_by(cls.at, cls.id))

    @classmethod
    def signed_capture(cls, payment_id: int) -> "PaymentEvent | None":
        """The latest result the bank signed saying the money was taken, if any: a later
        inquiry that says otherwise is a disagreement for staff, not a failure."""
        return (
            cls.select()
            .where(
                (cls.payment == payment_id)
                & cls.kind.in_(cls.RESULTS)
                & (cls.signed == True)  # noqa: E712 (peewee builds SQL from ==)
                & (cls.outcome == "paid")
            )
            .order_by(cls.at.desc(), cls.id.desc())
            .first()
        )

    def values(self) -> dict:
        return json.loads(self.fields) if self.fields else {}


def guard_payment_history() -> None:
    guard_append_only(PaymentEvent._meta.table_name, "payment_event", "the payment history is append-only")
