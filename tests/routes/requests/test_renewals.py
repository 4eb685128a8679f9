"""Renewing a paid request: the Renew button on its page, and the page the reminder's
SMS links to; a new draft with the same people, sponsor and categories, owner only."""

from datetime import timedelta

import pytest

import clock
from models import InsuranceRequest, Renewal
from tests.helpers import (
    ADULT,
    civil_id_for,
    form_post,
    frozen_request,
    mobile_for,
    paid_request,
    register_and_login,
    stored,
)


@pytest.fixture
def reference(client, user):
    """A paid request whose cover ends within the month: Renew is offered."""
    reference = paid_request(client)
    ends = clock.today_in_kuwait() + timedelta(days=30)
    InsuranceRequest.update(cover_end=ends).where(InsuranceRequest.reference == reference).execute()
    return reference


def renewals_of(reference):
    return list(Renewal.select().where(Renewal.previous == stored(reference)))


def test_a_paid_request_has_a_renew_button(client, reference):
    page = client.get(f"/requests/{reference}").text
    assert f'action="/requests/{reference}/renew"' in page
    assert f'>Renew<span class="visually-hidden"> {reference}</span></button>' in page
    # On "My requests" too, which posts straight to the renewal: no page in between.
    listing = client.get("/requests").text
    assert f'action="/requests/{reference}/renew"' in listing


def test_renew_starts_a_draft_with_the_same_answers(client, reference):
    response = form_post(client, f"/requests/{reference}/renew")
    assert response.status_code == 302
    [link] = renewals_of(reference)
    renewal, previous = link.request, stored(reference)
    assert response.headers["Location"] == f"/requests/{renewal.reference}/check"
    assert renewal.is_draft and renewal.owner_id == previous.owner_id
    assert (renewal.insurance_status, renewal.sponsor_civil_id, renewal.years) == ("renewal", ADULT, 2)
    assert renewal.current_cover_end is not None
    assert [(p.civil_id, p.category_code) for p in renewal.covered()] == [
        (p.civil_id, p.category_code) for p in previous.covered()
    ]
    # The draft opens on check-answers, every answer there to change or confirm.
    page = client.get(response.headers["Location"]).text
    assert "Ali" in page and "Mona" in page and "Confirm and continue to payment" in page
    assert stored(reference).state == InsuranceRequest.PAID  # the paid one is untouched


def test_a_second_press_goes_to_the_same_renewal(client, reference):
    first = form_post(client, f"/requests/{reference}/renew")
    second = form_post(client, f"/requests/{reference}/renew")
    assert first.headers["Location"] == second.headers["Location"]
    assert len(renewals_of(reference)) == 1


def test_the_sms_link_shows_a_button_and_changes_nothing(client, reference):
    page = client.get(f"/requests/{reference}/renew")
    assert page.status_code == 200
    assert f'action="/requests/{reference}/renew"' in page.text and 'name="csrf_token"' in page.text
    assert renewals_of(reference) == []
    form_post(client, f"/requests/{reference}/renew")
    page = client.get(f"/requests/{reference}/renew").text
    assert "You have started renewing this request already." in page


def test_renew_needs_the_csrf_token(client, reference):
    assert client.post(f"/requests/{reference}/renew").status_code == 400
    assert renewals_of(reference) == []


def test_only_a_paid_request_is_renewed(client, user):
    reference = frozen_request(client)
    assert "renew" not in client.get(f"/requests/{reference}").text.lower()
    response = form_post(client, f"/requests/{reference}/renew")
    assert response.headers["Location"] == f"/requests/{reference}"
    assert "Only a paid request can be renewed." in client.get(response.headers["Location"]).text
    assert InsuranceRequest.select().count() == 1


def test_someone_elses_request_is_not_found(app, reference):
    other = app.test_client()
    register_and_login(other, civil_id_for(3), mobile_for(3))
    assert other.get(f"/requests/{reference}/renew").status_code == 404
    assert form_post(other, f"/requests/{reference}/renew").status_code == 404
    assert renewals_of(reference) == []


def test_the_link_asks_for_a_login_first(app, reference):
    response = app.test_client().get(f"/requests/{reference}/renew")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_renewal_goes_from_my_requests_to_the_bank_and_the_receipt(client, reference):
    """The returning resident's way: My requests, Renew, check answers, the bank, the
    receipt, with nothing in between."""
    from urllib.parse import urlsplit

    assert f'action="/requests/{reference}/renew"' in client.get("/requests").text
    renewed = form_post(client, f"/requests/{reference}/renew")
    check = renewed.headers["Location"]
    assert check.endswith("/check")
    page = client.get(check)
    assert page.status_code == 200
    version = re_version(page.text)
    bank = form_post(client, check, {"confirm": "y", "version": version})
    assert bank.status_code == 303 and bank.headers["Location"].startswith("/sandbox-bank/pay/")
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    receipt = client.get(back.headers["Location"])
    assert receipt.status_code == 303 and receipt.headers["Location"].endswith("/receipt")
    [link] = renewals_of(reference)
    assert stored(link.request.reference).state == InsuranceRequest.PAID


def re_version(body: str) -> str:
    import re

    return re.search(r'name="version" value="([0-9]+)"', body).group(1)
