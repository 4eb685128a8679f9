"""Paying a request through the sandbox bank: approve, decline, cancel, tampered and
replayed results, double clicks, lost returns settled by reconcile-payments, races,
receipts and the public check behind the QR code."""

import re
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from gateways.payments.sandbox_books import SandboxPayment
from models import InsuranceRequest, Payment, Receipt
from tests.helpers import (
    ADULT,
    PAID_TOTAL,
    SECOND,
    civil_id_for,
    fill_until_check,
    form_post,
    frozen_request,
    make_app,
    mobile_for,
    paid_request,
    person,
    register_and_login,
    sms_to,
    start_request,
    stored,
)


def pay(client, reference) -> str:
    """Press Pay; the sandbox bank's page address."""
    response = form_post(client, f"/requests/{reference}/pay")
    assert response.status_code == 303, response.text
    assert response.headers["Location"].startswith("/sandbox-bank/pay/")
    return response.headers["Location"]


def choose(client, bank_page: str, choice: str) -> str:
    """Answer on the sandbox bank's page; the return address with the signed result."""
    page = client.get(bank_page)
    assert page.status_code == 200
    response = form_post(client, urlsplit(bank_page).path, {"choice": choice})
    assert response.status_code == 303
    return response.headers["Location"]


def come_back(client, result_url: str, status: int = 303):
    response = client.get(result_url)
    assert response.status_code == status, response.text
    return response


def signed_result(app, **changes) -> dict:
    """A result with fields changed and signed with the sandbox bank's own key."""
    bank = app.extensions["payment_gateway"]
    fields = {
        "track_id": "",
        "payment_id": "",
        "result": "CAPTURED",
        "amount_fils": str(PAID_TOTAL),
        "auth": "123456",
        "ref": "000000000001",
        "tran_id": "1",
        **changes,
    }
    return {**fields, "signature": bank.sign(fields)}


def test_request_page_offers_to_pay_the_frozen_amount(client, user):
    reference = frozen_request(client)
    page = client.get(f"/requests/{reference}")
    assert "Pay KWD\u00a0110.000" in page.text
    assert f'action="/requests/{reference}/pay"' in page.text
    assert 'data-state="awaiting_payment"' in client.get("/requests").text


def test_sandbox_banner_and_test_bank_page(client, user):
    reference = frozen_request(client)
    assert "Sandbox: test payments, no real money." in client.get("/?lang=en").text
    bank = client.get(pay(client, reference))
    assert "TEST bank" in bank.text and "Do not enter any card details" in bank.text
    assert "KWD\u00a0110.000" in bank.text and reference in bank.text
    assert 'name="choice" value="approve"' in bank.text


def test_approve_marks_paid_with_receipt_and_sms(client, user):
    reference = frozen_request(client)
    back = come_back(client, choose(client, pay(client, reference), "approve"))
    assert back.headers["Location"] == f"/requests/{reference}/receipt"
    request = stored(reference)
    assert request.state == "paid"
    payment = Payment.get(Payment.request == request)
    assert payment.state == "paid" and payment.amount_fils == PAID_TOTAL and payment.open_for is None
    assert payment.result_code == "CAPTURED" and payment.auth_code and payment.payment_id
    assert payment.reference_number and payment.transaction_id and payment.paid_at
    assert "signature" not in payment.raw_result
    assert Receipt.get(Receipt.request == request).payment_id == payment.id
    texts = sms_to(user.mobile)
    assert any(reference in text and "KWD\u00a0110.000" in text for text in texts)
    listing = client.get("/requests")
    assert "Paid" in listing.text and f"/requests/{reference}/receipt" in listing.text
    show = client.get(f"/requests/{reference}")
    assert "View and print the receipt" in show.text and "/pay" not in show.text


def test_decline_leaves_the_request_awaiting_and_a_new_try_has_a_new_track_id(client, user):
    reference = frozen_request(client)
    first = pay(client, reference)
    back = come_back(client, choose(client, first, "decline"))
    assert back.headers["Location"] == f"/requests/{reference}"
    assert stored(reference).state == "awaiting_payment"
    declined = Payment.get(Payment.request == stored(reference))
    assert declined.state == "failed" and declined.result_code == "NOT CAPTURED"
    page = client.get(f"/requests/{reference}")
    assert "The bank declined the payment" in page.text and "Pay KWD" in page.text
    second = pay(client, reference)
    assert second != first
    tries = list(Payment.select().where(Payment.request == stored(reference)).order_by(Payment.id))
    assert len(tries) == 2 and tries[0].track_id != tries[1].track_id
    come_back(client, choose(client, second, "approve"))
    assert stored(reference).state == "paid"


def test_cancel(client, user):
    reference = frozen_request(client)
    come_back(client, choose(client, pay(client, reference), "cancel"))
    assert stored(reference).state == "awaiting_payment"
    assert Payment.get(Payment.request == stored(reference)).state == "cancelled"
    assert "The payment was cancelled" in client.get(f"/requests/{reference}").text
    told = [text for text in sms_to(user.mobile) if reference in text]  # once, with the manual's fields
    track_id = Payment.get().track_id
    assert len(told) == 1 and "cancelled" in told[0] and track_id in told[0] and "110.000" in told[0]


@pytest.mark.parametrize(
    "change",
    [
        {"amount_fils": "1000"},
        {"track_id": "x"},
        {"signature": "0" * 64},
        {"signature": ""},
        {"auth": "999999"},
    ],
)
def test_tampered_results_are_refused(client, user, change):
    reference = frozen_request(client)
    result_url = choose(client, pay(client, reference), "decline")
    parts = urlsplit(result_url)
    fields = {name: values[0] for name, values in parse_qs(parts.query).items()}
    fields.update(result="CAPTURED", **change)
    refused = come_back(client, f"{parts.path}?{urlencode(fields)}", status=400)
    assert "could not read the bank" in refused.text
    assert stored(reference).state == "awaiting_payment"
    assert Payment.get(Payment.request == stored(reference)).state == "awaiting"


def test_signed_result_with_the_wrong_amount_is_a_mismatch(app, client, user):
    reference = frozen_request(client)
    pay(client, reference)
    payment = Payment.get(Payment.request == stored(reference))
    come_back(
        client,
        "/payments/return?" + urlencode(signed_result(app, track_id=payment.track_id, amount_fils="1000")),
    )
    payment = Payment.get_by_id(payment.id)
    assert payment.state == "mismatch" and "1000 fils" in payment.note
    assert stored(reference).state == "awaiting_payment"
    assert "We could not confirm your last payment" in client.get(f"/requests/{reference}").text


def test_bank_books_with_another_amount_are_a_mismatch(client, user):
    """The signed result and our record agree, but the bank's inquiry does not."""
    reference = frozen_request(client)
    result_url = choose(client, pay(client, reference), "approve")
    SandboxPayment.update(amount_fils=PAID_TOTAL - 1).execute()
    come_back(client, result_url)
    payment = Payment.get(Payment.request == stored(reference))
    assert payment.state == "mismatch" and str(PAID_TOTAL - 1) in payment.note
    assert stored(reference).state == "awaiting_payment" and Receipt.select().count() == 0


def test_captured_claim_the_bank_does_not_confirm_is_a_mismatch(app, client, user):
    reference = frozen_request(client)
    pay(client, reference)  # never answered on the bank's page
    payment = Payment.get(Payment.request == stored(reference))
    come_back(client, "/payments/return?" + urlencode(signed_result(app, track_id=payment.track_id)))
    assert Payment.get_by_id(payment.id).state == "mismatch"
    assert stored(reference).state == "awaiting_payment"


def test_unknown_track_id_is_refused(app, client, user):
    frozen_request(client)
    come_back(client, "/payments/return?" + urlencode(signed_result(app, track_id="404")), status=400)


def test_a_track_id_in_another_browser_shows_a_page_that_names_nothing(client, user):
    reference = paid_request(client)
    track_id = Payment.get().track_id
    stranger = client.application.test_client()
    answer = stranger.get(f"/payments/return?trackid={track_id}&lang=en")
    assert answer.status_code == 200 and "Payment received" in answer.text
    assert reference not in answer.text and user.civil_id not in answer.text
    mine = client.get(f"/payments/return?trackid={track_id}")
    assert mine.headers["Location"] == f"/requests/{reference}/receipt"


def test_an_unpaid_track_id_in_another_browser_says_so(client, user):
    reference = frozen_request(client)
    choose(client, pay(client, reference), "decline")
    track_id = Payment.get().track_id
    answer = client.application.test_client().get(f"/payments/return?trackid={track_id}&lang=en")
    assert answer.status_code == 200 and "This payment is not marked as paid." in answer.text
    assert reference not in answer.text


def test_the_return_address_is_rate_limited_per_address(client, user, clock):
    reference = frozen_request(client)
    pay(client, reference)
    track_id = Payment.get().track_id
    stranger = client.application.test_client()
    answers = [stranger.get(f"/payments/return?trackid={track_id}").status_code for _ in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429
    clock.advance(minutes=16)
    assert stranger.get(f"/payments/return?trackid={track_id}").status_code == 200


def test_the_paying_browser_is_never_held_by_the_return_addresss_limit(client, user):
    reference = frozen_request(client)
    pay(client, reference)
    track_id = Payment.get().track_id
    answers = [client.get(f"/payments/return?trackid={track_id}").status_code for _ in range(40)]
    assert answers == [303] * 40


def test_replayed_result_pays_and_records_once(client, user):
    reference = frozen_request(client)
    result_url = choose(client, pay(client, reference), "approve")
    for _ in range(3):
        assert come_back(client, result_url).headers["Location"] == f"/requests/{reference}/receipt"
    assert Payment.select().count() == 1 and Receipt.select().count() == 1
    assert sum(reference in text for text in sms_to(user.mobile)) == 1
    # A second answer on the bank's page changes nothing either.
    assert client.get(result_url).status_code == 303
    assert Payment.get().state == "paid"


def test_replayed_decline_after_paying_changes_nothing(client, user):
    reference = frozen_request(client)
    declined = choose(client, pay(client, reference), "decline")
    come_back(client, declined)
    come_back(client, choose(client, pay(client, reference), "approve"))
    come_back(client, declined)
    assert stored(reference).state == "paid"
    assert sorted(p.state for p in Payment.select()) == ["failed", "paid"]


def test_a_double_press_goes_to_the_same_bank_page(client, user, clock):
    """Pay is clickable once: a second press while the first try is being opened sends
    the browser to the same bank page, with the same track id."""
    reference = frozen_request(client)
    first = pay(client, reference)
    clock.advance(seconds=20)
    assert pay(client, reference) == first
    assert Payment.select().count() == 1 and SandboxPayment.select().count() == 1


def test_a_press_after_a_while_is_a_new_try_and_closes_the_one_before(client, user, clock):
    """A bank must never see a track id twice: a press once the first try is no longer
    being opened makes a new try, the first closed (after asking the bank about it),
    never taken up again."""
    reference = frozen_request(client)
    first = pay(client, reference)
    clock.advance(minutes=3)
    second = pay(client, reference)
    assert first != second
    tries = list(Payment.select().order_by(Payment.id))
    assert [p.state for p in tries] == ["cancelled", "awaiting"]
    assert tries[0].track_id != tries[1].track_id and SandboxPayment.select().count() == 2
    assert all(len(p.track_id) <= 19 and p.track_id.isdigit() for p in tries)
    result_url = choose(client, second, "approve")
    assert choose(client, second, "decline") == result_url  # the first answer stands
    come_back(client, result_url)
    come_back(client, result_url)
    assert stored(reference).state == "paid" and Receipt.select().count() == 1
    # Pay on a paid request goes to the receipt.
    again = form_post(client, f"/requests/{reference}/pay")
    assert again.headers["Location"] == f"/requests/{reference}/receipt"


def test_a_closed_try_paid_after_all_in_its_tab_pays_the_request(client, user, clock):
    reference = frozen_request(client)
    first_tab = pay(client, reference)
    clock.advance(minutes=3)
    pay(client, reference)  # a second tab, later: the first try is closed
    clock.advance(minutes=1)
    come_back(client, choose(client, first_tab, "approve"))  # the bank signs its capture
    first = Payment.get(Payment.id == 1)
    assert first.state == "paid" and "Captured late" in first.note
    assert stored(reference).state == "paid" and Receipt.get().payment_id == first.id


def test_an_open_try_for_another_amount_is_never_taken_up(client, user):
    reference = frozen_request(client)
    pay(client, reference)
    InsuranceRequest.update(total_fils=PAID_TOTAL + 5000).execute()  # the total changed meanwhile
    pay(client, reference)
    tries = list(Payment.select().order_by(Payment.id))
    assert [(p.state, p.amount_fils) for p in tries] == [
        ("cancelled", PAID_TOTAL),
        ("awaiting", PAID_TOTAL + 5000),
    ]


def reconcile(app) -> str:
    result = app.test_cli_runner().invoke(args=["reconcile-payments"])
    assert result.exit_code == 0, result.output
    return result.output


def test_lost_return_is_settled_by_reconcile(app, client, user, clock):
    reference = frozen_request(client)
    choose(client, pay(client, reference), "approve")  # the tab closes before coming back
    assert stored(reference).state == "awaiting_payment"
    assert "none" in reconcile(app)  # too fresh: the browser may still come back
    clock.advance(minutes=5)
    assert "1 paid" in reconcile(app)
    assert stored(reference).state == "paid" and Receipt.select().count() == 1
    assert "none" in reconcile(app)  # idempotent, safe from cron
    assert sum(reference in text for text in sms_to(user.mobile)) == 1


def test_reconcile_closes_payments_nobody_finished(app, client, user, clock):
    reference = frozen_request(client)
    pay(client, reference)
    clock.advance(minutes=10)
    assert "1 awaiting" in reconcile(app)  # still on the bank's page, perhaps
    clock.advance(hours=2)
    assert "1 cancelled" in reconcile(app)
    assert stored(reference).state == "awaiting_payment"


def test_an_old_unfinished_payment_is_asked_about_before_paying_again(client, user, clock):
    reference = frozen_request(client)
    bank_page = pay(client, reference)
    clock.advance(minutes=20)
    choose(client, bank_page, "approve")  # answered, but the return was lost
    assert (
        form_post(client, f"/requests/{reference}/pay").headers["Location"]
        == f"/requests/{reference}/receipt"
    )
    assert Payment.select().count() == 1 and stored(reference).state == "paid"


def test_gateway_down_leaves_the_payment_awaiting(app, client, user, clock, monkeypatch):
    from gateways.payments import GatewayUnavailable

    reference = frozen_request(client)
    result_url = choose(client, pay(client, reference), "approve")
    bank = app.extensions["payment_gateway"]

    def down(*args):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(bank, "inquire", down)
    assert come_back(client, result_url).headers["Location"] == f"/requests/{reference}"
    assert Payment.get().state == "awaiting"
    assert "waiting for the bank to confirm" in client.get(f"/requests/{reference}").text
    monkeypatch.undo()
    clock.advance(minutes=5)
    assert "1 paid" in reconcile(app)


def test_late_capture_of_a_closed_payment_when_another_paid_is_kept_for_refund(app, client, user, clock):
    reference = frozen_request(client)
    old_page = pay(client, reference)
    clock.advance(hours=2)
    assert "1 cancelled" in reconcile(app)
    come_back(client, choose(client, pay(client, reference), "approve"))
    clock.advance(minutes=1)
    come_back(client, choose(client, old_page, "approve"))  # the first tab, answered at last
    states = sorted(p.state for p in Payment.select())
    assert states == ["mismatch", "paid"]
    assert "refund" in Payment.get(Payment.state == "mismatch").note
    assert Receipt.select().count() == 1


def test_notice_from_the_gateway_needs_no_csrf_and_is_authenticated_by_signature(app, client, user):
    """The notice never asks the bank (it waits for our answer): a signed capture sends
    the browser where its arrival asks; the receipt follows."""
    reference = frozen_request(client)
    result_url = choose(client, pay(client, reference), "approve")
    fields = {name: values[0] for name, values in parse_qs(urlsplit(result_url).query).items()}
    server = app.test_client()  # the bank's server: no session, no CSRF token
    forged = server.post("/payments/notify", data={**fields, "amount_fils": "1"})
    assert forged.status_code == 200 and forged.text == "REDIRECT=http://localhost/payments/problem"
    assert stored(reference).state == "awaiting_payment"
    answer = server.post("/payments/notify", data=fields)
    payment = Payment.get()
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert answer.text == f"REDIRECT=http://localhost/payments/return?trackid={payment.track_id}"
    assert payment.state == "awaiting" and payment.result_code == "CAPTURED"
    assert payment.last_asked_at is None  # not asked yet
    arrival = come_back(client, answer.text.partition("=")[2])
    assert arrival.headers["Location"] == f"/requests/{reference}/receipt"
    assert stored(reference).state == "paid"
    assert (
        server.post("/payments/notify", data=fields).text
        == f"REDIRECT=http://localhost/requests/{reference}/receipt"
    )  # a replay, once paid
    come_back(client, result_url)  # the browser's own return, later still
    assert Receipt.select().count() == 1 and Payment.get().state == "paid"


def test_notice_racing_the_browser_return(app, client, user):
    reference = frozen_request(client)
    result_url = choose(client, pay(client, reference), "approve")
    fields = {name: values[0] for name, values in parse_qs(urlsplit(result_url).query).items()}
    start = threading.Barrier(4)
    answers = []

    def notice():
        start.wait()
        answers.append(app.test_client().post("/payments/notify", data=fields).status_code)

    def browser():
        start.wait()
        answers.append(app.test_client().get(result_url).status_code)

    threads = [threading.Thread(target=target) for target in (notice, browser, notice, browser)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4  # the notice's line; the browsers, without the session, a page
    assert stored(reference).state == "paid"
    assert Payment.get().state == "paid" and Receipt.select().count() == 1
    assert sum(reference in text for text in sms_to(user.mobile)) == 1


def test_pay_needs_the_owner_and_a_csrf_token(app, client, user):
    reference = frozen_request(client)
    assert client.post(f"/requests/{reference}/pay").status_code == 400  # no token
    stranger = app.test_client()
    register_and_login(stranger, civil_id_for(2), mobile_for(2))
    assert form_post(stranger, f"/requests/{reference}/pay").status_code == 404
    assert Payment.select().count() == 0
    anonymous = app.test_client()
    assert "/login" in form_post(anonymous, f"/requests/{reference}/pay").headers["Location"]


def test_someone_elses_receipt_is_a_404(app, client, user):
    reference = paid_request(client)
    stranger = app.test_client()
    register_and_login(stranger, civil_id_for(2), mobile_for(2))
    assert stranger.get(f"/requests/{reference}/receipt").status_code == 404
    assert stranger.get("/requests/TM-2222-2222/receipt").status_code == 404
    assert "/login" in app.test_client().get(f"/requests/{reference}/receipt").headers["Location"]


def test_no_receipt_before_paying(client, user):
    reference = frozen_request(client)
    response = client.get(f"/requests/{reference}/receipt")
    assert response.status_code == 302 and response.headers["Location"] == f"/requests/{reference}"


def test_receipt_contents(client, user, clock):
    reference = frozen_request(client)
    come_back(client, choose(client, pay(client, reference), "approve"))
    payment = Payment.get()
    page = client.get(f"/requests/{reference}/receipt?lang=en").text
    for expected in (
        reference,
        payment.payment_id,
        payment.track_id,
        payment.auth_code,
        payment.reference_number,
        "KWD\u00a0110.000",
        "Ali",
        "Mona",
        ADULT,
        "Test payment",
        "Sponsor",
    ):
        assert expected in page, expected
    assert "11:00" in page  # paid at 08:00 UTC: 11:00 in Kuwait
    assert re.search(r"Number of years</dt><dd>2<", page)
    # The seed schedule's title and date are not official: residents never see them.
    assert "seed article" not in page and "placeholder" not in page
    assert '<svg width="' in page and 'class="qr-code"' in page
    code = Receipt.get().verify_code
    assert f"http://localhost/verify/{code}" in page
    assert "style=" not in page  # the CSP forbids style attributes
    arabic = client.get(f"/requests/{reference}/receipt?lang=ar").text
    assert 'dir="rtl"' in arabic and payment.track_id in arabic


def test_verify_page_shows_masked_data_only(app, client, user):
    """An official matches the person by the reference and the civil ID's last 4 digits;
    nothing else personal is shown."""
    reference = paid_request(client)
    receipt = Receipt.get()
    page = app.test_client().get(f"/verify/{receipt.verify_code}?lang=en")  # anyone
    assert page.status_code == 200 and page.headers["X-Robots-Tag"] == "noindex"
    assert "Paid" in page.text and "KWD\u00a0110.000" in page.text
    assert f'<bdi class="id">{reference}</bdi>' in page.text
    for covered in stored(reference).covered():
        assert f'<bdi class="id">••••••••{covered.civil_id[-4:]}</bdi>' in page.text
        assert covered.civil_id not in page.text and covered.civil_id[:8] not in page.text
    for secret in (ADULT, "Sponsor", Payment.get().track_id, user.civil_id):
        assert secret not in page.text, secret
    assert app.test_client().get("/verify/not-a-code-at-all-000").status_code == 404
    assert app.test_client().get("/verify/x").status_code == 404


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_verify_page_shows_each_persons_cover_category_and_masked_name(app, client, user, lang):
    """The official sees what the payment covers: the period, the category with its
    article, and a name they can match: first name, an initial, the family name whole."""
    reference = start_request(client)
    people = {
        **person(0, ADULT, "يوسف خالد أحمد النجار"),
        **person(1, SECOND, "Mona Khalid Alenezi", "domestic_worker"),
    }
    fill_until_check(client, reference, people=people)
    bank = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    client.get(back.headers["Location"])
    start, end = stored(reference).cover_period()
    page = app.test_client().get(f"/verify/{Receipt.get().verify_code}?lang={lang}").text
    assert "يوسف خ. النجار" in page and "Mona K. Alenezi" in page
    assert "أحمد" not in page and "Khalid" not in page and "خالد" not in page
    for day in (start, end):
        assert f'<bdi class="id">{day:%d/%m/%Y}</bdi>' in page
    assert ("(مادة 20)" if lang == "ar" else "(Art. 20)") in page
    assert ("مادة 17 أو 18" if lang == "ar" else "Art. 17 or 18") in page
    assert ("مدة التغطية" if lang == "ar" else "Cover period") in page


def test_verify_page_after_a_refund_says_refunded(app, client, user):
    paid_request(client)
    InsuranceRequest.update(state="refunded").execute()
    page = app.test_client().get(f"/verify/{Receipt.get().verify_code}?lang=en")
    assert "Refunded" in page.text and "no longer pays for anyone" in page.text
    assert "verify-paid" not in page.text


def test_exempt_request_is_paid_without_payment(tmp_path):
    app = make_app(tmp_path, FEE_SCHEDULE="decision-306-2025")
    client = app.test_client()
    register_and_login(client, civil_id_for(1), mobile_for(1))
    client.get("/?lang=en")
    reference = frozen_request(client, people=person(0, ADULT, "Huda", "kuwaiti_wife"), years="1")
    request = stored(reference)
    assert request.state == "paid" and request.total_fils == 0
    assert Payment.select().count() == 0 and Receipt.get().payment is None
    show = client.get(f"/requests/{reference}").text
    assert "Nothing to pay" in show and "Pay KWD" not in show
    receipt = client.get(f"/requests/{reference}/receipt").text
    assert "Request confirmed: nothing to pay" in receipt and reference in receipt


def test_sandbox_bank_pages_only_with_the_sandbox(tmp_path):
    from tests.fakes.knet_bank import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID

    app = make_app(
        tmp_path,
        PAYMENT_GATEWAY="knet",
        KNET_TRANPORTAL_ID=TRANPORTAL_ID,
        KNET_PASSWORD=PASSWORD,
        KNET_RESOURCE_KEY=RESOURCE_KEY,
        KNET_GATEWAY_URL="https://knet.invalid/kpg",
    )
    client = app.test_client()
    assert client.get("/sandbox-bank/pay/anything").status_code == 404
    assert "no real money" not in client.get("/?lang=en").text


def test_sandbox_bank_refuses_unknown_payments_and_choices(client, user):
    assert client.get("/sandbox-bank/pay/nothing-here").status_code == 404
    bank_page = pay(client, frozen_request(client))
    assert form_post(client, urlsplit(bank_page).path, {"choice": "steal"}).status_code == 400


@pytest.mark.parametrize(
    "choice, arabic, english",
    [("approve", "مقبولة", "approved"), ("decline", "مرفوضة", "declined"), ("cancel", "ملغاة", "cancelled")],
)
def test_the_test_bank_reads_its_answer_out_in_the_pages_language(client, choice, arabic, english):
    register_and_login(client)
    bank_page = pay(client, frozen_request(client))
    choose(client, bank_page, choice)
    answered = client.get(bank_page).text
    code = {"approve": "CAPTURED", "decline": "NOT CAPTURED", "cancel": "CANCELED"}[choice]
    assert f"{arabic}." in answered and f'<bdi class="id" lang="en">{code}</bdi>' in answered
    assert f"{english}." in client.get(urlsplit(bank_page).path + "?lang=en").text
