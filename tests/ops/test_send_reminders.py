"""flask send-reminders: the dry run lists and sends nothing, a run prints its counts and
sends each reminder once, and two runs started at once as two processes send each
reminder once between them (on PostgreSQL too, with TEST_DATABASE_URL)."""

import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

import clock
import models
from gateways.sms import OutboxBackend
from models import InsuranceRequest, InsuredPerson, Reminder, SmsMessage, User
from services.settlement import mark_request_paid
from tests.helpers import civil_id_for, database_url_for, make_app

ROOT = Path(__file__).resolve().parents[2]


def today() -> date:
    return clock.today_in_kuwait()


def paid_ending_in(owner, days: int, serial: int) -> InsuranceRequest:
    """A one-year request, paid so that its cover ends `days` days after today."""
    last_day = today() + timedelta(days=days)
    anniversary = last_day + timedelta(days=1)
    try:
        paid_on = anniversary.replace(year=anniversary.year - 1)
    except ValueError:  # 29 February
        paid_on = date(anniversary.year - 1, 2, 28)
    insurance_request = InsuranceRequest.start(owner)
    insurance_request.choose_service_type("individual")
    InsuredPerson.create(
        request=insurance_request,
        position=0,
        civil_id=civil_id_for(200 + serial),
        name=f"Person {serial}",
        category_code="worker",
        passport_number="A1234567",
        passport_expiry=date(2045, 1, 1),
    )
    insurance_request.set_sponsor("person", "Sara Ahmed", owner.civil_id)
    insurance_request.set_cover("new", 1, None)
    InsuranceRequest.update(state=InsuranceRequest.AWAITING_PAYMENT, total_fils=0).where(
        InsuranceRequest.id == insurance_request.id
    ).execute()
    assert mark_request_paid(insurance_request, datetime.combine(paid_on, time(9)))
    return insurance_request


def make_owner(serial=1, language="en") -> User:
    return User.create(
        civil_id=civil_id_for(serial),
        name_ar="سارة",
        name_en="Sara",
        user_name="Sara",
        mobile=f"+9655000000{serial}",
        email="sara@example.com",
        gender="female",
        language=language,
        governorate="KW-HA",
        account_kind="personal",
        password_hash="not a hash",
        mobile_verified_at=clock.now(),
    )


@pytest.fixture
def site(tmp_path):
    app = make_app(tmp_path, PUBLIC_URL="https://tameen.test")
    app.extensions["sms"].backend = OutboxBackend()
    with app.app_context():
        yield app


def test_dry_run_lists_and_sends_nothing(site):
    owner = make_owner()
    due = paid_ending_in(owner, 20, 1)
    paid_ending_in(owner, 200, 2)  # not yet
    result = site.test_cli_runner().invoke(args=["send-reminders", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert due.reference in result.output and " 30 days" in result.output and "+965 ••••0001" in result.output
    assert "Would send 1 reminders" in result.output
    assert Reminder.select().count() == 0 and SmsMessage.select().count() == 0


def test_a_run_sends_once_and_prints_its_counts(site):
    owner = make_owner()
    due = paid_ending_in(owner, 5, 1)
    runner = site.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Reminders due: 1; sent now: 1; sent before: 0" in result.output
    [message] = SmsMessage.select()
    assert message.to == owner.mobile
    assert f"https://tameen.test/requests/{due.reference}/renew" in message.body
    assert f"https://tameen.test/account/reminders/off/{Reminder.get().token}" in message.body
    result = runner.invoke(args=["send-reminders"])
    assert "Reminders due: 1; sent now: 0; sent before: 1" in result.output
    assert SmsMessage.select().count() == 1
    assert "Would send 0 reminders" in runner.invoke(args=["send-reminders", "--dry-run"]).output


def test_lead_days_come_from_the_setting(tmp_path):
    app = make_app(tmp_path, REMINDER_LEAD_DAYS="60")
    app.extensions["sms"].backend = OutboxBackend()
    with app.app_context():
        paid_ending_in(make_owner(), 45, 1)
        result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "sent now: 1" in result.output, result.output


def test_two_processes_at_once_send_each_reminder_once(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        owner = make_owner()
        made = [paid_ending_in(owner, 10, serial) for serial in range(12)]
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-" + "x" * 40,
        "DATABASE_URL": database_url_for(tmp_path),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SMS_BACKEND": "outbox",
        "FLASK_RUN_FROM_CLI": "false",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "send-reminders"]
    runs = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    with app.app_context(), models.db.connection_context():
        bodies = [message.body for message in SmsMessage.select()]
        assert Reminder.select().where(Reminder.sent_at.is_null(False)).count() == len(made)
    for insurance_request in made:
        assert sum(insurance_request.reference in body for body in bodies) == 1, outputs
    assert len(bodies) == len(made), outputs
