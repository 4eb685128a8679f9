"""The app paying through K-Net against the fake bank (tests/fakes/knet_bank.py), which
follows KNET's manual: its card page on its own port, its server posting the result to
/payments/notify and voiding the payment unless the answer is one `REDIRECT=` line, its
error URL, inquiry and refund answers."""

import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from gateways.payments.knet import decrypt_trandata, parse_pairs
from models import InsuranceRequest, Payment, Receipt, Refund
from services import payments
from tests.fakes.knet_bank import (
    PASSWORD,
    RESOURCE_KEY,
    TRANPORTAL_ID,
    BankPayment,
    KnetBank,
    query_of,
    through_test_client,
)
from tests.helpers import (
    PAID_TOTAL,
    approve,
    ask_refund,
    form_post,
    frozen_request,
    make_app,
    make_staff,
    register_and_login,
    sms_to,
    staff_login,
    stored,
)


@pytest.fixture
def bank():
    fake = KnetBank().serve_in_thread()
    yield fake
    fake.stop()


def knet_app(tmp_path, bank, **settings):
    app = make_app(
        tmp_path,
        PAYMENT_GATEWAY="knet",
        KNET_TRANPORTAL_ID=TRANPORTAL_ID,
        KNET_PASSWORD=PASSWORD,
        KNET_RESOURCE_KEY=RESOURCE_KEY,
        KNET_GATEWAY_URL=bank.url,
        KNET_TIMEOUT="5",
        **settings,
    )
    bank.deliver = through_test_client(app.test_client())  # the bank's server: no cookies of the person's
    return app


@pytest.fixture
def app(tmp_path, bank):
    return knet_app(tmp_path, bank)


def pay_at_bank(client, reference, bank) -> str:
    """Press Pay and open the bank's card page; the track id."""
    response = form_post(client, f"/requests/{reference}/pay")
    assert response.status_code == 303
    url = response.headers["Location"]
    assert url.startswith(bank.url + "/PaymentHTTP.htm?param=paymentInit&")
    fields = parse_pairs(decrypt_trandata(parse_qs(urlsplit(url).query)["trandata"][0], RESOURCE_KEY))
    assert fields["responseURL"] == "http://localhost/payments/notify"
    assert fields["errorURL"] == "http://localhost/payments/return" and fields["udf1"] == reference
    assert fields["langid"] == "EN"
    with urllib.request.urlopen(url, timeout=5) as page:
        assert 'id="bank-name"' in page.read().decode(), "the bank refused the payment"
    return fields["trackid"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# --- the Content-Security-Policy lets the Pay form reach the bank ----------------------


def test_form_action_allows_the_bank_origin_and_nothing_else_changes(app, client, user, bank, tmp_path):
    reference = frozen_request(client)
    csp = client.get(f"/requests/{reference}").headers["Content-Security-Policy"]
    origin = bank.url.rsplit("/kpg", 1)[0]
    assert f"form-action 'self' {origin};" in csp
    sandbox = make_app(tmp_path / "sandbox").test_client().get("/").headers["Content-Security-Policy"]
    assert "form-action 'self';" in sandbox
    assert csp.replace(f" {origin}", "") == sandbox  # every other directive as strict as before


# --- approve, decline, cancel -----------------------------------------------------------


def test_approve_the_notice_then_the_browser_on_the_receipt(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    next_url = bank.choose(track_id, "approve")
    notice = bank.notices[-1]
    assert (
        notice["status"] == 200
        and notice["answer"] == f"REDIRECT=http://localhost/payments/return?trackid={track_id}"
    )
    assert not bank.payments[track_id].voided and bank.inquiries == []  # the notice asked nothing
    payment = Payment.get()
    assert payment.state == "awaiting" and payment.result_code == "CAPTURED"
    arrival = client.get(path_of(next_url))  # the bank sends the browser where we said
    assert arrival.status_code == 303 and arrival.headers["Location"] == f"/requests/{reference}/receipt"
    payment = Payment.get()
    assert payment.state == "paid" and payment.gateway == "knet" and payment.result_code == "SUCCESS"
    assert payment.payment_id == bank.payments[track_id].payment_id
    assert payment.transaction_id == bank.payments[track_id].tranid
    assert bank.inquiries[-1]["transid"] == track_id  # asked before marking paid
    assert stored(reference).state == "paid" and Receipt.select().count() == 1
    assert any(reference in text for text in sms_to(user.mobile))
    page = client.get(f"/requests/{reference}/receipt").text
    assert payment.payment_id in page and "Test payment" not in page


def test_decline_then_a_new_track_id_then_approve(client, user, bank):
    reference = frozen_request(client)
    first = pay_at_bank(client, reference, bank)
    next_url = bank.choose(first, "decline")
    assert next_url == f"http://localhost/payments/return?trackid={first}"  # told there, then the request
    assert Payment.get().state == "failed"
    assert "The bank declined the payment" in client.get(path_of(next_url), follow_redirects=True).text
    assert bank.inquiries == []  # signed: no need to ask
    second = pay_at_bank(client, reference, bank)
    assert second != first and bank.track_ids_seen == [first, second]
    client.get(path_of(bank.choose(second, "approve")))
    assert stored(reference).state == "paid"
    assert sorted(p.state for p in Payment.select()) == ["failed", "paid"]


def test_cancel_comes_back_on_the_error_url_and_is_checked_with_the_bank(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    back = bank.choose(track_id, "cancel")
    assert back.startswith("http://localhost/payments/return?")
    assert query_of(back)["Error"] == "IPAY0100048"
    arrival = client.get(path_of(back))
    assert arrival.headers["Location"] == f"/requests/{reference}"
    assert Payment.get().state == "cancelled" and bank.inquiries[-1]["transid"] == track_id
    assert "The payment was cancelled" in client.get(f"/requests/{reference}").text


def test_the_older_flow_brings_the_result_with_the_browser(tmp_path, bank):
    app = knet_app(tmp_path, bank, KNET_RESULT_DELIVERY="browser")
    bank.flow = "browser"
    client = app.test_client()
    register_and_login(client)
    reference = frozen_request(client)
    response = form_post(client, f"/requests/{reference}/pay")
    with urllib.request.urlopen(response.headers["Location"], timeout=5):
        pass
    track_id = bank.track_ids_seen[-1]
    assert bank.payments[track_id].response_url == "http://localhost/payments/return"
    back = bank.choose(track_id, "approve")
    assert "trandata=" in back and bank.notices == []
    assert client.get(path_of(back)).headers["Location"] == f"/requests/{reference}/receipt"


# --- what the notification address answers ----------------------------------------------


def test_a_wrong_answer_makes_the_bank_void_the_payment(client, user, bank):
    """The fake holds us to the manual: anything but one REDIRECT= line voids the
    payment and sends the browser to the error URL with IPAY0100249."""
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    bank.deliver = lambda url, body, timeout, *kind: (303, "text/html", "")
    back = bank.choose(track_id, "approve")
    assert query_of(back)["Error"] == "IPAY0100249" and bank.payments[track_id].voided
    client.get(path_of(back))
    assert Payment.get().state == "failed" and stored(reference).state == "awaiting_payment"


@pytest.mark.parametrize(
    "body",
    [
        {"trandata": "00" * 40},
        {"trandata": "not hex at all"},
        {"paymentid": "1"},
        {},
        b"",
        b"0123456789ABCDEF" * 3,
        b"<xml>nonsense</xml>",
    ],
)
def test_the_notice_answers_one_redirect_line_to_anything(app, body):
    bank_server = app.test_client()
    kind = "text/plain" if isinstance(body, bytes) else "application/x-www-form-urlencoded"
    answer = bank_server.post("/payments/notify", data=body, content_type=kind)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert answer.text == "REDIRECT=http://localhost/payments/problem"
    assert app.test_client().get("/payments/problem").status_code == 200


def test_the_notice_takes_a_bare_hex_body(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    trandata = bank.decide(track_id, "NOT CAPTURED")["trandata"]
    answer = client.application.test_client().post(
        "/payments/notify", data=trandata, content_type="text/plain"
    )
    assert answer.text == f"REDIRECT=http://localhost/payments/return?trackid={track_id}"
    assert Payment.get().state == "failed"


def test_an_unreadable_notice_naming_our_payment_sends_the_browser_to_ask(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    answer = client.application.test_client().post(
        "/payments/notify", data={"trandata": "00" * 32, "trackid": track_id, "Error": "IPAY0100013"}
    )
    assert answer.text == f"REDIRECT=http://localhost/payments/return?trackid={track_id}"
    assert Payment.get().state == "awaiting"


def test_an_oversized_or_failing_notice_still_gets_its_line(app, client, user, bank, monkeypatch):
    server = app.test_client()
    big = server.post("/payments/notify", data={"trandata": "A" * (300 * 1024)})
    assert big.status_code == 200 and big.text == "REDIRECT=http://localhost/payments/problem"
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)

    def broken(params):
        raise RuntimeError("the database is away")

    monkeypatch.setattr(payments, "take_notice", broken)
    answer = server.post("/payments/notify", data={**bank.decide(track_id)})
    assert answer.status_code == 200
    assert answer.text == f"REDIRECT=http://localhost/payments/return?trackid={track_id}"


def test_tampered_and_wrong_amount_notices(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    server = client.application.test_client()
    trandata = bank.decide(track_id)["trandata"]
    # The last byte changed (to "00", or "11" when it was "00": one run in 256), or cut off.
    changed = trandata[:-2] + ("11" if trandata.endswith("00") else "00")
    for bad in (changed, trandata[:-32]):
        assert server.post("/payments/return", data={"trandata": bad}).status_code == 400
        answer = server.post("/payments/notify", data={"trandata": bad})
        assert answer.text == "REDIRECT=http://localhost/payments/problem"
    assert Payment.get().state == "awaiting"
    server.post("/payments/notify", data=bank.decide(track_id, amt="1.000"))
    payment = Payment.get()
    assert payment.state == "mismatch" and f"{PAID_TOTAL} fils" in payment.note
    assert stored(reference).state == "awaiting_payment"


def test_unknown_track_id(client, user, bank):
    frozen_request(client)
    track_id = "123"  # a payment the bank knows and we never started
    bank.payments[track_id] = BankPayment(
        track_id=track_id, payment_id="1", amt="110.000", langid="EN", response_url="", error_url="", udf={}
    )
    server = client.application.test_client()
    assert server.post("/payments/return", data=bank.decide(track_id)).status_code == 400
    assert (
        server.post("/payments/notify", data=bank.decide(track_id)).text
        == "REDIRECT=http://localhost/payments/problem"
    )


# --- asking the bank, sparingly -----------------------------------------------------------


def test_a_clear_track_id_asks_the_bank_at_most_once_in_30_seconds(client, user, bank, clock):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    stranger = client.application.test_client()
    for _ in range(10):
        assert stranger.get(f"/payments/return?trackid={track_id}").status_code == 200
    assert len(bank.inquiries) == 1
    assert Payment.get().state == "awaiting"  # not known to the bank yet: the person may be on its page
    clock.advance(seconds=31)
    stranger.get(f"/payments/return?trackid={track_id}")
    assert len(bank.inquiries) == 2
    client.get(path_of(bank.choose(track_id, "approve")))  # asked at its arrival, 0 s later: not yet
    clock.advance(seconds=31)
    client.get(f"/payments/return?trackid={track_id}")
    assert stored(reference).state == "paid" and len(bank.inquiries) == 3
    clock.advance(minutes=5)
    for _ in range(5):
        stranger.get(f"/payments/return?trackid={track_id}")
    assert len(bank.inquiries) == 3  # never about a paid payment


def test_the_error_url_cannot_cancel_a_payment_the_bank_captured(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    bank.decide(track_id)  # captured; the notice was lost, then a forged "cancel" arrives
    client.get(
        "/payments/return",
        query_string={"trackid": track_id, "Error": "IPAY0100048", "ErrorText": "Cancelled by the user"},
    )
    assert Payment.get().state == "paid" and stored(reference).state == "paid"


# --- reconcile ----------------------------------------------------------------------------


def reconcile(app, exit_code: int = 0) -> str:
    """What the command printed; it exits 1 when the gateway answered an inquiry with no result."""
    result = app.test_cli_runner().invoke(args=["reconcile-payments"])
    assert result.exit_code == exit_code, result.output
    return result.output


def test_the_browser_never_came_back_and_reconcile_settles_it(app, client, user, bank, clock):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    bank.choose(track_id, "approve")  # the notice came; the browser did not
    assert stored(reference).state == "awaiting_payment"
    clock.advance(minutes=5)
    assert "1 paid" in reconcile(app)
    assert stored(reference).state == "paid" and Receipt.select().count() == 1


def test_bank_down_at_the_arrival_then_reconciled(app, client, user, bank, clock):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    next_url = bank.choose(track_id, "approve")
    bank.down = True
    assert client.get(path_of(next_url)).headers["Location"] == f"/requests/{reference}"
    assert "waiting for the bank to confirm" in client.get(f"/requests/{reference}").text
    bank.down = False
    clock.advance(minutes=5)
    assert "1 paid" in reconcile(app) and stored(reference).state == "paid"


def test_a_late_capture_is_found_by_reconcile_and_shown_at_the_desk(app, client, user, bank, clock):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    bank.choose(track_id, "decline")
    bank.capture_late(track_id)  # the bank captures it after all
    clock.advance(minutes=5)
    assert "1 captured late" in reconcile(app)
    assert stored(reference).state == "paid"
    staff = make_staff(app, role="admin")
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, staff).status_code == 302
    home = desk.get("/desk/").text
    assert "Payments captured late" in home and track_id in home
    assert "Captured late" in desk.get(f"/desk/requests/{reference}").text


# --- refunds ------------------------------------------------------------------------------


def paid_through_knet(client, bank) -> str:
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    client.get(path_of(bank.choose(track_id, "approve")))
    assert stored(reference).state == "paid"
    return reference


def test_refund_through_the_bank(app, client, user, bank, clock):
    reference = paid_through_knet(client, bank)
    assert ask_refund(client, reference).status_code == 303
    staff = make_staff(app)
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    staff_login(desk, staff)
    refund = Refund.get()
    assert approve(desk, refund).status_code == 303
    assert Refund.get().state == "refunded" and InsuranceRequest.get().state == "refunded"
    track_id = Payment.get().track_id
    assert bank.payments[track_id].refunds == ["110.000"]


def test_a_refused_refund_shows_the_bank_code_and_wording_at_the_desk(app, client, user, bank, clock):
    reference = paid_through_knet(client, bank)
    ask_refund(client, reference)
    bank.payments[Payment.get().track_id].refunds.append("110.000")  # refunded once at the bank already
    staff = make_staff(app)
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    staff_login(desk, staff)
    refund = Refund.get()
    approve(desk, refund)
    refund = Refund.get()
    assert refund.state == "requested"
    assert refund.last_error == (
        "The gateway declined the refund: IPAY0100137: Credit Amount Greater Than Authorised Amount."
    )
    assert (
        "IPAY0100137: Credit Amount Greater Than Authorised Amount"
        in desk.get(f"/desk/refunds/{refund.id}").text
    )
    assert Payment.get().refunded_fils == 0  # given back to count: the bank refused it


# --- the notice's Content-Type, a cancel the bank does not know, inquiry errors (issue 26) ---


@pytest.mark.parametrize("notice_as", ["form", "hex"])
def test_the_notice_as_a_form_or_a_bare_hex_body_without_content_type(client, user, bank, notice_as):
    bank.notice_as = notice_as
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    next_url = bank.choose(track_id, "approve")
    assert not bank.payments[track_id].voided
    assert next_url == f"http://localhost/payments/return?trackid={track_id}"
    assert client.get(path_of(next_url)).headers["Location"] == f"/requests/{reference}/receipt"
    assert stored(reference).state == "paid"


def test_a_form_notice_without_a_form_content_type_is_still_read(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    body = urlencode(bank.decide(track_id, "NOT CAPTURED"))
    for kind in (None, "text/plain"):
        answer = client.application.test_client().post(
            "/payments/notify", data=body, headers={"Content-Type": kind} if kind else {}
        )
        # not the problem page: on to where the browser's arrival tells the person
        assert answer.text == f"REDIRECT=http://localhost/payments/return?trackid={track_id}"
    assert Payment.get().state == "failed"


def test_a_cancel_the_bank_does_not_know_is_not_shown_as_waiting(client, user, bank):
    bank.cancel_known = False
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    back = bank.choose(track_id, "cancel")
    assert client.get(path_of(back)).headers["Location"] == f"/requests/{reference}"
    page = client.get(f"/requests/{reference}").text
    assert "waiting for the bank to confirm" not in page and "The payment was cancelled" in page


def test_inquiry_errors_for_a_day_close_the_payment_and_the_desk_shows_it(app, client, user, bank, clock):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference, bank)
    bank.inquiry_answer = (
        "<result>!ERROR!-IPAY0100015-Invalid tranportal password</result>"
        "<error_code_tag>IPAY0100015</error_code_tag>"
    )
    clock.advance(hours=23)
    assert "1 awaiting, 1 inquiry failed" in reconcile(app, exit_code=1)
    clock.advance(hours=1, minutes=1)
    assert "1 failed, 1 inquiry failed" in reconcile(app, exit_code=1)
    payment = Payment.get()
    assert payment.state == "failed" and payment.result_code == "IPAY0100015" and payment.track_id == track_id
    staff = make_staff(app, role="admin")
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    staff_login(desk, staff)
    home = desk.get("/desk/").text
    assert "Payments closed after inquiry errors" in home and track_id in home and "IPAY0100015" in home
    page = client.get(f"/requests/{reference}").text
    assert "The bank declined the payment" in page and "waiting for the bank" not in page
