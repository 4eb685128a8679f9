"""Asking for a refund: what happens next and how long, and the money back to the card
paid with or to an account, the IBAN asked only for an account."""

import pytest

from models import Refund
from tests.helpers import GOOD_IBAN, HX, REFUND_FORM, ask_refund, make_app, paid_request, register_and_login


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_page_says_what_happens_next_and_offers_the_card(client, user, headers):
    reference = paid_request(client)
    page = client.get(f"/requests/{reference}/refund?lang=en", headers=headers)
    assert "Our staff review your request within 5 working days" in page.text
    assert "Back to the card you paid with" in page.text and "To a bank account in Kuwait (IBAN)" in page.text
    arabic = client.get(f"/requests/{reference}/refund?lang=ar", headers=headers)
    assert "5 أيام عمل" in arabic.text


def test_the_review_days_are_a_setting(tmp_path):
    app = make_app(tmp_path, REFUND_REVIEW_DAYS=2)
    client = app.test_client()
    with app.app_context():
        register_and_login(client)
        reference = paid_request(client)
        assert "خلال يومَي عمل" in client.get(f"/requests/{reference}/refund?lang=ar").text


def test_back_to_the_card_asks_no_iban(client, user):
    reference = paid_request(client)
    response = ask_refund(client, reference, paid_back_to="card", iban="", account_holder="")
    assert response.status_code == 303
    refund = Refund.get()
    assert refund.iban == "" and refund.account_holder == ""
    assert "The card you paid with" in client.get(f"/requests/{reference}?lang=en").text


def test_a_bank_account_needs_its_iban(client, user):
    reference = paid_request(client)
    response = ask_refund(client, reference, paid_back_to="iban", iban="", account_holder="")
    assert response.status_code == 200
    assert "Enter the IBAN of the account to pay into" in response.text
    assert "Enter the name of the account holder" in response.text
    assert ask_refund(client, reference, paid_back_to="iban").status_code == 303
    assert Refund.get().iban == GOOD_IBAN


def test_no_choice_and_no_iban_is_a_problem(client, user):
    reference = paid_request(client)
    response = ask_refund(client, reference, iban="", account_holder="")
    assert "Choose where the money should go" in response.text
    assert REFUND_FORM["iban"] == GOOD_IBAN  # a form without the choice, with an IBAN: that account
