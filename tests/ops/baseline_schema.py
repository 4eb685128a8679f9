"""The schema of migrations/0001_baseline.py, frozen: older versions of Tameen made
databases of this shape, and the migration tests build such databases to upgrade.

Never edit these classes to follow models/: they stand for databases already out there.
`ACCOUNTS` is the first release with data (the accounts issue); `BASELINE` adds the
insurance requests.
"""

import secrets
from datetime import datetime

from peewee import (
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


class Frozen(Model):
    class Meta:
        database = database


class User(Frozen):
    civil_id = CharField(max_length=12, unique=True)
    name_ar = CharField(max_length=100)
    name_en = CharField(max_length=100)
    user_name = CharField(max_length=40)
    mobile = CharField(max_length=16)
    email = CharField(max_length=254)
    gender = CharField(max_length=6)
    language = CharField(max_length=2)
    governorate = CharField(max_length=5)
    account_kind = CharField(max_length=10)
    password_hash = CharField(max_length=255, null=True)
    mobile_verified_at = DateTimeField(null=True)
    session_version = CharField(max_length=32, default=lambda: secrets.token_urlsafe(16))
    created_at = DateTimeField(default=datetime.now)


class OneTimeCode(Frozen):
    purpose = CharField(max_length=16)
    user = ForeignKeyField(User, null=True, backref="codes", on_delete="CASCADE")
    mobile = CharField(max_length=16, index=True)
    code_hash = CharField(max_length=100)
    attempts = IntegerField(default=0)
    created_at = DateTimeField()
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


class RateLimit(Frozen):
    key = CharField(max_length=80, primary_key=True)
    window_started_at = DateTimeField()
    hits = IntegerField(default=0)


class SmsMessage(Frozen):
    to = CharField(max_length=16)
    body = TextField()
    sent_at = DateTimeField(default=datetime.now)


class InsuranceRequest(Frozen):
    reference = CharField(max_length=12, unique=True)
    owner = ForeignKeyField(User, backref="requests", on_delete="CASCADE")
    state = CharField(max_length=20, default="draft", index=True)
    service_type = CharField(max_length=10, null=True)
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
    created_at = DateTimeField(default=datetime.now)
    updated_at = DateTimeField(default=datetime.now)


class InsuredPerson(Frozen):
    request = ForeignKeyField(InsuranceRequest, backref="people", on_delete="CASCADE")
    position = IntegerField()
    civil_id = CharField(max_length=12)
    name = CharField(max_length=100)
    category_code = CharField(max_length=40)
    passport_number = CharField(max_length=20)
    passport_expiry = DateField()
    annual_fils = IntegerField(null=True)
    subtotal_fils = IntegerField(null=True)


ACCOUNTS = [User, OneTimeCode, RateLimit, SmsMessage]
BASELINE = ACCOUNTS + [InsuranceRequest, InsuredPerson]
