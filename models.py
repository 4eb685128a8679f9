"""Storage: peewee models bound to the database named by DATABASE_URL."""
import hashlib
import hmac
import json
import math
import secrets
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from peewee import (Case, CharField, DatabaseProxy, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, IntegrityError, Model, TextField)
from playhouse.db_url import connect

from domain import passwords
from domain.civil_id import birth_date
from domain.phone import national_format
from domain.reference import new_reference

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": 1,  # NORMAL: safe with WAL, far fewer fsyncs than FULL
}


class BaseModel(Model):
    class Meta:
        database = db


MODELS: list[type[BaseModel]] = []


def open_database(url: str):
    """Bind the proxy to the database at `url` and return it."""
    options = {"pragmas": SQLITE_PRAGMAS} if url.startswith("sqlite") else {}
    database = connect(url, **options)
    db.initialize(database)
    return database


def create_tables() -> None:
    with db.connection_context():
        db.create_tables(MODELS, safe=True)


def database_is_up() -> bool:
    try:
        with db.connection_context():
            db.execute_sql("SELECT 1").fetchone()
        return True
    except Exception:  # any driver error means "not reachable" to a health check
        return False


# --- accounts --------------------------------------------------------------

def now() -> datetime:
    """The current UTC time, naive as stored. Tests replace it to move the clock."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _new_session_version() -> str:
    return secrets.token_urlsafe(16)


class User(BaseModel):
    """An account holder. The civil ID is the login name; the account can log in once
    the mobile is verified and a password chosen."""

    GENDERS = ("female", "male")
    LANGUAGES = ("ar", "en")
    GOVERNORATES = ("KW-KU", "KW-HA", "KW-FA", "KW-AH", "KW-JA", "KW-MU")
    ACCOUNT_KINDS = ("personal", "company", "government", "university")

    civil_id = CharField(max_length=12, unique=True)
    name_ar = CharField(max_length=100)
    name_en = CharField(max_length=100)
    user_name = CharField(max_length=40)
    mobile = CharField(max_length=16)  # E.164
    email = CharField(max_length=254)
    gender = CharField(max_length=6)
    language = CharField(max_length=2)
    governorate = CharField(max_length=5)
    account_kind = CharField(max_length=10)
    password_hash = CharField(max_length=255, null=True)
    mobile_verified_at = DateTimeField(null=True)
    # Kept in the signed session cookie; changing it signs out every browser.
    session_version = CharField(max_length=32, default=_new_session_version)
    created_at = DateTimeField(default=lambda: now())

    DETAILS = ("name_ar", "name_en", "user_name", "mobile", "email", "gender", "language",
               "governorate", "account_kind")

    @classmethod
    def start_registration(cls, civil_id: str, details: dict) -> tuple["User", bool]:
        """(user, duplicate). A registration that never got as far as a password
        is taken over by the newer one, so an abandoned attempt blocks nobody."""
        user = cls.get_or_none(cls.civil_id == civil_id)
        if user is not None and user.password_hash is not None:
            return user, True
        if user is not None:
            # Codes sent for the registration being replaced must not verify this one.
            (OneTimeCode.update(used_at=now())
             .where(OneTimeCode.user == user, OneTimeCode.used_at.is_null()).execute())
        user = user or cls(civil_id=civil_id)
        for name in cls.DETAILS:
            setattr(user, name, details[name])
        user.mobile_verified_at = None
        user.save()
        return user, False

    @property
    def can_log_in(self) -> bool:
        return self.password_hash is not None and self.mobile_verified_at is not None

    def set_password(self, password: str, hasher) -> None:
        self.password_hash = passwords.hash_password(hasher, password)
        self.rotate_session_version()

    def check_password(self, password: str, hasher) -> bool:
        if not passwords.verify_password(hasher, self.password_hash, password):
            return False
        if hasher.check_needs_rehash(self.password_hash):
            self.password_hash = passwords.hash_password(hasher, password)
            self.save(only=[User.password_hash])
        return True

    def mark_mobile_verified(self, mobile: str, at: datetime) -> None:
        self.mobile = mobile
        self.mobile_verified_at = at

    def rotate_session_version(self) -> None:
        self.session_version = _new_session_version()

    def full_name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" else self.name_en

    def mobile_national(self) -> str:
        return national_format(self.mobile)


class CodeCheck(NamedTuple):
    status: str  # "ok", "wrong", "expired", "exhausted"
    tries_left: int = 0


class OneTimeCode(BaseModel):
    """A 6-digit code sent by SMS, kept only as a keyed hash. A code without a user
    is a decoy: it stands in for one, so unknown details behave like known ones."""

    REGISTER = "register"
    RESET = "reset"
    CHANGE_MOBILE = "change_mobile"
    LIFETIME = timedelta(minutes=10)
    MAX_ATTEMPTS = 5
    RESEND_AFTER = timedelta(seconds=60)
    PER_NUMBER_PER_HOUR = 5

    purpose = CharField(max_length=16)
    user = ForeignKeyField(User, null=True, backref="codes", on_delete="CASCADE")
    mobile = CharField(max_length=16, index=True)  # where it was sent, E.164
    code_hash = CharField(max_length=100)
    attempts = IntegerField(default=0)
    created_at = DateTimeField()
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    @classmethod
    def issue(cls, purpose: str, mobile: str, user: User | None, secret: bytes,
              at: datetime) -> tuple["OneTimeCode", str]:
        """A new code row and the code in clear, to send once and forget."""
        code = f"{secrets.randbelow(10 ** 6):06d}"
        salt = secrets.token_hex(8)
        row = cls.create(purpose=purpose, mobile=mobile, user=user,
                         code_hash=f"{salt}${_code_digest(secret, salt, code)}",
                         created_at=at, expires_at=at + cls.LIFETIME)
        return row, code

    @classmethod
    def number_free_at(cls, mobile: str, at: datetime) -> datetime | None:
        """None when another code may go to `mobile`; otherwise when one may."""
        recent = list(cls.select(cls.created_at)
                      .where(cls.mobile == mobile, cls.created_at > at - timedelta(hours=1))
                      .order_by(cls.created_at.desc())
                      .limit(cls.PER_NUMBER_PER_HOUR))
        if len(recent) < cls.PER_NUMBER_PER_HOUR:
            return None
        return recent[-1].created_at + timedelta(hours=1)

    def seconds_until_resend(self, at: datetime) -> int:
        wait = (self.created_at + self.RESEND_AFTER - at).total_seconds()
        return max(0, math.ceil(wait))

    def retire(self, at: datetime) -> None:
        OneTimeCode.update(used_at=at).where(OneTimeCode.id == self.id,
                                             OneTimeCode.used_at.is_null()).execute()

    def verify(self, code: str, secret: bytes, at: datetime) -> CodeCheck:
        if self.used_at is not None or at >= self.expires_at:
            return CodeCheck("expired")
        # Claim an attempt in one statement, so parallel guesses cannot exceed the limit.
        claimed = (OneTimeCode.update(attempts=OneTimeCode.attempts + 1)
                   .where(OneTimeCode.id == self.id,
                          OneTimeCode.attempts < self.MAX_ATTEMPTS,
                          OneTimeCode.used_at.is_null())
                   .execute())
        if not claimed:
            return CodeCheck("exhausted")
        self.attempts = OneTimeCode.get_by_id(self.id).attempts
        salt, digest = self.code_hash.split("$", 1)
        matches = hmac.compare_digest(digest, _code_digest(secret, salt, code))
        if matches and self.user_id is not None:
            claimed = (OneTimeCode.update(used_at=at)
                       .where(OneTimeCode.id == self.id, OneTimeCode.used_at.is_null())
                       .execute())
            return CodeCheck("ok") if claimed else CodeCheck("expired")
        tries_left = self.MAX_ATTEMPTS - self.attempts
        return CodeCheck("wrong", tries_left) if tries_left else CodeCheck("exhausted")


def _code_digest(secret: bytes, salt: str, code: str) -> str:
    return hmac.new(secret, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


class RateLimit(BaseModel):
    """A fixed-window counter in the database, so every server process shares it."""

    key = CharField(max_length=80, primary_key=True)
    window_started_at = DateTimeField()
    hits = IntegerField(default=0)

    @classmethod
    def hit(cls, key: str, window: timedelta, at: datetime) -> "RateLimit":
        stale = cls.window_started_at <= at - window
        # One upsert statement: concurrent hits from several processes all count.
        (cls.insert(key=key, window_started_at=at, hits=1)
         .on_conflict(conflict_target=[cls.key], update={
             cls.hits: Case(None, [(stale, 1)], cls.hits + 1),
             cls.window_started_at: Case(None, [(stale, at)], cls.window_started_at),
         })
         .execute())
        return cls.get_by_id(key)

    @classmethod
    def current(cls, key: str, window: timedelta, at: datetime) -> "RateLimit | None":
        row = cls.get_or_none(cls.key == key)
        return row if row is not None and row.window_started_at > at - window else None

    @classmethod
    def forget(cls, key: str) -> None:
        cls.delete().where(cls.key == key).execute()

    def seconds_left(self, window: timedelta, at: datetime) -> int:
        return max(1, math.ceil((self.window_started_at + window - at).total_seconds()))


class SmsMessage(BaseModel):
    """The development outbox: SMS kept here instead of sent (SMS_BACKEND=outbox)."""

    to = CharField(max_length=16)
    body = TextField()
    sent_at = DateTimeField(default=lambda: now())


MODELS += [User, OneTimeCode, RateLimit, SmsMessage]


def prune_security_records(at: datetime) -> int:
    """Delete codes and counters nobody can use any more; returns how many rows went."""
    day_ago = at - timedelta(days=1)
    removed = OneTimeCode.delete().where(OneTimeCode.expires_at < day_ago).execute()
    removed += RateLimit.delete().where(RateLimit.window_started_at < day_ago).execute()
    removed += SmsMessage.delete().where(SmsMessage.sent_at < at - timedelta(days=7)).execute()
    return removed


# --- insurance requests ----------------------------------------------------

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
    created_at = DateTimeField(default=lambda: now())
    updated_at = DateTimeField(default=lambda: now())

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
        self.updated_at = now()
        self.save()

    def freeze(self, quote, schedule_id: str) -> bool:
        """Fix the answers and amounts as quoted; False when it was no longer a draft."""
        with db.atomic():
            changed = (InsuranceRequest
                       .update(state=self.AWAITING_PAYMENT, frozen_at=now(), confirmed_at=now(),
                               schedule_id=schedule_id, total_fils=quote.total_fils, updated_at=now())
                       .where((InsuranceRequest.id == self.id) & (InsuranceRequest.state == self.DRAFT))
                       .execute())
            if not changed:
                return False
            for person, line in zip(self.covered(), quote.lines):
                person.annual_fils, person.subtotal_fils = line.annual_fils, line.subtotal_fils
                person.save()
        self.state = self.AWAITING_PAYMENT
        self.total_fils = quote.total_fils
        self.schedule_id = schedule_id
        return True


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


MODELS += [InsuranceRequest, InsuredPerson]
