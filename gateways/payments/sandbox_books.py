"""The sandbox bank's books: a table of its own in the app's database, as a real bank's
books are its own and not the merchant's. Models import no gateway, so app.py hands this
table to models.schema (keep_tables) to be created, migrated and backed up with the app's.
"""

import secrets

from peewee import CharField, DateTimeField, IntegerField, IntegrityError, TextField

import clock
from models.database import BaseModel, db


class SandboxPayment(BaseModel):
    """The sandbox bank's own books (gateways/payments/sandbox.py): what it was asked
    to take, what the person chose on its page, what it refunded."""

    class Meta:
        table_name = "sandboxpayment"

    track_id = CharField(max_length=40, unique=True)
    payment_id = CharField(max_length=40, unique=True)
    amount_fils = IntegerField()
    description = CharField(max_length=100, default="")
    response_url = TextField()
    result = CharField(max_length=20, null=True)  # CAPTURED, NOT CAPTURED, CANCELED
    auth = CharField(max_length=12, null=True)
    ref = CharField(max_length=20, null=True)
    tran_id = CharField(max_length=20, null=True)
    refunded_fils = IntegerField(default=0)
    created_at = DateTimeField(default=lambda: clock.now())
    decided_at = DateTimeField(null=True)

    @classmethod
    def open(cls, track_id: str, amount_fils: int, response_url: str, description: str):
        """The bank's record for `track_id`, made on the first start; a second start
        of the same track id (a double click) lands on the same page."""
        row = cls.get_or_none(cls.track_id == track_id)
        if row is None:
            try:
                with db.atomic():
                    row = cls.create(
                        track_id=track_id,
                        payment_id=secrets.token_urlsafe(18),
                        amount_fils=amount_fils,
                        response_url=response_url,
                        description=description[:100],
                    )
            except IntegrityError:
                row = cls.get(cls.track_id == track_id)
        if row.amount_fils != amount_fils:
            raise ValueError("this track id was started for another amount")
        return row

    def decide(self, result: str) -> bool:
        """The person's choice, once: the first click counts, later ones change nothing."""
        changed = (
            SandboxPayment.update(
                result=result,
                decided_at=clock.now(),
                auth=f"{secrets.randbelow(10**6):06d}" if result == "CAPTURED" else None,
                ref=f"{secrets.randbelow(10**12):012d}",
                tran_id=f"{secrets.randbelow(10**15):015d}",
            )
            .where((SandboxPayment.id == self.id) & SandboxPayment.result.is_null())
            .execute()
        )
        self.take_values_of(SandboxPayment.get_by_id(self.id))
        return bool(changed)

    def result_fields(self) -> dict:
        return {
            "track_id": self.track_id,
            "payment_id": self.payment_id,
            "result": self.result or "",
            "amount_fils": str(self.amount_fils),
            "auth": self.auth or "",
            "ref": self.ref or "",
            "tran_id": self.tran_id or "",
        }

    @classmethod
    def refund(cls, track_id: str, amount_fils: int) -> bool:
        if amount_fils <= 0:
            return False
        return bool(
            cls.update(refunded_fils=cls.refunded_fils + amount_fils)
            .where(
                (cls.track_id == track_id)
                & (cls.result == "CAPTURED")
                & (cls.refunded_fils + amount_fils <= cls.amount_fils)
            )
            .execute()
        )
