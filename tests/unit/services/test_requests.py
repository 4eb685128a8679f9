"""services/requests.py: freezing a confirmed request fixes the fee of its stored answers
once, only while they are the answers the person checked; a question page's save holds
only while the request is a draft; a confirmed request goes back to a draft only by its
owner's audited "change the answers", never while a payment waits at the bank."""

from datetime import date, datetime

import pytest

from models import AuditEvent, InsuranceRequest, InsuredPerson, Payment, Receipt
from services.requests import AnswersChanged, ReopenRefused, freeze_request, reopen_request
from services.settlement import mark_request_paid

TODAY = date(2026, 1, 10)
PAID_AT = datetime(2026, 1, 10, 9, 0)
PAID_TOTAL = 110_000  # the draft fixture: a worker and a domestic worker, two years


@pytest.fixture
def schedule(context):
    return context.extensions["fee_schedules"]["seed"]


def fresh(record):
    return type(record).get_by_id(record.id)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action))


def test_freezing_fixes_the_fee_of_the_stored_answers(draft, schedule):
    assert freeze_request(draft, schedule, TODAY)
    frozen = fresh(draft)
    assert frozen.state == InsuranceRequest.AWAITING_PAYMENT and not frozen.is_draft
    assert (frozen.total_fils, frozen.schedule_id) == (PAID_TOTAL, "seed")
    assert frozen.frozen_at is not None and frozen.confirmed_at is not None
    assert [(p.annual_fils, p.subtotal_fils) for p in frozen.covered()] == [
        (50_000, 100_000),
        (5_000, 10_000),
    ]
    assert frozen.total_fils == frozen.quote(schedule, TODAY).total_fils
    assert len(events("request.frozen")) == 1
    assert draft.state == InsuranceRequest.AWAITING_PAYMENT  # the caller's record follows


def test_a_request_is_frozen_once(draft, schedule):
    assert freeze_request(draft, schedule, TODAY)
    assert not freeze_request(fresh(draft), schedule, TODAY)  # a second tab, a double click
    assert fresh(draft).total_fils == PAID_TOTAL and len(events("request.frozen")) == 1


def test_answers_changed_since_they_were_checked_are_not_frozen(draft, schedule):
    """The confirm read the request at two years; five years were saved since, from
    another tab or a request racing it: nothing is frozen, at either price."""
    checked = fresh(draft)
    assert fresh(draft).set_cover("new", 5, None)
    with pytest.raises(AnswersChanged):
        freeze_request(checked, schedule, TODAY)
    assert fresh(draft).is_draft and fresh(draft).total_fils is None
    with pytest.raises(AnswersChanged):  # the version the check page showed, sent back
        freeze_request(fresh(draft), schedule, TODAY, seen_version=checked.version)
    assert freeze_request(fresh(draft), schedule, TODAY, seen_version=fresh(draft).version)
    assert fresh(draft).total_fils == 5 * 55_000


def test_people_changed_since_they_were_checked_are_not_frozen(draft, schedule):
    checked = fresh(draft)
    people = [
        {
            "civil_id": p.civil_id,
            "name": p.name,
            "category_code": "worker",
            "passport_number": p.passport_number,
            "passport_expiry": p.passport_expiry,
        }
        for p in draft.covered()
    ]
    assert fresh(draft).save_people([{}], people)
    with pytest.raises(AnswersChanged):
        freeze_request(checked, schedule, TODAY)
    assert fresh(draft).is_draft


def test_rows_typed_but_not_saved_as_people_leave_the_answers_as_checked(draft, schedule):
    checked = fresh(draft)
    assert fresh(draft).save_people([{"civil_id": "2"}], None)  # the live quote keeps what is typed
    assert freeze_request(checked, schedule, TODAY)
    assert fresh(draft).total_fils == PAID_TOTAL


def test_answers_that_cannot_be_priced_are_not_frozen(draft, schedule):
    assert draft.set_cover("new", 9, None)  # more years than the schedule allows
    with pytest.raises(AnswersChanged):
        freeze_request(draft, schedule, TODAY)
    assert fresh(draft).is_draft


def test_nothing_due_is_paid_as_it_is_frozen(context, draft):
    zero = context.extensions["fee_schedules"]["decision-306-2025"]
    people = [
        {
            "civil_id": p.civil_id,
            "name": p.name,
            "category_code": "kuwaiti_wife",
            "passport_number": p.passport_number,
            "passport_expiry": p.passport_expiry,
        }
        for p in draft.covered()
    ]
    assert draft.save_people([{}], people)
    assert freeze_request(draft, zero, TODAY)
    assert fresh(draft).state == InsuranceRequest.PAID
    assert Receipt.of(draft).amount_fils == 0 and Receipt.of(draft).payment is None


@pytest.mark.parametrize(
    "save",
    [
        lambda r: r.choose_service_type("individual"),
        lambda r: r.save_people(
            [{}],
            [
                {
                    "civil_id": "285061200112",
                    "name": "Ali",
                    "category_code": "student",
                    "passport_number": "A1234560",
                    "passport_expiry": date(2040, 1, 1),
                }
            ],
        ),
        lambda r: r.save_people([{}], None),
        lambda r: r.set_sponsor("person", "Someone", "285061200112"),
        lambda r: r.set_cover("new", 5, None),
    ],
    ids=["service", "people", "typed rows", "sponsor", "cover"],
)
def test_a_save_that_loses_to_the_freeze_changes_nothing(draft, schedule, save):
    """A question page read the draft before the confirm froze it, and saves after."""
    page = fresh(draft)
    assert freeze_request(draft, schedule, TODAY)
    before = fresh(draft)
    people = [p.__data__ for p in before.covered()]
    assert save(page) is False
    after = fresh(draft)
    assert after.__data__ == before.__data__
    assert [p.__data__ for p in after.covered()] == people


def test_each_page_saves_only_its_own_answers(draft):
    """Two pages open at once: the sponsor page's save keeps the years the cover page saved."""
    sponsor_page, cover_page = fresh(draft), fresh(draft)
    assert cover_page.set_cover("new", 4, None)
    assert sponsor_page.set_sponsor("person", "Someone else", "285061200112")
    stored = fresh(draft)
    assert (stored.years, stored.sponsor_name) == (4, "Someone else")
    assert stored.version == draft.version + 2


def test_change_the_answers_returns_a_confirmed_request_to_a_draft_audited(draft, schedule):
    assert freeze_request(draft, schedule, TODAY)
    reopen_request(fresh(draft))
    reopened = fresh(draft)
    assert reopened.is_draft
    assert (reopened.total_fils, reopened.schedule_id, reopened.frozen_at, reopened.confirmed_at) == (
        None,
        None,
        None,
        None,
    )
    assert [(p.annual_fils, p.subtotal_fils) for p in reopened.covered()] == [(None, None)] * 2
    [event] = events("request.reopened")
    assert event.request_id == draft.id
    assert event.values("before") == {
        "state": "awaiting_payment",
        "total_fils": PAID_TOTAL,
        "schedule_id": "seed",
    }
    assert event.values("after") == {"state": "draft"}
    # The answers can change, and the next confirm freezes their new fee.
    assert reopened.set_cover("new", 1, None)
    assert freeze_request(reopened, schedule, TODAY)
    assert fresh(draft).total_fils == 55_000


def test_change_the_answers_is_refused_while_a_payment_waits_at_the_bank(draft, schedule):
    assert freeze_request(draft, schedule, TODAY)
    Payment.begin(fresh(draft), "sandbox")
    with pytest.raises(ReopenRefused) as refused:
        reopen_request(fresh(draft))
    assert refused.value.reason == "payment_in_progress"
    assert fresh(draft).state == InsuranceRequest.AWAITING_PAYMENT
    assert fresh(draft).total_fils == PAID_TOTAL and events("request.reopened") == []


def test_change_the_answers_is_refused_once_paid(draft, schedule):
    assert freeze_request(draft, schedule, TODAY)
    assert mark_request_paid(fresh(draft), PAID_AT, Payment.begin(fresh(draft), "sandbox"))
    with pytest.raises(ReopenRefused) as refused:
        reopen_request(fresh(draft))
    assert refused.value.reason == "not_awaiting_payment"
    assert fresh(draft).state == InsuranceRequest.PAID


def test_a_payment_of_another_amount_never_pays_the_request(draft, schedule):
    """A payment started at an older total (before the answers were changed and confirmed
    again) does not make the request paid: the amount paid is the fee of the answers stored."""
    assert freeze_request(draft, schedule, TODAY)
    old = Payment.begin(fresh(draft), "sandbox")
    Payment.update(state=Payment.CANCELLED, open_for=None).where(Payment.id == old.id).execute()
    reopen_request(fresh(draft))
    assert fresh(draft).set_cover("new", 5, None)
    assert freeze_request(fresh(draft), schedule, TODAY)
    assert not mark_request_paid(fresh(draft), PAID_AT, old)
    assert fresh(draft).state == InsuranceRequest.AWAITING_PAYMENT and Receipt.of(draft) is None
    assert not mark_request_paid(fresh(draft), PAID_AT)  # nor does "nothing due" when something is
    assert InsuredPerson.select().where(InsuredPerson.request == draft).count() == 2
