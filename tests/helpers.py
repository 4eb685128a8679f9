"""What the unit and route tests share that is not a fixture: constants, the app factory
for tests, and the steps an applicant or a member of staff takes through the test client.

The one helpers module of the unit and route tests (beside tests/fakes/, the services
outside the app): fixtures live in the conftest.py files and may use what is here; no
test module imports another, and no conftest.py is imported. The browser tests have their
own module, tests/browser/steps.py, as their steps drive a real browser against a live
server.

CSRF protection stays on in tests, as in production; `form_post` signs a token into the
test client's session the way Flask-WTF does.
"""

import os
import re
import secrets
from datetime import UTC, timedelta
from urllib.parse import quote, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer

import clock
from app import create_app

HX = {"HX-Request": "true"}

# --- the app and its database --------------------------------------------------------

# With TEST_DATABASE_URL=postgresql://user:password@host/database the tests that make an
# app run against PostgreSQL: each test's folder gets its own schema, dropped afterwards
# (by the autouse fixture in tests/conftest.py).
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))
requires_sqlite = pytest.mark.skipif(ON_POSTGRES, reason="checks something only SQLite has")
_schemas: dict[str, str] = {}  # test folder -> its PostgreSQL schema
_admin = []


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


def _postgres_admin():
    if not _admin:
        import psycopg2

        connection = psycopg2.connect(TEST_DATABASE_URL)
        connection.autocommit = True
        connection.cursor().execute("SET lock_timeout = '10s'")
        _admin.append(connection)
    return _admin[0]


def drop_test_schemas() -> None:
    """Drop the PostgreSQL schemas the test made (nothing to do on SQLite)."""
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
        "MIGRATE_ON_START": True,
    }
    config.update(overrides)
    if config["APP_ENV"] == "production":
        config.setdefault("PUBLIC_URL", PRODUCTION_PUBLIC_URL)
        for name, value in {**PRODUCTION_OPERATOR, **PRODUCTION_SECRETS}.items():
            config.setdefault(name, value)
    return create_app(config)


# Production builds its absolute links from its public address and answers no other host;
# the test client of an app made with it asks for that host by default.
PRODUCTION_PUBLIC_URL = "https://tameen.test"


# Production takes payments through K-Net by default and refuses to start without the
# bank's settings: placeholders, never reached (.invalid cannot resolve).
PRODUCTION_KNET = {
    "KNET_TRANPORTAL_ID": "100000",
    "KNET_PASSWORD": "placeholder",
    "KNET_RESOURCE_KEY": "0123456789abcdef",
    "KNET_GATEWAY_URL": "https://knet.invalid/kpg",
}

# Production refuses to start without naming the operator that runs the site.
PRODUCTION_OPERATOR = {"OPERATOR_NAME_EN": "Test Operator", "OPERATOR_NAME_AR": "جهة التشغيل للاختبار"}

# ... or without the key the desk's TOTP secrets are encrypted with (a fixed Fernet key).
PRODUCTION_SECRETS = {"TOTP_ENCRYPTION_KEY": "dGFtZWVuLXRlc3QtdG90cC1rZXktMzItYnl0ZXMhISE="}


# --- forms ----------------------------------------------------------------------------


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


def without_tokens(body: str) -> str:
    """A page without its CSRF tokens, to compare two answers that should not differ."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", body)


# --- accounts -------------------------------------------------------------------------


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
APPLICANT = civil_id_for(1)  # register_and_login's account when none is given


def use_outbox(app) -> None:
    """Keep this app's SMS in the database, where `sms_to` reads them."""
    from gateways.sms import OutboxBackend

    app.extensions["sms"].backend = OutboxBackend()


def deliver_sms(app):
    """One pass of the SMS sender over the outbox, as `send-sms --once` makes; its counts."""
    import threading

    from services import sms_sender

    return sms_sender.run(app, threading.Event(), once=True)


class RefusingSms:
    """An SMS backend whose provider refuses every message for good (HTTP 400)."""

    name = "refusing"

    def send(self, to: str, text: str, key: str) -> None:
        from gateways.sms import SmsNotSent

        raise SmsNotSent("HTTP 400", again=False)


def sms_to(mobile_e164: str) -> list[str]:
    """Every SMS kept for a number, oldest first."""
    from models import SmsMessage

    query = SmsMessage.select().where(SmsMessage.to == mobile_e164).order_by(SmsMessage.id)
    return [message.body for message in query]


def latest_code(mobile_e164: str) -> str:
    return re.search(r"\b([0-9]{6})\b", sms_to(mobile_e164)[-1]).group(1)


def register(client, civil_id: str, mobile: str, **details):
    """Post the registration form; the response is the redirect to the code page."""
    use_outbox(client.application)
    return form_post(client, "/register", {**REGISTRATION, "civil_id": civil_id, "mobile": mobile, **details})


def register_and_login(
    client, civil_id: str | None = None, mobile: str | None = None, password: str = PASSWORD, **details
):
    """Register, verify the mobile with the code from the outbox and choose a password:
    the client ends logged in, with the profile completed from REGISTRATION and `details`
    (as the account page would save them). Returns the User."""
    from models import User

    civil_id = civil_id or APPLICANT
    mobile = mobile or mobile_for(1)
    assert register(client, civil_id, mobile, **details).status_code == 302
    e164 = "+965" + mobile
    assert form_post(client, "/register/code", {"code": latest_code(e164)}).status_code == 302
    done = form_post(
        client,
        "/register/password",
        {"full_name": REGISTRATION["name_en"], "password": password, "confirm": password},
    )
    assert done.status_code == 302, done.text
    User.update(**{**REGISTRATION, **details}).where(User.civil_id == civil_id).execute()
    return User.get(User.civil_id == civil_id)


def login(client, civil_id: str, password: str = PASSWORD, **kwargs):
    return form_post(client, "/login", {"civil_id": civil_id, "password": password}, **kwargs)


# --- requests -------------------------------------------------------------------------

# Past a two-year cover and its two-year renewal, with room for a run that crosses midnight.
NEXT_YEARS = (clock.today_in_kuwait() + timedelta(days=365 * 4 + 60)).isoformat()
ADULT = civil_id_for(11, born="850612")
SECOND = civil_id_for(12, born="900315")
PAID_TOTAL = 110_000  # fill_until_check: a worker and a domestic worker, two years


def person(i, civil_id, name="Person", category="worker", passport="A1234567", expiry=NEXT_YEARS):
    """Row `i` of the people form."""
    return {
        f"people-{i}-civil_id": civil_id,
        f"people-{i}-name": name,
        f"people-{i}-category": category,
        f"people-{i}-passport_number": passport,
        f"people-{i}-passport_expiry": expiry,
    }


def other_people(serial: int) -> dict:
    """Two people no other helper request covers (a worker and a domestic worker), for a
    second paid or confirmed request of one account: the same people twice would overlap
    the first's cover, which check answers refuses."""
    worker, domestic = civil_id_for(serial, born="860101"), civil_id_for(serial + 1, born="910202")
    return {**person(0, worker, "Salem"), **person(1, domestic, "Lina", "domestic_worker")}


def start_request(client) -> str:
    """A new request for the logged-in client; its reference."""
    response = form_post(client, "/requests/new")
    assert response.status_code == 302
    return re.search(r"/requests/(TM-[^/]+)/people", response.headers["Location"]).group(1)


def fill_until_check(client, reference, people=None, years="2"):
    """Answer every question up to "check your answers": by default ADULT (a worker, the
    sponsor too) and SECOND (a domestic worker) for two years, PAID_TOTAL. ADULT alone is
    sponsored by SECOND."""
    rows = people or {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona", "domestic_worker")}
    response = form_post(client, f"/requests/{reference}/people", {**rows, "action": "continue"})
    assert response.status_code == 302, response.text
    covered = {value for key, value in rows.items() if key.endswith("-civil_id")}
    sponsor = SECOND if covered == {ADULT} else ADULT  # nobody sponsors only themselves
    response = form_post(
        client, f"/requests/{reference}/sponsor", {"sponsor_name": "Sponsor", "sponsor_civil_id": sponsor}
    )
    assert response.status_code == 302, response.text
    response = form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": years})
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith(f"/requests/{reference}/check")


def frozen_request(client, **kwargs) -> str:
    """A request answered and confirmed: its amount is fixed and it awaits payment, with
    no payment started (the check page's confirm freezes it so, then goes to the bank)."""
    from services.requests import freeze_request

    reference = start_request(client)
    fill_until_check(client, reference, **kwargs)
    app = client.application
    with app.app_context():
        schedule = app.extensions["fee_schedules"][app.config["FEE_SCHEDULE"]]
        assert freeze_request(stored(reference), schedule, clock.today_in_kuwait())
    return reference


def stored(reference: str):
    """The InsuranceRequest with this reference, as the database has it now."""
    from models import InsuranceRequest

    return InsuranceRequest.get(InsuranceRequest.reference == reference)


# --- payments and refunds ---------------------------------------------------------------

GOOD_IBAN = "KW81CBKU0000000000001234560101"
REFUND_FORM = {"reason": "left_kuwait", "details": "", "iban": GOOD_IBAN, "account_holder": "سارة أحمد"}


def paid_request(client, people=None) -> str:
    """Answer, confirm (which goes on to the bank) and approve in the sandbox bank; the
    reference."""
    from models import InsuranceRequest

    reference = start_request(client)
    fill_until_check(client, reference, people)
    bank = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert bank.status_code == 303 and bank.headers["Location"].startswith("/sandbox-bank/pay/")
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    assert back.status_code == 303
    assert client.get(back.headers["Location"]).status_code == 303
    assert stored(reference).state == InsuranceRequest.PAID
    return reference


def ask_refund(client, reference: str, headers=None, **changes):
    return form_post(
        client, f"/requests/{reference}/refund", {**REFUND_FORM, **changes}, headers=headers or {}
    )


def refunded_request(client):
    """A paid request whose refund the applicant asked for: (reference, Refund)."""
    from models import Refund

    reference = paid_request(client)
    assert ask_refund(client, reference).status_code == 303
    return reference, Refund.get(Refund.request == stored(reference))


# --- the desk ---------------------------------------------------------------------------

STAFF_PASSWORD = "desk passphrase 2026"
REVIEWER_CIVIL_ID = civil_id_for(900, born="800202")
ADMIN_CIVIL_ID = civil_id_for(901, born="790303")


def make_staff(app, login="reviewer1", civil_id=REVIEWER_CIVIL_ID, role="reviewer", password=STAFF_PASSWORD):
    """A StaffMember with a TOTP secret, made straight in the database."""
    from domain import totp
    from models import StaffMember

    staff = StaffMember(
        login=login,
        civil_id=civil_id,
        name=f"Staff {login}",
        role=role,
        totp_secret=totp.new_secret(),
        password_hash="",
    )
    staff.set_password(password, app.extensions["password_hasher"])
    staff.save()
    return staff


def code_now(staff, seconds_later: int = 0) -> str:
    """The staff member's TOTP code at the app's (possibly faked) time."""
    from domain import totp

    at = clock.now().replace(tzinfo=UTC).timestamp() + seconds_later
    return totp.code_at(staff.totp_secret, at)


def staff_login(client, staff, code: str | None = None, password=STAFF_PASSWORD, **kwargs):
    return form_post(
        client,
        "/desk/login",
        {"login": staff.login, "password": password, "code": code if code is not None else code_now(staff)},
        **kwargs,
    )


def approve(desk, refund, method="gateway", headers=None, **extra):
    """A reviewer's approval of a refund, sent from the desk."""
    return form_post(
        desk, f"/desk/refunds/{refund.id}/approve", {"method": method, **extra}, headers=headers or {}
    )


# --- fee schedules ----------------------------------------------------------------------

# The two schedules' fees per category, written from domain.md and fees-2025.md, not read
# from the data files, so the tests check the files against the sources.
SEED_FEES = {
    "commercial": 50000,
    "family_first_degree": 50000,
    "worker": 50000,
    "student": 50000,
    "joining_wife": 30000,
    "joining_husband": 40000,  # not in the seed article: fees-2025.md's other sources
    "domestic_worker": 5000,
    "widow_divorcee_family": 5000,
    "kuwaiti_wife": 5000,
    "gcc_kuwaiti_family": 5000,
    "self_sponsored": 5000,
    "stateless": 5000,
}

DECISION_306_FEES = {
    "worker": 100000,
    "commercial": 100000,
    "student": 100000,
    "self_sponsored": 100000,
    "family_first_degree": 100000,
    "joining_wife": 100000,
    "joining_husband": 100000,
    "domestic_worker": 100000,
    "farm_worker": 10000,
    "domestic_worker_kuwaiti_4th": 10000,
    "gcc_kuwaiti_family": 10000,
    "kuwaiti_wife": 0,
    "widow_divorcee_family": 0,
    "kuwaiti_family": 0,
    "domestic_worker_kuwaiti": 0,
    "newborn": 0,
}
