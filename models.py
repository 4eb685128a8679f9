"""Storage: peewee models bound to the database named by DATABASE_URL."""
import contextvars
import hashlib
import hmac
import json
import math
import secrets
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from peewee import (BooleanField, Case, CharField, DatabaseProxy, DateField, DateTimeField,
                    ForeignKeyField, IntegerField, IntegrityError, Model, PostgresqlDatabase,
                    SqliteDatabase, TextField)
from playhouse.db_url import connect

from domain import passwords, totp
from domain.civil_id import birth_date
from domain.iban import masked as masked_iban
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
    """Bind the proxy to the database at `url` and return it. Any URL playhouse.db_url
    knows: sqlite:///path, postgresql://user:password@host/name (user and password
    percent-encoded), postgresql+pool://..."""
    options = {"pragmas": SQLITE_PRAGMAS} if url.startswith("sqlite") else {}
    database = connect(url, unquote_user=True, unquote_password=True, **options)
    db.initialize(database)
    return database


def create_tables() -> list[str]:
    """Apply pending schema migrations, then create the tables of new models; returns the
    migrations recorded. The rule for changing a table is in migrations/__init__.py."""
    import migrations

    done = migrations.upgrade(db, MODELS)
    guard_audit_log()
    return done


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


class PasswordHolder:
    """Password checks shared by applicants and staff: argon2 through the app's hasher,
    re-hashed when the parameters change; a new password signs out every browser."""

    def set_password(self, password: str, hasher) -> None:
        self.password_hash = passwords.hash_password(hasher, password)
        self.rotate_session_version()

    def check_password(self, password: str, hasher) -> bool:
        if not passwords.verify_password(hasher, self.password_hash, password):
            return False
        if hasher.check_needs_rehash(self.password_hash):
            self.password_hash = passwords.hash_password(hasher, password)
            model = type(self)
            model.update(password_hash=self.password_hash).where(model.id == self.id).execute()
        return True


class User(PasswordHolder, BaseModel):
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
            audit("request.frozen", self, before={"state": self.DRAFT}, after={
                "state": self.AWAITING_PAYMENT, "total_fils": quote.total_fils, "schedule_id": schedule_id})
        self.state = self.AWAITING_PAYMENT
        self.total_fils = quote.total_fils
        self.schedule_id = schedule_id
        if quote.total_fils == 0:
            self.mark_paid(now())  # everyone exempt: nothing to pay, so it is settled now
        return True

    def mark_paid(self, at: datetime, payment: "Payment | None" = None) -> bool:
        """Awaiting payment to paid, once, with its receipt; False when it was not
        awaiting payment (already paid, or another payment got there first)."""
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
        return Receipt.of(self)

    def latest_payment(self) -> "Payment | None":
        return self.payments.order_by(Payment.id.desc()).first()

    def latest_refund(self) -> "Refund | None":
        return self.refunds.order_by(Refund.id.desc()).first()

    def change_state(self, from_state: str, to_state: str, actor: "Actor | None" = None) -> bool:
        """`from_state` to `to_state` in one conditional UPDATE, audited; False when the
        request was not in `from_state` (someone else got there first)."""
        changed = (InsuranceRequest.update(state=to_state, updated_at=now())
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


MODELS += [InsuranceRequest, InsuredPerson]


# --- payments --------------------------------------------------------------

def _new_track_id() -> str:
    # Digits only: every K-Net kit accepts them. Time first, so they sort; random after.
    return now().strftime("%y%m%d%H%M%S") + f"{secrets.randbelow(10 ** 8):08d}"


class Payment(BaseModel):
    """One try at paying a request, with one track id. Its state changes once, by a
    conditional UPDATE, so a repeated or racing result cannot settle it twice."""

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
    created_at = DateTimeField(default=lambda: now())
    updated_at = DateTimeField(default=lambda: now())
    paid_at = DateTimeField(null=True)

    @classmethod
    def open_for_request(cls, insurance_request: InsuranceRequest) -> "Payment | None":
        return cls.get_or_none(cls.open_for == insurance_request.id)

    @classmethod
    def begin(cls, insurance_request: InsuranceRequest, gateway: str) -> "Payment":
        """The request's payment in progress, or a new one for the frozen total.
        Two clicks at once make one payment: the second insert breaks the unique
        `open_for` and takes the first one's row."""
        for _attempt in range(5):
            existing = cls.open_for_request(insurance_request)
            if existing is not None:
                return existing
            try:
                with db.atomic():
                    payment = cls.create(request=insurance_request, open_for=insurance_request.id,
                                         track_id=_new_track_id(), gateway=gateway,
                                         amount_fils=insurance_request.total_fils)
                    audit("payment.started", payment, after=payment_snapshot(payment.__data__))
                    return payment
            except IntegrityError:
                continue
        raise RuntimeError("could not start a payment")

    @classmethod
    def by_track_id(cls, track_id: str) -> "Payment | None":
        return cls.get_or_none(cls.track_id == str(track_id)[:40])

    @classmethod
    def left_waiting(cls, older_than: datetime) -> list["Payment"]:
        return list(cls.select().where((cls.state == cls.AWAITING) & (cls.created_at < older_than))
                    .order_by(cls.id))

    def _settle(self, state: str, from_states: tuple, details: dict) -> bool:
        at = now()
        values = {"state": state, "open_for": None, "updated_at": at, **details}
        before = payment_snapshot(self.__data__)
        changed = (Payment.update(**values)
                   .where((Payment.id == self.id) & Payment.state.in_(from_states)).execute())
        if changed:
            for name, value in values.items():
                setattr(self, name, value)
            audit(f"payment.{state}", self, before=before, after=payment_snapshot(self.__data__), actor=SYSTEM)
        return bool(changed)

    def mark_paid(self, details: dict) -> str:
        """Record the money as taken and the request as paid, in one transaction.

        "paid" when this call settled it; "already" when an earlier one had (a replay, or
        the gateway's notice and the browser racing); "twice" when the money was taken
        but the request was already paid by another payment (kept as a mismatch, to refund).
        A payment closed as failed or cancelled may still be captured late: that counts."""
        at = now()
        with db.atomic():
            if not self._settle(self.PAID, (self.AWAITING, self.FAILED, self.CANCELLED),
                                {**details, "paid_at": at}):
                return "already"
            insurance_request = InsuranceRequest.get_by_id(self.request_id)
            if not insurance_request.mark_paid(at, payment=self):
                Payment.update(state=self.MISMATCH, note="The money was taken but the request was "
                               "already paid or no longer awaiting payment: refund this payment.",
                               ).where(Payment.id == self.id).execute()
                audit("payment.mismatch", self, before={"state": self.PAID},
                      after={"state": self.MISMATCH}, actor=SYSTEM)
                self.state = self.MISMATCH
                return "twice"
        return "paid"

    def mark_unpaid(self, state: str, details: dict) -> bool:
        """Failed or cancelled, only from awaiting: a late or replayed failure never
        undoes a payment."""
        return self._settle(state, (self.AWAITING,), details)

    def mark_mismatch(self, note: str, details: dict) -> bool:
        return self._settle(self.MISMATCH, (self.AWAITING, self.FAILED, self.CANCELLED),
                            {**details, "note": note})

    @staticmethod
    def details_of(result, inquiry=None) -> dict:
        """The columns to store from a gateway's result (and inquiry), card data already left out."""
        best = inquiry or result
        raw = {"result": getattr(result, "raw", None), "inquiry": getattr(inquiry, "raw", None)}
        return {
            "result_code": (best.result_code or "")[:60] or None,
            "payment_id": best.payment_id or (result.payment_id if result else "") or None,
            "transaction_id": best.transaction_id or (result.transaction_id if result else "") or None,
            "auth_code": best.auth_code or (result.auth_code if result else "") or None,
            "reference_number": best.reference_number or (result.reference_number if result else "") or None,
            "raw_result": json.dumps({k: v for k, v in raw.items() if v is not None}, ensure_ascii=False),
        }


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


class SandboxPayment(BaseModel):
    """The sandbox bank's own books (gateways/payments/sandbox.py): what it was asked
    to take, what the person chose on its page, what it refunded."""

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
    created_at = DateTimeField(default=lambda: now())
    decided_at = DateTimeField(null=True)

    @classmethod
    def open(cls, track_id: str, amount_fils: int, response_url: str, description: str):
        """The bank's record for `track_id`, made on the first start; a second start
        of the same track id (a double click) lands on the same page."""
        row = cls.get_or_none(cls.track_id == track_id)
        if row is None:
            try:
                with db.atomic():
                    row = cls.create(track_id=track_id, payment_id=secrets.token_urlsafe(18),
                                     amount_fils=amount_fils, response_url=response_url,
                                     description=description[:100])
            except IntegrityError:
                row = cls.get(cls.track_id == track_id)
        if row.amount_fils != amount_fils:
            raise ValueError("this track id was started for another amount")
        return row

    def decide(self, result: str) -> bool:
        """The person's choice, once: the first click counts, later ones change nothing."""
        changed = (SandboxPayment
                   .update(result=result, decided_at=now(),
                           auth=f"{secrets.randbelow(10 ** 6):06d}" if result == "CAPTURED" else None,
                           ref=f"{secrets.randbelow(10 ** 12):012d}",
                           tran_id=f"{secrets.randbelow(10 ** 15):015d}")
                   .where((SandboxPayment.id == self.id) & SandboxPayment.result.is_null())
                   .execute())
        fresh = SandboxPayment.get_by_id(self.id)
        self.__data__.update(fresh.__data__)
        return bool(changed)

    def result_fields(self) -> dict:
        return {"track_id": self.track_id, "payment_id": self.payment_id,
                "result": self.result or "", "amount_fils": str(self.amount_fils),
                "auth": self.auth or "", "ref": self.ref or "", "tran_id": self.tran_id or ""}

    @classmethod
    def refund(cls, track_id: str, amount_fils: int) -> bool:
        if amount_fils <= 0:
            return False
        return bool(cls.update(refunded_fils=cls.refunded_fils + amount_fils)
                    .where((cls.track_id == track_id) & (cls.result == "CAPTURED")
                           & (cls.refunded_fils + amount_fils <= cls.amount_fils))
                    .execute())


MODELS += [Payment, Receipt, SandboxPayment]


# --- staff, refunds and audit ------------------------------------------------

class Actor(NamedTuple):
    """Who did something, for the audit log: "staff", "applicant" or "system"."""
    kind: str
    id: int | None = None
    label: str = ""


SYSTEM = Actor("system", None, "system")
# The web layer says who is acting for the length of a request (views/desk_auth.py);
# anything outside a request (commands, the gateway's results) is the system.
_acting = contextvars.ContextVar("tameen_audit_actor", default=None)


def acting_as(actor: Actor | None) -> contextvars.Token:
    return _acting.set(actor)


def stop_acting(token: contextvars.Token) -> None:
    _acting.reset(token)


def current_actor() -> Actor:
    return _acting.get() or SYSTEM


def actor_of(person) -> Actor:
    if isinstance(person, StaffMember):
        return Actor("staff", person.id, person.login)
    if isinstance(person, User):
        return Actor("applicant", person.id, person.civil_id)
    return SYSTEM


def payment_snapshot(values: dict) -> dict:
    """A payment's columns worth keeping in the audit log (no raw gateway answer)."""
    return {name: values.get(name) for name in
            ("state", "track_id", "amount_fils", "gateway", "result_code", "payment_id",
             "reference_number", "note")}


class AuditLogIsAppendOnly(RuntimeError):
    """Audit events are written once and never changed or removed."""


class AuditEvent(BaseModel):
    """One thing that happened: who, what, to which record, when, and the record's
    values before and after (JSON). Append-only: the class refuses updates and deletes,
    and the database refuses them too (triggers made by `guard_audit_log`). No foreign
    keys, so that removing an account can never take its history with it."""

    at = DateTimeField(index=True)
    actor_kind = CharField(max_length=10)
    actor_id = IntegerField(null=True)
    actor_label = CharField(max_length=60)
    action = CharField(max_length=60, index=True)
    record_kind = CharField(max_length=20)
    record_id = CharField(max_length=40)
    request_id = IntegerField(null=True, index=True)  # the insurance request it concerns
    before = TextField(null=True)
    after = TextField(null=True)

    def save(self, force_insert=False, only=None):
        if self._pk is not None and not force_insert:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        return super().save(force_insert=True, only=only)

    def delete_instance(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    @classmethod
    def delete(cls, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    @classmethod
    def bulk_update(cls, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    @classmethod
    def about_request(cls, insurance_request: "InsuranceRequest", views: bool = False) -> list["AuditEvent"]:
        """What happened to a request, its payments and refunds, oldest first; staff
        looking at it ("desk." events) only when `views`."""
        query = cls.select().where(cls.request_id == insurance_request.id)
        if not views:
            query = query.where(~cls.action.startswith("desk."))
        return list(query.order_by(cls.at, cls.id))

    def values(self, which: str) -> dict | None:
        text = self.before if which == "before" else self.after
        return json.loads(text) if text else None


_RECORD_KINDS = {"InsuranceRequest": "request", "Payment": "payment", "Refund": "refund",
                 "StaffMember": "staff", "User": "applicant", "Receipt": "receipt"}


def _json(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def audit(action: str, record, *, before: dict | None = None, after: dict | None = None,
          actor: Actor | None = None, request_id: int | None = None) -> None:
    """Write one audit event. `record` is a model instance or a (kind, id) pair; the
    request it concerns is found from it when it has one. `actor` defaults to whoever
    the current web request acts for, else the system."""
    if isinstance(record, tuple):
        kind, record_id = record
    else:
        kind, record_id = _RECORD_KINDS.get(type(record).__name__, type(record).__name__), record.id
        if request_id is None:
            request_id = record.id if kind == "request" else getattr(record, "request_id", None)
    who = actor or current_actor()
    AuditEvent.insert(at=now(), actor_kind=who.kind, actor_id=who.id, actor_label=who.label[:60],
                      action=action[:60], record_kind=kind[:20], record_id=str(record_id)[:40],
                      request_id=request_id, before=_json(before), after=_json(after)).execute()


def guard_audit_log() -> None:
    """Make the database itself refuse to change or remove audit events."""
    table = AuditEvent._meta.table_name
    database = getattr(db, "obj", db)
    with db.connection_context(), db.atomic():
        if isinstance(database, PostgresqlDatabase):
            exists = db.execute_sql("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_append_only' "
                                    "AND tgrelid = %s::regclass", (f'"{table}"',)).fetchone()
            if exists:
                return
            db.execute_sql(
                "CREATE OR REPLACE FUNCTION tameen_audit_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql")
            db.execute_sql(f'DROP TRIGGER IF EXISTS audit_append_only ON "{table}"')
            db.execute_sql(f'CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON "{table}" '
                           "FOR EACH ROW EXECUTE FUNCTION tameen_audit_append_only()")
            db.execute_sql(f'DROP TRIGGER IF EXISTS audit_no_truncate ON "{table}"')
            db.execute_sql(f'CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON "{table}" '
                           "FOR EACH STATEMENT EXECUTE FUNCTION tameen_audit_append_only()")
        elif isinstance(database, SqliteDatabase):
            for event in ("UPDATE", "DELETE"):
                db.execute_sql(f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{event.lower()}" '
                               f'BEFORE {event} ON "{table}" '
                               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


class StaffMember(PasswordHolder, BaseModel):
    """Someone who works the desk for the operator: not an applicant account. Logs in
    with a login name (a civil ID or a user name), a password and a TOTP code; the civil
    ID is always kept, so nobody decides on a refund of their own request."""

    REVIEWER = "reviewer"
    ADMIN = "admin"
    ROLES = (REVIEWER, ADMIN)

    login = CharField(max_length=40, unique=True)
    civil_id = CharField(max_length=12, index=True)
    name = CharField(max_length=100)
    role = CharField(max_length=10)
    password_hash = CharField(max_length=255)
    totp_secret = CharField(max_length=64)
    # The last TOTP time step accepted: a code is good once, never again (RFC 6238 §5.2).
    totp_last_step = IntegerField(default=0)
    session_version = CharField(max_length=32, default=_new_session_version)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=lambda: now())
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
        step = totp.matching_step(self.totp_secret, code, at.replace(tzinfo=timezone.utc).timestamp())
        if step is None:
            return False
        claimed = (StaffMember.update(totp_last_step=step)
                   .where((StaffMember.id == self.id) & (StaffMember.totp_last_step < step))
                   .execute())
        if claimed:
            self.totp_last_step = step
        return bool(claimed)

    def rotate_session_version(self) -> None:
        self.session_version = _new_session_version()

    def may_decide_on(self, insurance_request: "InsuranceRequest") -> bool:
        """Nobody decides on a request they hold, sponsor or are covered by."""
        return self.civil_id not in insurance_request.related_civil_ids()


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
    requested_at = DateTimeField(default=lambda: now())
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(StaffMember, null=True, backref="decisions")
    decision_note = TextField(null=True)
    method = CharField(max_length=16, null=True)
    refund_reference = CharField(max_length=64, null=True)
    gateway_result = TextField(null=True)
    last_error = TextField(null=True)
    completed_at = DateTimeField(null=True)
    withdrawn_at = DateTimeField(null=True)

    AUDITED = ("state", "amount_fils", "reason", "method", "refund_reference", "decision_note",
               "last_error")

    def snapshot(self) -> dict:
        values = {name: getattr(self, name) for name in self.AUDITED}
        return {**values, "iban": masked_iban(self.iban), "decided_by": self.decided_by_id}

    @classmethod
    def ask(cls, insurance_request: InsuranceRequest, *, reason: str, details: str | None,
            iban_text: str, account_holder: str) -> "Refund":
        """The applicant asks for the whole amount paid back; the request waits for staff."""
        found = Receipt.of(insurance_request)
        if insurance_request.state != InsuranceRequest.PAID or found is None:
            raise RefundRefused("not_paid")
        if not found.amount_fils or found.payment_id is None:
            raise RefundRefused("nothing_paid")
        with db.atomic():
            if not insurance_request.change_state(InsuranceRequest.PAID,
                                                  InsuranceRequest.REFUND_REQUESTED):
                raise RefundRefused("not_paid")
            try:
                with db.atomic():
                    refund = cls.create(request=insurance_request, payment=found.payment_id,
                                        amount_fils=found.amount_fils, reason=reason,
                                        details=details or None, iban=iban_text,
                                        account_holder=account_holder,
                                        open_for=insurance_request.id)
            except IntegrityError:
                raise RefundRefused("already") from None
            audit("refund.requested", refund, after=refund.snapshot())
        return refund

    def _move(self, from_states: tuple, values: dict, action: str,
              request_change: tuple | None = None, actor: Actor | None = None) -> bool:
        """Change state (and `values`) only from `from_states`, with the request's state
        when given, in one transaction; audit both. False when it was not in those states."""
        before = self.snapshot()
        with db.atomic():
            changed = (Refund.update(**values)
                       .where((Refund.id == self.id) & Refund.state.in_(from_states)).execute())
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
        return self._move((self.REQUESTED,), {"state": self.WITHDRAWN, "open_for": None,
                                              "withdrawn_at": now()},
                          "refund.withdrawn",
                          (InsuranceRequest.REFUND_REQUESTED, InsuranceRequest.PAID))

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
        if Refund.select().where((Refund.request == self.request_id)
                                 & (Refund.state == self.REFUNDED)).exists():
            raise RefundRefused("already")
        return payment

    def claim(self, staff: StaffMember) -> bool:
        """A reviewer starts making the refund: only one can, only once."""
        return self._move((self.REQUESTED,), {"state": self.PROCESSING, "decided_by": staff.id,
                                              "decided_at": now()},
                          "refund.approved", actor=actor_of(staff))

    def complete(self, staff: StaffMember, method: str, reference: str, note: str | None,
                 result: dict | None = None) -> bool:
        """The money went back (gateway, or a bank transfer staff made): refunded, once."""
        return self._move((self.PROCESSING,), {
            "state": self.REFUNDED, "open_for": None, "done_for": self.request_id,
            "method": method, "refund_reference": reference[:64], "decision_note": note or None,
            "gateway_result": json.dumps(result, ensure_ascii=False) if result else None,
            "completed_at": now(), "last_error": None},
            "refund.refunded", (InsuranceRequest.REFUND_REQUESTED, InsuranceRequest.REFUNDED),
            actor=actor_of(staff))

    def release(self, staff: StaffMember, error: str) -> bool:
        """The gateway did not make the refund: back in the queue, with why."""
        return self._move((self.PROCESSING,), {"state": self.REQUESTED, "last_error": error[:500],
                                               "decided_by": None, "decided_at": None},
                          "refund.failed", actor=actor_of(staff))

    def reject(self, staff: StaffMember, note: str) -> bool:
        insurance_request = InsuranceRequest.get_by_id(self.request_id)
        if not staff.may_decide_on(insurance_request):
            raise RefundRefused("own_request")
        return self._move((self.REQUESTED,), {
            "state": self.REJECTED, "open_for": None, "decided_by": staff.id,
            "decided_at": now(), "decision_note": note},
            "refund.rejected", (InsuranceRequest.REFUND_REQUESTED, InsuranceRequest.PAID),
            actor=actor_of(staff))

    @classmethod
    def queue(cls) -> list["Refund"]:
        return list(cls.select().where(cls.state.in_((cls.REQUESTED, cls.PROCESSING)))
                    .order_by(cls.requested_at, cls.id))


MODELS += [AuditEvent, StaffMember, Refund]
