"""Applicant accounts and what guards them: the password both applicants and staff
keep, the SMS codes and the rate-limit counters (the SMS outbox is models.sms)."""

import hashlib
import hmac
import math
import re
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from peewee import Case, CharField, DateTimeField, ForeignKeyField, IntegerField

import clock
from domain import passwords
from domain.phone import national_format
from models.database import BaseModel

ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


def new_session_version() -> str:
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

    def rotate_session_version(self) -> None:
        self.session_version = new_session_version()


class User(PasswordHolder, BaseModel):
    """An account holder. The civil ID is the login name; the account can log in once
    the mobile is verified and a password chosen."""

    GENDERS = ("female", "male")
    LANGUAGES = ("ar", "en")
    GOVERNORATES = ("KW-KU", "KW-HA", "KW-FA", "KW-AH", "KW-JA", "KW-MU")
    ACCOUNT_KINDS = ("personal", "company", "government", "university")

    civil_id = CharField(max_length=12, unique=True)
    # Registration asks only what paying needs: one name, in either script, with the
    # password; the rest is optional, added on the account page (migration 0009).
    name_ar = CharField(max_length=100, null=True)
    name_en = CharField(max_length=100, null=True)
    user_name = CharField(max_length=40, null=True)
    mobile = CharField(max_length=16)  # E.164
    email = CharField(max_length=254, null=True)
    gender = CharField(max_length=6, null=True)
    # Never empty: the page's language at registration until the person chooses.
    language = CharField(max_length=2)
    governorate = CharField(max_length=5, null=True)
    account_kind = CharField(max_length=10, null=True)
    password_hash = CharField(max_length=255, null=True)
    mobile_verified_at = DateTimeField(null=True)
    # Kept in the signed session cookie; changing it signs out every browser.
    session_version = CharField(max_length=32, default=new_session_version)
    created_at = DateTimeField(default=lambda: clock.now())
    # Set when staff release the civil ID to the person who proved it is theirs (a claim at
    # the desk): the account keeps its requests and payments but can never log in again,
    # and `civil_id` holds a placeholder that no civil ID can equal.
    frozen_at = DateTimeField(null=True)
    released_civil_id = CharField(max_length=12, null=True, index=True)
    # Set when the person turns renewal reminders off (on their account page, or by the
    # link in a reminder); None: reminders are on.
    reminders_off_at = DateTimeField(null=True)

    DETAILS = (
        "name_ar",
        "name_en",
        "user_name",
        "mobile",
        "email",
        "gender",
        "language",
        "governorate",
        "account_kind",
    )
    # Asked on the account page, not at registration (a name in the other script is
    # optional too, but does not make a profile incomplete).
    LATER_DETAILS = ("user_name", "email", "gender", "governorate", "account_kind")

    @classmethod
    def start_registration(cls, civil_id: str, details: dict) -> tuple["User", bool]:
        """(user, duplicate). A registration that never got as far as a password
        is taken over by the newer one, so an abandoned attempt blocks nobody."""
        user = cls.get_or_none(cls.civil_id == civil_id)
        if user is not None and user.password_hash is not None:
            return user, True
        if user is not None:
            # Codes sent for the registration being replaced must not verify this one.
            (
                OneTimeCode.update(used_at=clock.now())
                .where(OneTimeCode.user == user, OneTimeCode.used_at.is_null())
                .execute()
            )
        user = user or cls(civil_id=civil_id)
        for name in cls.DETAILS:
            setattr(user, name, details.get(name))
        user.language = details.get("language") or "ar"
        user.mobile_verified_at = None
        user.save()
        return user, False

    @property
    def can_log_in(self) -> bool:
        return (
            self.password_hash is not None and self.mobile_verified_at is not None and self.frozen_at is None
        )

    def freeze(self, at: datetime) -> bool:
        """Release the civil ID and close the account for good, in one conditional UPDATE:
        False when it was frozen already (two staff members, a double click)."""
        placeholder = f"X{self.id:011d}"  # no civil ID starts with a letter
        new_version = new_session_version()
        frozen = (
            User.update(
                frozen_at=at,
                released_civil_id=self.civil_id,
                civil_id=placeholder,
                session_version=new_version,
            )
            .where(User.id == self.id, User.frozen_at.is_null())
            .execute()
        )
        if frozen:
            self.released_civil_id, self.civil_id = self.civil_id, placeholder
            self.frozen_at, self.session_version = at, new_version
            (
                OneTimeCode.update(used_at=at)
                .where(OneTimeCode.user == self, OneTimeCode.used_at.is_null())
                .execute()
            )
        return bool(frozen)

    def replace_password(self, expected_version: str, password: str, hasher, **also) -> bool:
        """Set a new password only while the session version is still `expected_version`,
        in one conditional UPDATE: the state that allowed it can be used once, even by two
        copies of a cookie at the same moment. Every browser is signed out. `also`: other
        columns written in the same UPDATE (the name chosen with the first password)."""
        password_hash = passwords.hash_password(hasher, password)
        new_version = new_session_version()
        changed = (
            User.update(password_hash=password_hash, session_version=new_version, **also)
            .where(User.id == self.id, User.session_version == expected_version, User.frozen_at.is_null())
            .execute()
        )
        if changed:
            self.password_hash, self.session_version = password_hash, new_version
            for name, value in also.items():
                setattr(self, name, value)
        return bool(changed)

    def set_reminders(self, on: bool, at: datetime) -> None:
        self.reminders_off_at = None if on else at
        User.update(reminders_off_at=self.reminders_off_at).where(User.id == self.id).execute()

    @property
    def reminders_on(self) -> bool:
        return self.reminders_off_at is None

    def mark_mobile_verified(self, mobile: str, at: datetime) -> None:
        self.mobile = mobile
        self.mobile_verified_at = at

    def full_name(self, locale: str) -> str:
        """The name in the reader's script, else the one in the other: registration asks
        for one name only."""
        first, other = (self.name_ar, self.name_en) if locale == "ar" else (self.name_en, self.name_ar)
        return first or other or ""

    @staticmethod
    def name_column(name: str) -> str:
        """Where a name typed once is kept: name_ar when it has an Arabic letter."""
        return "name_ar" if ARABIC_LETTER.search(name) else "name_en"

    @property
    def missing_details(self) -> bool:
        """True while the account page should offer to complete the profile."""
        return any(getattr(self, name) in (None, "") for name in self.LATER_DETAILS)

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
    # Asked for with the password after repeated failed log-ins, instead of a lock.
    LOGIN = "login"
    # Express payment (models.express): a sponsor without an account proves the mobile,
    # then, to ask for a refund, proves it again. No account is looked up for these, so
    # there is nothing to enumerate: their codes are real without a user.
    EXPRESS = "express"
    EXPRESS_REFUND = "express_refund"
    EXPRESS_LINK = "express_link"  # a new receipt link, once the old one has expired
    WITHOUT_ACCOUNT = (EXPRESS, EXPRESS_REFUND, EXPRESS_LINK)
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
    def issue(
        cls, purpose: str, mobile: str, user: User | None, secret: bytes, at: datetime
    ) -> tuple["OneTimeCode", str]:
        """A new code row and the code in clear, to send once and forget."""
        code = f"{secrets.randbelow(10**6):06d}"
        salt = secrets.token_hex(8)
        row = cls.create(
            purpose=purpose,
            mobile=mobile,
            user=user,
            code_hash=f"{salt}${_code_digest(secret, salt, code)}",
            created_at=at,
            expires_at=at + cls.LIFETIME,
        )
        return row, code

    @classmethod
    def number_free_at(cls, mobile: str, at: datetime) -> datetime | None:
        """None when another code may go to `mobile`; otherwise when one may."""
        recent = list(
            cls.select(cls.created_at)
            .where(cls.mobile == mobile, cls.created_at > at - timedelta(hours=1))
            .order_by(cls.created_at.desc())
            .limit(cls.PER_NUMBER_PER_HOUR)
        )
        if len(recent) < cls.PER_NUMBER_PER_HOUR:
            return None
        return recent[-1].created_at + timedelta(hours=1)

    def seconds_until_resend(self, at: datetime) -> int:
        wait = (self.created_at + self.RESEND_AFTER - at).total_seconds()
        return max(0, math.ceil(wait))

    def retire(self, at: datetime) -> None:
        OneTimeCode.update(used_at=at).where(
            OneTimeCode.id == self.id, OneTimeCode.used_at.is_null()
        ).execute()

    def verify(self, code: str, secret: bytes | tuple[bytes, ...], at: datetime) -> CodeCheck:
        """`secret`: the key, or every key the code may have been hashed with (a rotated
        key's too)."""
        keys = (secret,) if isinstance(secret, bytes) else secret
        if self.used_at is not None or at >= self.expires_at:
            return CodeCheck("expired")
        # Claim an attempt in one statement, so parallel guesses cannot exceed the limit.
        claimed = (
            OneTimeCode.update(attempts=OneTimeCode.attempts + 1)
            .where(
                OneTimeCode.id == self.id,
                OneTimeCode.attempts < self.MAX_ATTEMPTS,
                OneTimeCode.used_at.is_null(),
            )
            .execute()
        )
        if not claimed:
            return CodeCheck("exhausted")
        self.attempts = OneTimeCode.get_by_id(self.id).attempts
        salt, digest = self.code_hash.split("$", 1)
        matches = any(hmac.compare_digest(digest, _code_digest(key, salt, code)) for key in keys)
        if matches and (self.user_id is not None or self.purpose in self.WITHOUT_ACCOUNT):
            claimed = (
                OneTimeCode.update(used_at=at)
                .where(OneTimeCode.id == self.id, OneTimeCode.used_at.is_null())
                .execute()
            )
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
        (
            cls.insert(key=key, window_started_at=at, hits=1)
            .on_conflict(
                conflict_target=[cls.key],
                update={
                    cls.hits: Case(None, [(stale, 1)], cls.hits + 1),
                    cls.window_started_at: Case(None, [(stale, at)], cls.window_started_at),
                },
            )
            .execute()
        )
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


def prune_security_records(at: datetime) -> int:
    """Delete codes, counters and kept answers nobody can use any more; returns how many
    rows went."""
    day_ago = at - timedelta(days=1)
    removed = OneTimeCode.delete().where(OneTimeCode.expires_at < day_ago).execute()
    removed += RateLimit.delete().where(RateLimit.window_started_at < day_ago).execute()
    from models.sms import SmsMessage  # it points at codes: imported here, not above

    removed += SmsMessage.prune(at - timedelta(days=7))
    from models.saved_answers import SavedAnswers  # it points at users: imported here too

    removed += SavedAnswers.prune(at)
    return removed
