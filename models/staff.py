"""The people who work the desk for the operator."""

import hmac
import unicodedata
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from peewee import BooleanField, CharField, DateTimeField, IntegerField

import clock
from domain import totp
from models.accounts import PasswordHolder, new_session_version
from models.database import BaseModel
from models.secret_box import SealedField

if TYPE_CHECKING:
    from models.requests import InsuranceRequest


class StaffMember(PasswordHolder, BaseModel):
    """Someone who works the desk for the operator: not an applicant account. Logs in
    with a login name (a civil ID or a user name), a password and a TOTP code; the civil
    ID is always kept (and the mobile, when given), so nobody decides on a refund of their
    own request."""

    REVIEWER = "reviewer"
    ADMIN = "admin"
    ROLES = (REVIEWER, ADMIN)

    login = CharField(max_length=40, unique=True)
    civil_id = CharField(max_length=12, index=True)
    name = CharField(max_length=100)
    mobile = CharField(max_length=16, null=True)  # E.164
    role = CharField(max_length=10)
    password_hash = CharField(max_length=255)
    # Encrypted with TOTP_ENCRYPTION_KEY (models.secret_box): a backup does not give it away.
    totp_secret = SealedField(max_length=255)
    # The last TOTP time step accepted: a code is good once, never again (RFC 6238 §5.2).
    totp_last_step = IntegerField(default=0)
    session_version = CharField(max_length=32, default=new_session_version)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=lambda: clock.now())
    last_login_at = DateTimeField(null=True)

    @property
    def is_admin(self) -> bool:
        return self.role == self.ADMIN

    @classmethod
    def by_login(cls, login: str) -> "StaffMember | None":
        return cls.get_or_none((cls.login == login.strip().lower()) & (cls.active == True))  # noqa: E712

    def use_totp(self, code: str, at: datetime) -> bool:
        """True once for a right code: its time step is claimed in one conditional
        UPDATE, so the same code (or an older one) is refused afterwards, even when two
        log-ins race."""
        step = totp.matching_step(self.totp_secret, code, at.replace(tzinfo=UTC).timestamp())
        if step is None:
            return False
        claimed = (
            StaffMember.update(totp_last_step=step)
            .where((StaffMember.id == self.id) & (StaffMember.totp_last_step < step))
            .execute()
        )
        if claimed:
            self.totp_last_step = step
        return bool(claimed)

    def use_two_totps(self, code: str, next_code: str, at: datetime) -> bool:
        """The slower way in, after repeated failed log-ins: the codes of two consecutive
        time steps, neither used before. Guessing both is a million times harder than one,
        and the owner only waits for their app to show the next code."""
        step = totp.matching_step(self.totp_secret, next_code, at.replace(tzinfo=UTC).timestamp())
        if step is None or not hmac.compare_digest(totp.hotp(self.totp_secret, step - 1), code):
            return False
        claimed = (
            StaffMember.update(totp_last_step=step)
            .where((StaffMember.id == self.id) & (StaffMember.totp_last_step < step - 1))
            .execute()
        )
        if claimed:
            self.totp_last_step = step
        return bool(claimed)

    def may_decide_on(self, insurance_request: "InsuranceRequest") -> bool:
        """Nobody decides on a request they hold, sponsor or are covered by. A civil ID
        alone does not tell (an account's civil ID may be someone else's until claimed), so
        the holder's mobile and every name on the request are compared too."""
        owner = insurance_request.owner if insurance_request.owner_id else None
        # Paid without an account (models.express): its holder is the sponsor and the
        # mobile they proved.
        holder_mobile = owner.mobile if owner else _express_mobile(insurance_request)
        civil_ids = insurance_request.related_civil_ids() | {owner and owner.released_civil_id}
        if self.civil_id in civil_ids or (self.mobile and self.mobile == holder_mobile):
            return False
        names = {
            owner and owner.name_ar,
            owner and owner.name_en,
            insurance_request.sponsor_name,
            *(person.name for person in insurance_request.people),
        }
        return same_name(self.name) not in {same_name(name) for name in names if name}


def _express_mobile(insurance_request) -> str | None:
    from models.express import ExpressSponsor

    sponsor = ExpressSponsor.of_request(insurance_request)
    return sponsor.mobile if sponsor else None


def same_name(name: str) -> str:
    """A name as compared: letter case, tatweel, compatibility forms and spacing do not count."""
    folded = unicodedata.normalize("NFKC", name).replace("\u0640", "").casefold()
    return " ".join(folded.split())
