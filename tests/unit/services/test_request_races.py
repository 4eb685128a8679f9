"""Confirming a request while a question page saves: two threads, each with its own
database connection, many rounds. Whoever wins, the frozen total is the fee of the
answers stored, and a confirmed request stays confirmed (issue 15: a 1-year price was
frozen while 5 years were stored, and a save after the freeze made the request a draft
again). Run on PostgreSQL too with TEST_DATABASE_URL."""

import threading
from datetime import date

import pytest

import models
from domain.quote import PersonToQuote, quote
from models import InsuranceRequest, InsuredPerson
from services.requests import AnswersChanged, freeze_request
from tests.helpers import civil_id_for

TODAY = date(2026, 1, 10)
ROUNDS = 30
PEOPLE = [("285061200112", "Ali", "worker"), ("290031500129", "Mona", "domestic_worker")]


@pytest.fixture
def schedule(context):
    return context.extensions["fee_schedules"]["seed"]


def new_draft(owner) -> InsuranceRequest:
    """Every question answered: a worker and a domestic worker, two years (110.000)."""
    insurance_request = InsuranceRequest.start(owner)
    insurance_request.choose_service_type("group")
    insurance_request.save_people([{}], [person(*row) for row in PEOPLE])
    insurance_request.set_sponsor("person", "Sara Ahmed", owner.civil_id)
    insurance_request.set_cover("new", 2, None)
    return insurance_request


def person(civil_id, name, category):
    return {
        "civil_id": civil_id,
        "name": name,
        "category_code": category,
        "passport_number": "A1234567",
        "passport_expiry": date(2040, 1, 1),
    }


def race(**actions) -> dict:
    """Run each action in its own thread and connection, all let go at once; what each
    returned ("changed" for AnswersChanged), or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    results = {}

    def run(name, action):
        with models.db.connection_context():
            barrier.wait()
            try:
                results[name] = action()
            except AnswersChanged:
                results[name] = "changed"
            except Exception as problem:  # reported below, with the round it happened in
                results[name] = problem

    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def fee_of(insurance_request, schedule):
    """The quote of the answers as stored, worked out here from the fee schedule."""
    people = [PersonToQuote(p.category_code, p.birth_date()) for p in insurance_request.covered()]
    return quote(schedule, people, insurance_request.years, TODAY)


def check_round(insurance_request, schedule, results, round_number) -> InsuranceRequest:
    stored = InsuranceRequest.get_by_id(insurance_request.id)
    context = f"round {round_number}: {results}"
    assert not any(isinstance(result, Exception) for result in results.values()), context
    # One of them wins: the confirm froze the answers it read, or the save changed them first.
    assert (results["confirm"] is True) != (results["save"] is True), context
    if results["confirm"] is True:
        assert stored.state == InsuranceRequest.AWAITING_PAYMENT, context  # never a draft again
        fee = fee_of(stored, schedule)
        assert stored.total_fils == fee.total_fils, context
        assert [(p.annual_fils, p.subtotal_fils) for p in stored.covered()] == [
            (line.annual_fils, line.subtotal_fils) for line in fee.lines
        ], context
    else:
        assert stored.is_draft and stored.total_fils is None, context
    return stored


def test_confirm_racing_a_change_of_years(owner, schedule):
    for round_number in range(ROUNDS):
        insurance_request = new_draft(owner)
        checked = InsuranceRequest.get_by_id(insurance_request.id)  # what check-answers showed
        cover_page = InsuranceRequest.get_by_id(insurance_request.id)
        results = race(
            confirm=lambda: freeze_request(checked, schedule, TODAY),
            save=lambda: cover_page.set_cover("new", 5, None),
        )
        stored = check_round(insurance_request, schedule, results, round_number)
        assert stored.years == (5 if results["save"] is True else 2)


def test_confirm_racing_a_change_of_people(owner, schedule):
    for round_number in range(ROUNDS):
        insurance_request = new_draft(owner)
        checked = InsuranceRequest.get_by_id(insurance_request.id)
        people_page = InsuranceRequest.get_by_id(insurance_request.id)
        three = [person(*row) for row in PEOPLE] + [person(civil_id_for(14, born="900115"), "Huda", "worker")]
        results = race(
            confirm=lambda: freeze_request(checked, schedule, TODAY),
            save=lambda: people_page.save_people([{}] * 3, three),
        )
        stored = check_round(insurance_request, schedule, results, round_number)
        count = InsuredPerson.select().where(InsuredPerson.request == stored).count()
        assert count == (3 if results["save"] is True else 2)
        assert stored.total_fils in (None, 110_000)


def test_confirms_from_two_tabs_freeze_once(owner, schedule):
    for round_number in range(ROUNDS):
        insurance_request = new_draft(owner)
        tabs = [InsuranceRequest.get_by_id(insurance_request.id) for _ in range(2)]
        results = race(
            first=lambda: freeze_request(tabs[0], schedule, TODAY),
            second=lambda: freeze_request(tabs[1], schedule, TODAY),
        )
        assert sorted(results.values()) == [False, True], f"round {round_number}: {results}"
        assert InsuranceRequest.get_by_id(insurance_request.id).total_fils == 110_000
        frozen = models.AuditEvent.select().where(
            (models.AuditEvent.action == "request.frozen")
            & (models.AuditEvent.request_id == insurance_request.id)
        )
        assert frozen.count() == 1
