"""After "check your answers": a confirm of answers that changed meanwhile freezes nothing
and shows them again; a question page's save that loses to the confirm changes nothing
and says so; and a confirmed request goes back to its questions only by its owner's
audited "Change the answers", never while a payment waits at the bank (issue 15)."""

import re
from urllib.parse import urlsplit

import pytest

import clock
import models
from models import AuditEvent, InsuranceRequest
from services.requests import freeze_request
from services.settlement import mark_request_paid
from tests.helpers import (
    ADULT,
    APPLICANT,
    HX,
    PAID_TOTAL,
    civil_id_for,
    csrf_token_for,
    fill_until_check,
    form_post,
    frozen_request,
    make_staff,
    mobile_for,
    person,
    register_and_login,
    staff_login,
    start_request,
    stored,
)
from views.requests import questions

THREE_YEARS = 3 * 55_000  # (the passports run out after four)
CHANGED = "Your answers changed after you opened this page, so nothing was confirmed."
NOT_SAVED = "Your change was not saved: the answers of this request have been confirmed."


def total_fils(body: str) -> int:
    return int(re.search(r'data-total-fils="([0-9]+)"', body).group(1))


def version_on(body: str) -> str:
    return re.search(r'name="version" value="([0-9]+)"', body).group(1)


def test_a_confirm_of_answers_changed_in_another_tab_shows_them_again(client, user):
    reference = start_request(client)
    fill_until_check(client, reference)
    page = client.get(f"/requests/{reference}/check")
    assert total_fils(page.text) == PAID_TOTAL
    # Another tab: three years instead of two.
    form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "3"})

    stale = form_post(
        client, f"/requests/{reference}/check", {"confirm": "y", "version": version_on(page.text)}
    )
    assert stale.status_code == 200
    assert CHANGED in stale.text and 'role="alert"' in stale.text
    assert total_fils(stale.text) == THREE_YEARS  # the new amount, for the person to see
    assert " checked" not in re.search(r'<input[^>]*name="confirm"[^>]*>', stale.text).group(0)  # again
    assert stored(reference).is_draft and stored(reference).total_fils is None

    again = form_post(
        client, f"/requests/{reference}/check", {"confirm": "y", "version": version_on(stale.text)}
    )
    assert again.status_code == 303 and again.headers["Location"].startswith("/sandbox-bank/pay/")
    assert stored(reference).total_fils == THREE_YEARS


def test_the_stale_confirm_message_is_in_arabic(client, user):
    reference = start_request(client)
    fill_until_check(client, reference)
    client.get("/?lang=ar")
    response = form_post(client, f"/requests/{reference}/check", {"confirm": "y", "version": "0"})
    assert response.status_code == 200 and "تغيّرت إجاباتك بعد أن فتحت هذه الصفحة" in response.text
    assert stored(reference).is_draft


def test_a_question_page_save_that_loses_to_the_confirm_changes_nothing(client, user, monkeypatch):
    """The cover page read the draft, the confirm (another tab) froze it, then the cover
    page saved: the request stays confirmed at its amount, and the person is told."""
    reference = start_request(client)
    fill_until_check(client, reference)
    real_check = questions.cover_problems

    def confirmed_meanwhile(*args, **kwargs):
        frozen_by_the_other_tab = stored(reference)
        assert freeze_request(
            frozen_by_the_other_tab, client.application.extensions["fee_schedules"]["seed"], args[-1]
        )
        return real_check(*args, **kwargs)

    monkeypatch.setattr(questions, "cover_problems", confirmed_meanwhile)
    response = form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "3"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/requests/{reference}")
    after = stored(reference)
    assert after.state == InsuranceRequest.AWAITING_PAYMENT and after.years == 2
    assert after.total_fils == PAID_TOTAL
    page = client.get(f"/requests/{reference}")
    assert NOT_SAVED in page.text and total_fils(page.text) == PAID_TOTAL
    assert NOT_SAVED not in client.get(f"/requests/{reference}").text  # said once


@pytest.mark.parametrize(
    "step, answers",
    [
        ("people", {**person(0, ADULT, "Ali", category="student"), "action": "continue"}),
        ("sponsor", {"sponsor_name": "Someone", "sponsor_civil_id": ADULT}),
        ("sponsor", {"action": "me"}),
        ("cover", {"insurance_status": "new", "years": "3"}),
    ],
)
def test_a_save_on_a_confirmed_request_is_refused_with_a_message(client, user, step, answers):
    reference = frozen_request(client)
    before = stored(reference).__data__
    response = form_post(client, f"/requests/{reference}/{step}", answers)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/requests/{reference}")
    assert stored(reference).__data__ == before
    assert NOT_SAVED in client.get(f"/requests/{reference}").text


@pytest.mark.parametrize("step", ["people", "cover"])
def test_a_live_quote_on_a_confirmed_request_sends_the_whole_page_to_the_request(client, user, step):
    reference = frozen_request(client)
    response = form_post(
        client,
        f"/requests/{reference}/{step}",
        {**person(0, ADULT, "Ali", category="student"), "years": "3"},
        headers=HX,
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/requests/{reference}"
    assert stored(reference).total_fils == PAID_TOTAL and stored(reference).years == 2


def test_change_the_answers_opens_a_confirmed_request_again_audited(app, client, user):
    reference = frozen_request(client)
    page = client.get(f"/requests/{reference}")
    assert "Change the answers" in page.text and f"/requests/{reference}/change-answers" in page.text

    response = form_post(client, f"/requests/{reference}/change-answers")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/requests/{reference}/check"
    )
    reopened = stored(reference)
    assert reopened.is_draft and reopened.total_fils is None and reopened.frozen_at is None
    assert [p.subtotal_fils for p in reopened.covered()] == [None, None]
    check = client.get(f"/requests/{reference}/check")
    assert "You can change the answers now. Confirm them again before paying." in check.text
    [event] = AuditEvent.select().where(AuditEvent.action == "request.reopened")
    assert (event.actor_kind, event.actor_label, event.request_id) == ("applicant", APPLICANT, reopened.id)
    assert event.values("before")["total_fils"] == PAID_TOTAL

    # The answers change, and confirming again fixes their new fee.
    form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "3"})
    page = client.get(f"/requests/{reference}/check")
    assert (
        form_post(
            client, f"/requests/{reference}/check", {"confirm": "y", "version": version_on(page.text)}
        ).status_code
        == 303
    )
    assert stored(reference).total_fils == THREE_YEARS

    # The desk reads the step in its own words.
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, make_staff(app)).status_code == 302
    assert "Answers reopened for changes by the applicant" in desk.get(f"/desk/requests/{reference}").text


def test_change_the_answers_twice_is_harmless(client, user):
    reference = frozen_request(client)
    assert form_post(client, f"/requests/{reference}/change-answers").status_code == 302
    again = form_post(client, f"/requests/{reference}/change-answers")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/requests/{reference}/check")
    assert AuditEvent.select().where(AuditEvent.action == "request.reopened").count() == 1


def test_change_the_answers_is_refused_while_a_payment_waits_at_the_bank(client, user):
    reference = frozen_request(client)
    bank = form_post(client, f"/requests/{reference}/pay")
    assert bank.status_code == 303 and urlsplit(bank.headers["Location"]).path.startswith(
        "/sandbox-bank/pay/"
    )
    page = client.get(f"/requests/{reference}")
    assert "Change the answers" not in page.text  # the payment in progress has the page

    response = form_post(client, f"/requests/{reference}/change-answers")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/requests/{reference}")
    assert stored(reference).state == InsuranceRequest.AWAITING_PAYMENT
    assert stored(reference).total_fils == PAID_TOTAL
    assert "A payment of this request is in progress at the bank" in client.get(f"/requests/{reference}").text
    assert AuditEvent.select().where(AuditEvent.action == "request.reopened").count() == 0


def test_a_paid_request_cannot_change_its_answers(client, user):
    reference = frozen_request(client)
    mark_request_paid(stored(reference), clock.now(), models.Payment.begin(stored(reference), "sandbox"))
    assert "Change the answers" not in client.get(f"/requests/{reference}").text
    response = form_post(client, f"/requests/{reference}/change-answers")
    assert response.status_code == 302 and stored(reference).state == InsuranceRequest.PAID
    assert "it has been paid" in client.get(f"/requests/{reference}").text


def test_change_the_answers_is_only_for_the_owner(app, client, user):
    reference = frozen_request(client)
    stranger = app.test_client()
    register_and_login(stranger, civil_id_for(2), mobile_for(2))
    assert form_post(stranger, f"/requests/{reference}/change-answers").status_code == 404
    assert stored(reference).state == InsuranceRequest.AWAITING_PAYMENT
    anonymous = app.test_client()
    response = anonymous.post(
        f"/requests/{reference}/change-answers", data={"csrf_token": csrf_token_for(anonymous)}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stored(reference).state == InsuranceRequest.AWAITING_PAYMENT


def test_change_the_answers_needs_the_form_token(client, user):
    reference = frozen_request(client)
    assert client.post(f"/requests/{reference}/change-answers").status_code == 400
    assert client.get(f"/requests/{reference}/change-answers").status_code == 405
    assert stored(reference).state == InsuranceRequest.AWAITING_PAYMENT
