"""The review's attack, through the pages: one browser presses confirm on check-answers
while another posts a question page of the same request, many rounds (issue 15: a 1-year
price was frozen while 5 years were stored, and a save that started before the freeze
wrote a draft back over the confirmed request).

Each round slows one side down at the point where the other can get in: the confirm
after it has read the answers, or the question page after it has read the request. After
every round, whoever won: a frozen total is the fee of the answers stored, and a request
once confirmed is not a draft again. Run on PostgreSQL too with TEST_DATABASE_URL."""

import re
import threading
import time
from datetime import date

import pytest

import clock
from domain.quote import PersonToQuote, quote
from models import AuditEvent, InsuranceRequest
from tests.helpers import ADULT, APPLICANT, SECOND, form_post, login, person, stored
from views.requests import questions

ROUNDS = 30
PAUSE = 0.05  # seconds: long enough for the other side's whole request
CHANGED = "Your answers changed after you opened this page, so nothing was confirmed."
NOT_SAVED = "Your change was not saved: the answers of this request have been confirmed."


@pytest.fixture
def second_browser(app, user):
    """The same person, logged in a second time: another browser, or another tab's request."""
    other = app.test_client()
    assert login(other, APPLICANT).status_code == 302
    other.get("/?lang=en")
    return other


class Slow:
    """Wraps a function of questions.py to pause, in the rounds that say so, after
    (`when="after"`) or before it runs."""

    def __init__(self, monkeypatch, name, when):
        self.real, self.when, self.on = getattr(questions, name), when, False
        monkeypatch.setattr(questions, name, self)

    def __call__(self, *args, **kwargs):
        if self.on and self.when == "before":
            time.sleep(PAUSE)
        result = self.real(*args, **kwargs)
        if self.on and self.when == "after":
            time.sleep(PAUSE)
        return result


def answered(user, years: int) -> str:
    """A draft with every question answered, made straight in the database (the pages
    that fill it have tests of their own): a worker and a domestic worker; its reference."""
    insurance_request = InsuranceRequest.start(user)
    insurance_request.choose_service_type("group")
    insurance_request.save_people(
        [{}],
        [
            {
                "civil_id": civil_id,
                "name": name,
                "category_code": category,
                "passport_number": "A1234567",
                "passport_expiry": date(2040, 1, 1),
            }
            for civil_id, name, category in [(ADULT, "Ali", "worker"), (SECOND, "Mona", "domestic_worker")]
        ],
    )
    insurance_request.set_sponsor("person", "Sponsor", ADULT)
    insurance_request.set_cover("new", years, None)
    return insurance_request.reference


def race(confirm, save) -> dict:
    barrier = threading.Barrier(2)
    responses = {}

    def run(name, action):
        barrier.wait()
        try:
            responses[name] = action()
        except Exception as problem:  # reported with the round it happened in
            responses[name] = problem

    threads = [
        threading.Thread(target=run, args=("confirm", confirm)),
        threading.Thread(target=run, args=("save", save)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def confirm_on(client, reference):
    """Open check-answers and press confirm, as the page's own form sends it."""
    page = client.get(f"/requests/{reference}/check")
    version = re.search(r'name="version" value="([0-9]+)"', page.text)
    data = {"confirm": "y", **({"version": version.group(1)} if version else {})}
    return lambda: form_post(client, f"/requests/{reference}/check", data)


def fee_of(insurance_request, schedule):
    """The quote of the answers as stored, worked out here from the fee schedule."""
    people = [PersonToQuote(p.category_code, p.birth_date()) for p in insurance_request.covered()]
    return quote(schedule, people, insurance_request.years, clock.today_in_kuwait())


def check_round(app, reference, responses, round_number, saver) -> InsuranceRequest:
    context = f"round {round_number}: {responses}"
    assert not any(isinstance(r, Exception) for r in responses.values()), context
    after = stored(reference)
    frozen = (
        AuditEvent.select()
        .where((AuditEvent.action == "request.frozen") & (AuditEvent.request_id == after.id))
        .count()
    )
    assert frozen <= 1, context
    if frozen:
        assert after.state == InsuranceRequest.AWAITING_PAYMENT, context  # never a draft again
        fee = fee_of(after, app.extensions["fee_schedules"]["seed"])
        assert after.total_fils == fee.total_fils, context  # the fee of the answers stored
        assert [(p.annual_fils, p.subtotal_fils) for p in after.covered()] == [
            (line.annual_fils, line.subtotal_fils) for line in fee.lines
        ], context
    else:
        assert after.is_draft and after.total_fils is None, context
    # What each browser was told matches what happened.
    confirmed, saved = responses["confirm"], responses["save"]
    if frozen:  # and on to the bank
        assert confirmed.status_code == 303, context
        assert saved.headers["Location"].endswith(f"/requests/{reference}"), context
        assert NOT_SAVED in saver.get(f"/requests/{reference}").text, context
    else:
        assert confirmed.status_code == 200 and CHANGED in confirmed.text, context
        assert saved.status_code == 302 and not saved.headers["Location"].endswith(reference), context
    return after


def test_confirm_racing_a_change_of_years(app, client, user, second_browser, monkeypatch):
    slow_confirm = Slow(monkeypatch, "review", when="after")  # answers read, not yet frozen
    slow_save = Slow(monkeypatch, "cover_problems", when="before")  # request read, not yet saved
    outcomes = set()
    for round_number in range(ROUNDS):
        reference = answered(user, years=1)
        confirm = confirm_on(client, reference)
        slow_confirm.on, slow_save.on = round_number % 2 == 0, round_number % 2 == 1
        responses = race(
            confirm,
            lambda: form_post(
                second_browser, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "3"}
            ),
        )
        slow_confirm.on = slow_save.on = False
        after = check_round(app, reference, responses, round_number, second_browser)
        outcomes.add(after.state)
    assert outcomes == {InsuranceRequest.DRAFT, InsuranceRequest.AWAITING_PAYMENT}


def test_confirm_racing_a_change_of_people(app, client, user, second_browser, monkeypatch):
    slow_confirm = Slow(monkeypatch, "review", when="after")
    slow_save = Slow(monkeypatch, "check_people", when="before")
    changed = {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona", "worker"), "action": "continue"}
    outcomes = set()
    for round_number in range(ROUNDS):
        reference = answered(user, years=2)
        confirm = confirm_on(client, reference)
        slow_confirm.on, slow_save.on = round_number % 2 == 0, round_number % 2 == 1
        responses = race(confirm, lambda: form_post(second_browser, f"/requests/{reference}/people", changed))
        slow_confirm.on = slow_save.on = False
        after = check_round(app, reference, responses, round_number, second_browser)
        outcomes.add(after.state)
    assert outcomes == {InsuranceRequest.DRAFT, InsuranceRequest.AWAITING_PAYMENT}
