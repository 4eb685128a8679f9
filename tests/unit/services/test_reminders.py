"""Renewal reminders: which paid requests are due one, each sent once to the SMS outbox
(two runs at once, a run killed halfway), opting out, and renewing. The overlap test
runs two threads, each with its own database connection; run it on PostgreSQL too with
TEST_DATABASE_URL."""

import threading
import time
from datetime import date, datetime, timedelta

import pytest

import clock
import models
from models import (
    ExpressSponsor,
    InsuranceRequest,
    InsuredPerson,
    Payment,
    Reminder,
    RemindersOff,
    Renewal,
    SmsMessage,
    User,
)
from services import reminders
from services.settlement import mark_request_paid
from tests.helpers import civil_id_for

LEADS = (30, 7)
PAID_AT = datetime(2026, 1, 10, 8, 0)  # 11:00 in Kuwait: cover from 10 January 2026
LAST_DAY = date(2028, 1, 9)  # two years


def renew_url(insurance_request):
    return f"https://tameen.test/requests/{insurance_request.reference}/renew"


def stop_url(token):
    return f"https://tameen.test/account/reminders/off/{token}"


def send(on):
    return reminders.send_reminders(on, LEADS, renew_url, stop_url)


def pay(insurance_request, at=PAID_AT):
    payment = Payment.begin(insurance_request, "sandbox")
    assert mark_request_paid(insurance_request, at, payment)
    return insurance_request


@pytest.fixture
def paid(awaiting):
    return pay(awaiting)


def sms_to(mobile):
    return [message.body for message in SmsMessage.select().where(SmsMessage.to == mobile)]


def test_a_paid_request_is_due_on_each_lead_day(paid):
    assert reminders.due_reminders(LAST_DAY - timedelta(days=31), LEADS) == []
    [due] = reminders.due_reminders(LAST_DAY - timedelta(days=30), LEADS)
    assert (due.request.id, due.lead_days, due.cover_end) == (paid.id, 30, LAST_DAY)
    assert (due.mobile, due.language) == ("+96550000001", "en")
    [due] = reminders.due_reminders(LAST_DAY - timedelta(days=7), LEADS)
    assert due.lead_days == 7
    assert reminders.due_reminders(LAST_DAY + timedelta(days=1), LEADS) == []


def test_each_reminder_is_sent_once_in_the_persons_language(paid, owner):
    day = LAST_DAY - timedelta(days=30)
    counts = send(day)
    assert (counts["due"], counts["sent"]) == (1, 1)
    [text] = sms_to(owner.mobile)
    assert paid.reference in text and renew_url(paid) in text
    reminder = Reminder.get(Reminder.request == paid)
    assert stop_url(reminder.token) in text and reminder.sent_at is not None
    assert "ends on 09/01/2028" in text
    # The next day's run, and a second run the same day: nothing new.
    assert send(day)["sent before"] == 1
    assert send(day + timedelta(days=1))["sent"] == 0
    assert len(sms_to(owner.mobile)) == 1
    # A week before: the 7-day reminder, once.
    assert send(LAST_DAY - timedelta(days=7))["sent"] == 1
    assert len(sms_to(owner.mobile)) == 2


def test_arabic_holders_get_arabic(paid, owner):
    owner.language = "ar"
    owner.save()
    send(LAST_DAY - timedelta(days=7))
    [text] = sms_to(owner.mobile)
    assert "تأمين" in text and paid.reference in text


def test_turning_reminders_off_stops_them(paid, owner):
    owner.set_reminders(False, clock.now())
    assert reminders.due_reminders(LAST_DAY - timedelta(days=7), LEADS) == []
    assert send(LAST_DAY - timedelta(days=7))["sent"] == 0 and sms_to(owner.mobile) == []
    owner.set_reminders(True, clock.now())
    assert send(LAST_DAY - timedelta(days=7))["sent"] == 1


def test_the_link_in_the_sms_turns_them_off(paid, owner):
    send(LAST_DAY - timedelta(days=30))
    reminder = reminders.reminder_of_link(Reminder.get(Reminder.request == paid).token)
    reminders.turn_off_by_link(reminder)
    reminders.turn_off_by_link(reminder)  # twice: the same
    assert not User.get_by_id(owner.id).reminders_on
    assert send(LAST_DAY - timedelta(days=7))["sent"] == 0
    assert reminders.reminder_of_link("not-a-token") is None and reminders.reminder_of_link("") is None


def test_a_frozen_account_gets_none(paid, owner):
    owner.freeze(clock.now())
    assert reminders.due_reminders(LAST_DAY - timedelta(days=7), LEADS) == []


def test_unpaid_and_refunded_requests_get_none(awaiting):
    assert reminders.due_reminders(LAST_DAY - timedelta(days=7), LEADS) == []
    pay(awaiting)
    assert awaiting.change_state(InsuranceRequest.PAID, InsuranceRequest.REFUND_REQUESTED)
    assert reminders.due_reminders(LAST_DAY - timedelta(days=7), LEADS) == []


def test_a_run_killed_after_claiming_is_taken_over_after_the_timeout(paid, owner, clock):
    day = LAST_DAY - timedelta(days=30)
    [due] = reminders.due_reminders(day, LEADS)
    killed = Reminder.record(due.request, due.lead_days, due.cover_end)
    assert killed.claim("killed-run", clock.now())  # then the process died
    assert send(day)["held by another run"] == 1 and sms_to(owner.mobile) == []
    clock.advance(minutes=16)
    assert send(day)["sent"] == 1 and len(sms_to(owner.mobile)) == 1
    assert not killed.mark_sent("killed-run", clock.now())  # a zombie cannot mark it again


class Killed(Exception):
    pass


def test_a_run_killed_before_its_commit_leaves_nothing_and_the_next_sends_once(
    paid, owner, context, monkeypatch
):
    day = LAST_DAY - timedelta(days=30)

    def die(*_args):
        raise Killed  # after the SMS was written, before the reminder was marked

    with monkeypatch.context() as patched:
        patched.setattr(Reminder, "mark_sent", die)
        with pytest.raises(Killed):
            send(day)
    assert sms_to(owner.mobile) == [] and Reminder.get(Reminder.request == paid).claimed_at is None
    assert send(day)["sent"] == 1 and len(sms_to(owner.mobile)) == 1
    assert send(day)["sent before"] == 1 and len(sms_to(owner.mobile)) == 1


def test_a_paid_renewal_stops_the_reminders_of_the_request_it_renews(paid, owner, context):
    renewal = reminders.start_renewal(paid, owner)
    assert reminders.due_reminders(LAST_DAY - timedelta(days=7), LEADS) != []  # started, not paid
    schedule = context.extensions["fee_schedules"]["seed"]
    from services.requests import freeze_request

    freeze_request(renewal, schedule, date(2026, 1, 10))
    pay(renewal)
    due = reminders.due_reminders(LAST_DAY - timedelta(days=7), LEADS)
    assert paid.id not in [item.request.id for item in due]


def test_a_renewal_copies_people_sponsor_categories_and_years(paid, owner):
    renewal = reminders.start_renewal(paid, owner)
    assert renewal.is_draft and renewal.id != paid.id
    assert (renewal.service_type, renewal.sponsor_name, renewal.sponsor_civil_id, renewal.years) == (
        paid.service_type,
        paid.sponsor_name,
        paid.sponsor_civil_id,
        paid.years,
    )
    assert (renewal.insurance_status, renewal.current_cover_end) == ("renewal", LAST_DAY)
    assert [
        (p.civil_id, p.name, p.category_code, p.passport_number, p.passport_expiry, p.annual_fils)
        for p in renewal.covered()
    ] == [
        (p.civil_id, p.name, p.category_code, p.passport_number, p.passport_expiry, None)
        for p in paid.covered()
    ]
    assert renewal.first_unanswered_step() == "check"
    assert Renewal.get(Renewal.request == renewal).previous_id == paid.id
    # A second press: the same renewal, not another.
    assert reminders.start_renewal(paid, owner).id == renewal.id
    assert InsuranceRequest.select().count() == 2


def test_only_a_paid_request_is_renewed(awaiting, owner):
    with pytest.raises(reminders.RenewalRefused):
        reminders.start_renewal(awaiting, owner)


def test_the_desk_counts_reminders_and_the_renewals_after_them(paid, owner, context, clock):
    assert reminders.desk_counts() == {"reminders_sent": 0, "renewals_started": 0, "renewals_paid": 0}
    send(LAST_DAY - timedelta(days=30))
    clock.advance(minutes=5)
    renewal = reminders.start_renewal(paid, owner)
    assert reminders.desk_counts() == {"reminders_sent": 1, "renewals_started": 1, "renewals_paid": 0}
    from services.requests import freeze_request

    freeze_request(renewal, context.extensions["fee_schedules"]["seed"], date(2026, 1, 10))
    pay(renewal, clock.at)
    assert reminders.desk_counts() == {"reminders_sent": 1, "renewals_started": 1, "renewals_paid": 1}


def test_express_sponsors_get_reminders_and_can_stop_them(context, paid):
    sponsor = ExpressSponsor.start(civil_id_for(77), "+96551234567", "ar")
    express = sponsor.request
    InsuredPerson.create(
        request=express,
        position=0,
        civil_id=civil_id_for(78),
        name="Mona",
        category_code="domestic_worker",
        passport_number="A1234567",
        passport_expiry=date(2040, 1, 1),
    )
    express.set_cover("new", 2, None)
    from services.requests import freeze_request

    freeze_request(express, context.extensions["fee_schedules"]["seed"], date(2026, 1, 10))
    pay(express)
    day = LAST_DAY - timedelta(days=7)
    assert {item.mobile for item in reminders.due_reminders(day, LEADS)} == {"+96550000001", "+96551234567"}
    send(day)
    [text] = sms_to("+96551234567")
    token = Reminder.get(Reminder.request == express).token
    reminders.turn_off_by_link(reminders.reminder_of_link(token))
    assert RemindersOff.select().where(RemindersOff.mobile == "+96551234567").exists()
    assert {item.mobile for item in reminders.due_reminders(day, LEADS)} == {"+96550000001"}


# --- two runs at once ------------------------------------------------------------------


def slowly(write):
    """`write`, taking a while per message, so that two runs overlap."""

    def slow(*args, **kwargs):
        time.sleep(0.005)
        return write(*args, **kwargs)

    return slow


def many_paid(owner, count):
    made = []
    for serial in range(count):
        insurance_request = InsuranceRequest.start(owner)
        insurance_request.choose_service_type("individual")
        insurance_request.save_people(
            [{}],
            [
                {
                    "civil_id": civil_id_for(serial + 100),
                    "name": f"Person {serial}",
                    "category_code": "worker",
                    "passport_number": "A1234567",
                    "passport_expiry": date(2040, 1, 1),
                }
            ],
        )
        insurance_request.set_sponsor("person", "Sara Ahmed", owner.civil_id)
        insurance_request.set_cover("new", 1, None)
        insurance_request.update(state=InsuranceRequest.AWAITING_PAYMENT, total_fils=0).where(
            InsuranceRequest.id == insurance_request.id
        ).execute()
        assert mark_request_paid(insurance_request, PAID_AT)
        made.append(insurance_request)
    return made


@pytest.mark.parametrize("round_number", range(3))
def test_two_runs_at_once_send_each_reminder_once(context, owner, round_number, monkeypatch):
    made = many_paid(owner, 15)
    monkeypatch.setattr(
        reminders.messages, "send_renewal_reminder", slowly(reminders.messages.send_renewal_reminder)
    )
    day = date(2026, 12, 10)  # 30 days before the one-year covers end on 9 January 2027
    barrier = threading.Barrier(2)
    results = {}

    def run(name):
        with context.app_context(), models.db.connection_context():
            barrier.wait()
            try:
                results[name] = send(day)
            except Exception as problem:  # reported below
                results[name] = problem

    threads = [threading.Thread(target=run, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(isinstance(result, Exception) for result in results.values()), results
    references = [insurance_request.reference for insurance_request in made]
    texts = sms_to(owner.mobile)
    sent_for = sorted(reference for text in texts for reference in references if reference in text)
    assert sent_for == sorted(references), f"round {round_number}: {results}"
    assert sum(result["sent"] for result in results.values()) == len(made)
    assert Reminder.select().where(Reminder.sent_at.is_null(False)).count() == len(made)


def test_the_reminder_names_the_people_it_covers(paid, owner):
    send(LAST_DAY - timedelta(days=7))
    [text] = sms_to(owner.mobile)
    first = paid.covered()[0].name
    others = len(paid.covered()) - 1
    assert first[:10] in text and paid.reference in text
    if others:
        assert f"and {others} other" in text


def test_a_long_name_is_cut_so_the_sms_stays_short(paid):
    from flask_babel import force_locale

    from services.messages import NAME_IN_SMS, people_in_sms

    long_name = "Mohammed Abdullah Abdulrahman Al-Mutairi Al-Kandari"
    cut = people_in_sms([long_name])
    assert len(cut) == NAME_IN_SMS and cut.endswith("…")
    assert people_in_sms(["Ali Hassan"]) == "Ali Hassan"
    with force_locale("en"):
        assert people_in_sms(["Ali Hassan", "Mona", "Sara"]) == "Ali Hassan and 2 others"
        assert people_in_sms(["Ali Hassan", "Mona"]) == "Ali Hassan and 1 other"
