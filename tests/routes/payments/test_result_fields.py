"""Every result page and message carries the fields KNET's manual asks for (§12.1): the
date and time (Kuwait), the result, the amount, the payment ID and the track ID, on a
decline and a cancel as on a success, in Arabic and English; the person is told once,
by SMS and by e-mail where the account has an address."""

from urllib.parse import urlsplit

import pytest

from domain.dates import format_kuwait_time
from models import Payment
from tests.helpers import form_post, frozen_request, sms_to

WORDS = {
    "en": ("Date and time (Kuwait)", "Result", "Amount", "Payment ID", "Track ID"),
    "ar": ("التاريخ والوقت (بتوقيت الكويت)", "النتيجة", "المبلغ", "رقم عملية الدفع", "رقم التتبع"),
}


def pay_and_choose(client, reference, choice) -> Payment:
    bank_page = form_post(client, f"/requests/{reference}/pay").headers["Location"]
    client.get(bank_page)
    back = form_post(client, urlsplit(bank_page).path, {"choice": choice}).headers["Location"]
    assert client.get(back).status_code == 303
    return Payment.get()


def assert_the_five_fields(page: str, payment: Payment, lang: str) -> None:
    for word in WORDS[lang]:
        assert word in page
    when = payment.paid_at or payment.closed_at
    assert format_kuwait_time(when) in page
    assert f'<bdi class="id">{payment.track_id}</bdi>' in page
    assert f'<bdi class="id">{payment.payment_id}</bdi>' in page and payment.payment_id
    assert f"({payment.result_code})" in page
    assert "110.000" in page or "١١٠٫٠٠٠" in page


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("choice, word", [("decline", "NOT CAPTURED"), ("cancel", "CANCELED")])
def test_a_decline_and_a_cancel_show_the_five_fields(client, user, lang, choice, word):
    reference = frozen_request(client)
    payment = pay_and_choose(client, reference, choice)
    assert payment.result_code == word
    assert_the_five_fields(client.get(f"/requests/{reference}?lang={lang}").text, payment, lang)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_receipt_shows_the_five_fields(client, user, lang):
    reference = frozen_request(client)
    payment = pay_and_choose(client, reference, "approve")
    assert_the_five_fields(client.get(f"/requests/{reference}/receipt?lang={lang}").text, payment, lang)


TOLD = [("approve", "paid"), ("decline", "declined"), ("cancel", "cancelled")]


@pytest.mark.parametrize("choice, word", TOLD)
def test_the_person_is_told_once_by_sms_and_e_mail_with_the_same_fields(app, client, user, choice, word):
    reference = frozen_request(client)
    payment = pay_and_choose(client, reference, choice)
    client.get(f"/payments/return?trackid={payment.track_id}")  # the browser again: nobody told twice
    told = [text for text in sms_to(user.mobile) if reference in text]
    assert len(told) == 1
    text = told[0]
    for value in (payment.track_id, payment.payment_id, payment.result_code, "110.000", f"Result: {word}"):
        assert value in text
    assert format_kuwait_time(payment.paid_at or payment.closed_at) in text
    mails = [mail for mail in app.extensions["email"].sent if reference in mail[2]]
    assert mails == [(user.email, f"Tameen: payment for request {reference}", text)]


def test_no_e_mail_without_an_address(app, client, user):
    user.email = None
    user.save()
    reference = frozen_request(client)
    pay_and_choose(client, reference, "decline")
    assert [text for text in sms_to(user.mobile) if reference in text]
    assert not [mail for mail in app.extensions["email"].sent if reference in mail[2]]
