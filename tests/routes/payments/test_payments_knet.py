"""The app paying through the K-Net adapter, against the local fake bank."""
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from gateways.payments.knet import decrypt_trandata, parse_pairs
from models import InsuranceRequest, Payment, Receipt
from tests.helpers import PAID_TOTAL, form_post, frozen_request, make_app, sms_to, stored
from tests.knet_fake import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID, FakeKnet, error_url_params


@pytest.fixture
def bank():
    fake = FakeKnet()
    yield fake
    fake.stop()


@pytest.fixture
def app(tmp_path, bank):
    return make_app(tmp_path, PAYMENT_GATEWAY="knet", KNET_TRANPORTAL_ID=TRANPORTAL_ID,
                    KNET_PASSWORD=PASSWORD, KNET_RESOURCE_KEY=RESOURCE_KEY, KNET_GATEWAY_URL=bank.url)


def pay_at_bank(client, reference) -> str:
    """Press Pay and open the bank's page; the track id."""
    response = form_post(client, f"/requests/{reference}/pay")
    assert response.status_code == 303
    url = response.headers["Location"]
    assert url.startswith(f"{urlsplit(url).scheme}://127.0.0.1:") and "param=paymentInit" in url
    fields = parse_pairs(decrypt_trandata(parse_qs(urlsplit(url).query)["trandata"][0], RESOURCE_KEY))
    assert fields["responseURL"] == "http://localhost/payments/return" and fields["udf1"] == reference
    with urllib.request.urlopen(url, timeout=5) as page:
        assert page.status == 200
    return fields["trackid"]


def test_captured_payment(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    assert bank.payments[track_id]["amt"] == "110.000"
    # K-Net posts the result from its own site: no CSRF token, perhaps no session cookie.
    back = client.application.test_client().post("/payments/return", data=bank.complete(track_id))
    assert back.status_code == 303 and back.headers["Location"] == f"/requests/{reference}/receipt"
    payment = Payment.get()
    assert payment.state == "paid" and payment.gateway == "knet"
    assert payment.payment_id == bank.payments[track_id]["paymentid"]
    assert payment.transaction_id == bank.payments[track_id]["tranid"]
    assert bank.inquiries[-1]["transid"] == track_id  # asked before marking paid
    assert stored(reference).state == "paid" and Receipt.select().count() == 1
    assert any(reference in text for text in sms_to(user.mobile))
    page = client.get(f"/requests/{reference}/receipt").text
    assert payment.payment_id in page and "Test payment" not in page


def test_declined_payment(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    client.post("/payments/return", data=bank.complete(track_id, "NOT CAPTURED"))
    assert Payment.get().state == "failed" and stored(reference).state == "awaiting_payment"


def test_cancel_through_the_error_url_is_checked_with_the_bank(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    back = client.get("/payments/return", query_string=error_url_params(track_id))
    assert back.headers["Location"] == f"/requests/{reference}"
    payment = Payment.get()
    assert payment.state == "cancelled" and bank.inquiries[-1]["transid"] == track_id


def test_error_url_cannot_cancel_a_payment_the_bank_captured(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    bank.complete(track_id)  # captured; the result was lost, then a forged "cancel" arrives
    client.get("/payments/return", query_string=error_url_params(track_id))
    assert Payment.get().state == "paid" and stored(reference).state == "paid"


def test_tampered_and_malformed_results(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    trandata = bank.complete(track_id)["trandata"]
    for bad in (trandata[:-2] + "00", trandata[:-32], "nothex", ""):
        assert client.post("/payments/return", data={"trandata": bad}).status_code == 400
    assert client.post("/payments/notify", data={"trandata": trandata[:40]}).status_code == 400
    assert Payment.get().state == "awaiting" and stored(reference).state == "awaiting_payment"


def test_wrong_amount(client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    bank.payments[track_id]["amt"] = "1.000"  # the bank took less than the request's total
    client.post("/payments/return", data=bank.complete(track_id))
    payment = Payment.get()
    assert payment.state == "mismatch" and f"{PAID_TOTAL} fils" in payment.note
    assert stored(reference).state == "awaiting_payment"


def test_unknown_track_id(client, user, bank):
    frozen_request(client)
    bank.payments["123"] = {**dict.fromkeys(("auth", "ref", "tranid", "udf1"), ""),
                            "paymentid": "1", "amt": "110.000", "result": None, "refunded": []}
    assert client.post("/payments/return", data=bank.complete("123")).status_code == 400


def test_bank_down_then_reconciled(app, client, user, bank, clock):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    result = bank.complete(track_id)
    bank.down = True
    assert client.post("/payments/return", data=result).headers["Location"] == f"/requests/{reference}"
    assert Payment.get().state == "awaiting"
    bank.down = False
    clock.advance(minutes=5)
    output = app.test_cli_runner().invoke(args=["reconcile-payments"]).output
    assert "1 paid" in output and stored(reference).state == "paid"


def test_refund_through_the_adapter(app, client, user, bank):
    reference = frozen_request(client)
    track_id = pay_at_bank(client, reference)
    client.post("/payments/return", data=bank.complete(track_id))
    payment = Payment.get()
    refund = app.extensions["payment_gateway"].refund(track_id, payment.transaction_id, payment.amount_fils)
    assert refund.done and bank.payments[track_id]["refunded"] == ["110.000"]
    assert InsuranceRequest.get().state == "paid"  # refunds as a service are another issue's
