"""Express payment: a sponsor pays for domestic workers without an account.

An express request is an InsuranceRequest with no owner account and one ExpressSponsor
row: the civil ID and the mobile the sponsor proved by SMS code, and the secret that its
receipt link carries. Accounts still find only the requests they own; an express request
is found through its secret link, until the sponsor's account claims it.
"""

import secrets

from peewee import CharField, DateTimeField, ForeignKeyField, IntegrityError

import clock
from domain.reference import new_reference
from domain.sponsor import PERSON
from models.accounts import User
from models.database import BaseModel, db
from models.requests import InsuranceRequest, writing


def new_receipt_token() -> str:
    return secrets.token_urlsafe(32)


class ExpressSponsor(BaseModel):
    request = ForeignKeyField(InsuranceRequest, unique=True, backref="express_sponsors", on_delete="CASCADE")
    civil_id = CharField(max_length=12, index=True)
    mobile = CharField(max_length=16)  # E.164, proved by an SMS code
    language = CharField(max_length=2)
    # The receipt link's secret, kept as it is: the paid SMS names it after the payment
    # settles, which may be in an operator command long after the browser left.
    receipt_token = CharField(max_length=64, unique=True, default=new_receipt_token)
    # When the receipt link was issued: it works for EXPRESS_LINK_DAYS, then a code to the
    # same mobile replaces it (services/express.py).
    link_issued_at = DateTimeField(default=lambda: clock.now())
    created_at = DateTimeField(default=lambda: clock.now())
    claimed_at = DateTimeField(null=True)

    @classmethod
    def start(cls, civil_id: str, mobile: str, language: str) -> "ExpressSponsor":
        """A new draft request without an owner, its sponsor the person who proved the mobile."""
        for _attempt in range(5):
            try:
                with db.atomic():
                    insurance_request = InsuranceRequest.create(
                        owner=None,
                        reference=new_reference(),
                        service_type="group",
                        sponsor_kind=PERSON,
                        sponsor_civil_id=civil_id,
                    )
                    return cls.create(
                        request=insurance_request, civil_id=civil_id, mobile=mobile, language=language
                    )
            except IntegrityError:  # a reference or a token twice: astronomically rare
                continue
        raise RuntimeError("could not find a free request reference")

    @classmethod
    def by_token(cls, token: str) -> "ExpressSponsor | None":
        return cls.get_or_none(cls.receipt_token == token)

    def replace_link(self, at) -> bool:
        """A new receipt link in place of this one, which then opens nothing; False when
        another replaced it first (this row's token is then stale)."""
        token = new_receipt_token()
        changed = (
            ExpressSponsor.update(receipt_token=token, link_issued_at=at)
            .where((ExpressSponsor.id == self.id) & (ExpressSponsor.receipt_token == self.receipt_token))
            .execute()
        )
        if changed:
            self.receipt_token, self.link_issued_at = token, at
        return bool(changed)

    @classmethod
    def of_request(cls, insurance_request: InsuranceRequest) -> "ExpressSponsor | None":
        return cls.get_or_none(cls.request == insurance_request.id)

    @classmethod
    def claim_for(cls, user: User, at) -> int:
        """Give `user` the express requests paid with its civil ID and mobile that no
        account holds yet; how many it got. Only an account that can log in claims: its
        mobile was proved by a code, as the sponsor's was."""
        if not user.can_log_in:
            return 0
        with writing():
            unclaimed = (
                cls.select(cls.request)
                .join(InsuranceRequest)
                .where(
                    (cls.civil_id == user.civil_id)
                    & (cls.mobile == user.mobile)
                    & InsuranceRequest.owner.is_null()
                )
            )
            ids = [row.request_id for row in unclaimed]
            if not ids:
                return 0
            (
                InsuranceRequest.update(owner=user)
                .where(InsuranceRequest.id.in_(ids) & InsuranceRequest.owner.is_null())
                .execute()
            )
            cls.update(claimed_at=at).where(cls.request.in_(ids)).execute()
        return len(ids)
