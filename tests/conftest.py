"""Shared fixtures: a fresh app with its own instance folder and database per test.

CSRF protection stays on in tests, as in production; `form_post` signs a token into
the test client's session the way Flask-WTF does.
"""
import os
import secrets
from urllib.parse import quote

import pytest
from itsdangerous import URLSafeTimedSerializer

from app import create_app

HX = {"HX-Request": "true"}

# With TEST_DATABASE_URL=postgresql://user:password@host/database the tests that make an
# app run against PostgreSQL: each test's folder gets its own schema, dropped afterwards.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))
requires_sqlite = pytest.mark.skipif(ON_POSTGRES, reason="checks something only SQLite has")
_schemas: dict[str, str] = {}  # test folder -> its PostgreSQL schema


def database_url_for(tmp_path) -> str:
    """The database a test's app uses: a SQLite file in its folder, or its own
    PostgreSQL schema when TEST_DATABASE_URL is set. The same folder, the same database."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    schema = _schemas.get(str(tmp_path))
    if schema is None:
        schema = _schemas[str(tmp_path)] = "test_" + secrets.token_hex(6)
        _postgres_admin().cursor().execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{separator}options={quote(f'-csearch_path={schema}')}"


_admin = []


def _postgres_admin():
    if not _admin:
        import psycopg2

        connection = psycopg2.connect(TEST_DATABASE_URL)
        connection.autocommit = True
        connection.cursor().execute("SET lock_timeout = '10s'")
        _admin.append(connection)
    return _admin[0]


@pytest.fixture(autouse=True)
def _drop_test_schemas():
    yield
    if not _schemas:
        return
    import models

    if models.db.obj is not None and not models.db.is_closed():
        models.db.close()
    cursor = _postgres_admin().cursor()
    while _schemas:
        _folder, schema = _schemas.popitem()
        cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


def make_app(tmp_path, **overrides):
    config = {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-" + "x" * 40,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url_for(tmp_path) if "DATABASE_URL" not in overrides else "",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token_for(client) -> str:
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    serializer = URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token")
    return serializer.dumps(raw)


def form_post(client, url, data=None, **kwargs):
    """POST a form the way a browser would, CSRF token included."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token_for(client))
    return client.post(url, data=data, **kwargs)


# --- accounts ----------------------------------------------------------------

@pytest.fixture(autouse=True)
def _sms_provider_address(monkeypatch):
    """Production refuses to start without an SMS provider (SMS_BACKEND=http). Tests that
    build a production app get this placeholder; nothing is ever sent to it."""
    if "SMS_HTTP_URL" not in os.environ:
        monkeypatch.setenv("SMS_HTTP_URL", "https://sms.invalid/send")
    # Production takes payments through K-Net by default and refuses to start without
    # the bank's settings: placeholders, never reached (.invalid cannot resolve).
    for name, value in PRODUCTION_KNET.items():
        if name not in os.environ:
            monkeypatch.setenv(name, value)


PRODUCTION_KNET = {"KNET_TRANPORTAL_ID": "100000", "KNET_PASSWORD": "placeholder",
                   "KNET_RESOURCE_KEY": "0123456789abcdef",
                   "KNET_GATEWAY_URL": "https://knet.invalid/kpg"}


def civil_id_for(serial: int, born: str = "900101", century: str = "2") -> str:
    """A valid civil ID: `century` + `born` (YYMMDD) + a 4-digit serial + the check digit.
    Serials whose check digit cannot exist move on to the next one."""
    from domain.civil_id import check_digit

    while True:
        first11 = f"{century}{born}{serial % 10000:04d}"
        digit = check_digit(first11)
        if digit is not None:
            return f"{first11}{digit}"
        serial += 1


def mobile_for(serial: int) -> str:
    """A Kuwaiti mobile number in national form, 5xxxxxxx."""
    return f"5{serial % 10_000_000:07d}"


PASSWORD = "a long enough passphrase"
REGISTRATION = {
    "name_ar": "سارة أحمد",
    "name_en": "Sara Ahmed",
    "user_name": "Sara",
    "email": "sara@example.com",
    "gender": "female",
    "language": "en",
    "governorate": "KW-HA",
    "account_kind": "personal",
}


def use_outbox(app) -> None:
    """Keep this app's SMS in the database, where `sms_to` reads them."""
    from gateways.sms import OutboxBackend

    app.extensions["sms"].backend = OutboxBackend()


def sms_to(mobile_e164: str) -> list[str]:
    """Every SMS kept for a number, oldest first."""
    from models import SmsMessage

    query = SmsMessage.select().where(SmsMessage.to == mobile_e164).order_by(SmsMessage.id)
    return [message.body for message in query]


def latest_code(mobile_e164: str) -> str:
    import re

    return re.search(r"\b([0-9]{6})\b", sms_to(mobile_e164)[-1]).group(1)


def register(client, civil_id: str, mobile: str, **details):
    """Post the registration form; the response is the redirect to the code page."""
    use_outbox(client.application)
    return form_post(client, "/register", {**REGISTRATION, "civil_id": civil_id, "mobile": mobile,
                                           **details})


def register_and_login(client, civil_id: str | None = None, mobile: str | None = None,
                       password: str = PASSWORD, **details):
    """Register, verify the mobile with the code from the outbox and choose a password:
    the client ends logged in. Returns the User."""
    from models import User

    civil_id = civil_id or civil_id_for(1)
    mobile = mobile or mobile_for(1)
    assert register(client, civil_id, mobile, **details).status_code == 302
    e164 = "+965" + mobile
    assert form_post(client, "/register/code", {"code": latest_code(e164)}).status_code == 302
    done = form_post(client, "/register/password", {"password": password, "confirm": password})
    assert done.status_code == 302, done.text
    return User.get(User.civil_id == civil_id)


def login(client, civil_id: str, password: str = PASSWORD, **kwargs):
    return form_post(client, "/login", {"civil_id": civil_id, "password": password}, **kwargs)


class Clock:
    """Stands in for models.now(): tests move time instead of sleeping."""

    def __init__(self, start):
        self.at = start

    def __call__(self):
        return self.at

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.at += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    from datetime import datetime

    import models

    fake = Clock(datetime(2026, 1, 10, 8, 0, 0))
    monkeypatch.setattr(models, "now", fake)
    return fake
