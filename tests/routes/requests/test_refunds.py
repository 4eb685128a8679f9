"""The applicant's side of refunds: asking on a paid request (reason, IBAN, account
holder), the status on the request's page, withdrawing while it waits."""

import pytest

from models import AuditEvent, InsuranceRequest, Refund
from services.settlement import settle_free
from tests.helpers import (
    ADULT,
    GOOD_IBAN,
    HX,
    PAID_TOTAL,
    ask_refund,
    civil_id_for,
    fill_until_check,
    form_post,
    mobile_for,
    paid_request,
    person,
    register_and_login,
    start_request,
    stored,
)


@pytest.fixture
def reference(client, user):
    return paid_request(client)


def test_paid_request_offers_a_refund(client, reference):
    page = client.get(f"/requests/{reference}")
    assert f'href="/requests/{reference}/refund"' in page.text
    assert "Ask for a refund" in page.text


@pytest.mark.parametrize("headers", [{}, HX])
def test_refund_form_repeats_the_wrong_data_rule(client, reference, headers):
    page = client.get(f"/requests/{reference}/refund", headers=headers)
    assert page.status_code == 200
    assert "Money is not refunded when the data you entered was wrong." in page.text
    assert "KWD\u00a0110.000" in page.text
    assert "<!doctype html>" in page.text
    assert "<title>Ask for a refund – Tameen</title>" in page.text
    assert 'name="iban"' in page.text and 'name="account_holder"' in page.text
    assert page.text.count('name="reason"') == len(Refund.REASONS)


def test_the_refund_form_in_arabic(client, reference):
    page = client.get(f"/requests/{reference}/refund?lang=ar")
    assert 'dir="rtl"' in page.text and "لا يُسترد المبلغ" in page.text


@pytest.mark.parametrize("headers", [{}, HX])
def test_ask_for_a_refund_with_spaces_and_arabic_digits_in_the_iban(client, reference, headers):
    response = ask_refund(client, reference, iban="kw٨١ cbku ٠٠٠٠ ٠٠٠٠ ٠٠٠٠ ١٢٣٤ ٥٦٠١ ٠١", headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/requests/{reference}"
    insurance_request = stored(reference)
    assert insurance_request.state == InsuranceRequest.REFUND_REQUESTED
    refund = insurance_request.latest_refund()
    assert (refund.state, refund.iban, refund.amount_fils) == (Refund.REQUESTED, GOOD_IBAN, PAID_TOTAL)
    assert refund.account_holder == "سارة أحمد" and refund.reason == "left_kuwait"
    page = client.get(f"/requests/{reference}")
    assert "Your refund request" in page.text and "Waiting for review" in page.text
    assert "We have your refund request" in page.text
    assert "KW81 •••• 0101" in page.text and "1234560101" not in page.text
    assert "Withdraw the refund request" in page.text
    assert f'href="/requests/{reference}/refund"' not in page.text


@pytest.mark.parametrize("headers", [{}, HX])
@pytest.mark.parametrize(
    "iban, message",
    [
        ("KW82CBKU0000000000001234560101", "This IBAN is not right"),
        ("GB82WEST12345698765432", "Enter a Kuwaiti IBAN: it starts with KW"),
        ("KW81CBKU000000000000123456010", "A Kuwaiti IBAN has 30 characters"),
        ("KW81 CBKU 0000 0000 0000 1234 5601 0!", "Enter the IBAN as it is on your bank papers"),
        ("", "Enter the IBAN of the account to pay into"),
    ],
)
def test_iban_problems_are_shown_and_nothing_changes(client, reference, iban, message, headers):
    response = ask_refund(client, reference, iban=iban, headers=headers)
    assert response.status_code == 200
    assert message in response.text and 'id="iban-error"' in response.text
    assert "<title>Error: Ask for a refund – Tameen</title>" in response.text
    assert "<!doctype html>" in response.text
    assert f'value="{iban}"' in response.text  # what was typed stays
    assert stored(reference).state == InsuranceRequest.PAID
    assert not Refund.select().exists()


def test_reason_holder_and_details_are_required(client, reference):
    response = ask_refund(client, reference, reason="", account_holder="")
    assert "Choose why you are asking for a refund" in response.text
    assert "Enter the name of the account holder" in response.text
    other = ask_refund(client, reference, reason="other", details="")
    assert "Tell us why you are asking for a refund" in other.text
    done = ask_refund(client, reference, reason="other", details="The visa was refused")
    assert done.status_code == 303
    assert Refund.get().details == "The visa was refused"


def test_a_second_refund_request_while_one_waits_changes_nothing(client, reference):
    assert ask_refund(client, reference).status_code == 303
    again = ask_refund(client, reference, account_holder="Someone else")
    assert again.status_code == 303
    assert Refund.select().count() == 1 and Refund.get().account_holder == "سارة أحمد"
    # The form is not offered while one waits.
    assert client.get(f"/requests/{reference}/refund").status_code == 303


@pytest.mark.parametrize("headers", [{}, HX])
def test_withdraw_while_waiting_makes_the_request_paid_again(client, reference, headers):
    ask_refund(client, reference)
    response = form_post(client, f"/requests/{reference}/refund/withdraw", headers=headers)
    assert response.status_code == 303
    assert stored(reference).state == InsuranceRequest.PAID
    assert Refund.get().state == Refund.WITHDRAWN and Refund.get().open_for is None
    page = client.get(f"/requests/{reference}")
    assert "You have withdrawn your refund request" in page.text
    assert f'href="/requests/{reference}/refund"' in page.text  # may ask again
    # Withdrawing again changes nothing.
    assert form_post(client, f"/requests/{reference}/refund/withdraw").status_code == 303
    assert [e.action for e in AuditEvent.select().where(AuditEvent.action == "refund.withdrawn")] == [
        "refund.withdrawn"
    ]
    assert ask_refund(client, reference).status_code == 303
    assert stored(reference).state == InsuranceRequest.REFUND_REQUESTED


def test_withdraw_needs_the_csrf_token(client, reference):
    ask_refund(client, reference)
    assert client.post(f"/requests/{reference}/refund/withdraw").status_code == 400
    assert stored(reference).state == InsuranceRequest.REFUND_REQUESTED


def test_no_refund_before_payment(client, user):
    reference = start_request(client)
    fill_until_check(client, reference)
    form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert client.get(f"/requests/{reference}/refund").status_code == 303
    assert ask_refund(client, reference).status_code == 303
    assert stored(reference).state == InsuranceRequest.AWAITING_PAYMENT
    assert "Ask for a refund" not in client.get(f"/requests/{reference}").text


def test_nothing_to_refund_when_nothing_was_paid(client, user):
    reference = start_request(client)
    fill_until_check(client, reference, people=person(0, ADULT, "Ali", "stateless"))
    # An exempt request would need a zero schedule line: force it instead through the model.
    insurance_request = stored(reference)
    insurance_request.freeze(type("Quote", (), {"total_fils": 0, "lines": []})(), "seed")
    assert settle_free(insurance_request)
    assert stored(reference).state == InsuranceRequest.PAID
    assert client.get(f"/requests/{reference}/refund").status_code == 303
    assert "Ask for a refund" not in client.get(f"/requests/{reference}").text


def test_someone_elses_request_is_not_found(client, reference, app):
    other = app.test_client()
    register_and_login(other, civil_id_for(2), mobile_for(2))
    assert other.get(f"/requests/{reference}/refund").status_code == 404
    assert ask_refund(other, reference).status_code == 404
    assert form_post(other, f"/requests/{reference}/refund/withdraw").status_code == 404


def test_refund_pages_need_a_login(app, reference):
    stranger = app.test_client()
    response = stranger.get(f"/requests/{reference}/refund")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
