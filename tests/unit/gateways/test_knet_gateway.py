"""The K-Net adapter: trandata encryption as the kits do it, and results and inquiries
against a local fake bank (tests/knet_fake.py), tampered and malformed ones included."""
import subprocess
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from gateways.payments import CANCELLED, FAILED, PAID, UNKNOWN, GatewayUnavailable, ResultRejected
from gateways.payments.knet import (KnetGateway, decrypt_trandata, encrypt_trandata, parse_pairs,
                                    parse_xml_fields)
from tests.knet_fake import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID, FakeKnet, error_url_params

RESPONSE_URL = "https://tameen.example/payments/return"


@pytest.fixture
def bank():
    fake = FakeKnet()
    yield fake
    fake.stop()


@pytest.fixture
def knet(bank):
    return KnetGateway(tranportal_id=TRANPORTAL_ID, password=PASSWORD, resource_key=RESOURCE_KEY,
                       gateway_url=bank.url, timeout=5)


def started(knet, track_id="2601100800001234", amount_fils=110_000, language="en"):
    """Start a payment and open the bank's page, as the browser would."""
    url = knet.start(track_id, amount_fils, language=language, response_url=RESPONSE_URL,
                     error_url=RESPONSE_URL, description="TM-ABCD-EFGH").url
    with urllib.request.urlopen(url, timeout=5) as page:
        assert page.status == 200
    return url


def test_trandata_is_aes_128_cbc_with_the_key_as_iv_and_pkcs5_padding():
    plain = "id=900123&password=x&action=1&amt=5.000&trackid=1"
    ours = encrypt_trandata(plain, RESOURCE_KEY)
    # The same bytes from OpenSSL, independently of the cryptography package.
    key_hex = RESOURCE_KEY.encode().hex()
    openssl = subprocess.run(["openssl", "enc", "-aes-128-cbc", "-K", key_hex, "-iv", key_hex],
                             input=plain.encode(), capture_output=True, check=True).stdout.hex()
    assert ours == openssl
    assert len(ours) % 32 == 0 and decrypt_trandata(ours.upper(), RESOURCE_KEY) == plain


def test_a_key_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        KnetGateway(tranportal_id="1", password="p", resource_key="short", gateway_url="https://x")


def test_start_sends_the_kit_fields_encrypted(knet, bank):
    url = started(knet, language="ar")
    query = parse_qs(urlsplit(url).query)
    assert query["param"] == ["paymentInit"] and query["tranportalId"] == [TRANPORTAL_ID]
    assert PASSWORD not in url  # the password travels only inside trandata
    fields = parse_pairs(decrypt_trandata(query["trandata"][0], RESOURCE_KEY))
    assert fields["action"] == "1" and fields["currencycode"] == "414" and fields["langid"] == "ARA"
    assert fields["amt"] == "110.000" and fields["trackid"] == "2601100800001234"
    assert fields["responseURL"] == RESPONSE_URL
    assert bank.payments["2601100800001234"]["amt"] == "110.000"


def test_captured_result_and_inquiry(knet, bank):
    started(knet)
    result = knet.verify(bank.complete("2601100800001234"))
    assert (result.outcome, result.result_code, result.amount_fils) == (PAID, "CAPTURED", 110_000)
    assert result.verified and result.payment_id and result.auth_code and result.reference_number
    assert result.transaction_id
    inquiry = knet.inquire("2601100800001234", 110_000)
    assert inquiry.outcome == PAID and inquiry.amount_fils == 110_000
    assert inquiry.payment_id == result.payment_id
    asked = bank.inquiries[-1]
    assert asked["action"] == "8" and asked["transid"] == "2601100800001234" and asked["udf5"] == "TrackID"


@pytest.mark.parametrize("code, outcome", [("NOT CAPTURED", FAILED), ("CANCELED", CANCELLED),
                                           ("DENIED BY RISK", FAILED), ("HOST TIMEOUT", FAILED),
                                           ("SOMETHING NEW", FAILED)])
def test_other_result_codes(knet, bank, code, outcome):
    started(knet)
    assert knet.verify(bank.complete("2601100800001234", code)).outcome == outcome


def test_tampered_trandata_is_refused(knet, bank):
    started(knet)
    trandata = bank.complete("2601100800001234")["trandata"]
    flipped = trandata[:-1] + ("0" if trandata[-1] != "0" else "1")
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": flipped})
    # Encrypted with another key: as good as forged.
    forged = encrypt_trandata("trackid=2601100800001234&result=CAPTURED&amt=110.000", "ZZZZZZZZZZZZZZZZ")
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": forged})


@pytest.mark.parametrize("trandata", ["", "zz", "abc", "00" * 15, "0" * 20000, "é" * 32])
def test_malformed_trandata_is_refused(knet, trandata):
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": trandata})


@pytest.mark.parametrize("plain", ["no pairs at all", "result=CAPTURED&amt=1.000",
                                   "trackid=1&amt=1.000", "trackid=1&result=CAPTURED&amt=lots"])
def test_decryptable_but_malformed_results_are_refused(knet, plain):
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": encrypt_trandata(plain, RESOURCE_KEY)})


def test_wrong_amount_is_reported_as_it_is(knet, bank):
    """The adapter reports; services/payments.py compares with the frozen amount."""
    started(knet)
    result = knet.verify(bank.complete("2601100800001234", amt="1.000"))
    assert result.amount_fils == 1_000


def test_the_error_url_only_names_a_payment(knet):
    result = knet.verify(error_url_params("2601100800001234"))
    assert not result.verified and result.outcome == UNKNOWN and result.track_id == "2601100800001234"
    with pytest.raises(ResultRejected):
        knet.verify({"ErrorText": "x"})
    with pytest.raises(ResultRejected):
        knet.verify({"trackid": "1&result=CAPTURED"})


def test_unknown_track_id_inquiry(knet, bank):
    assert knet.inquire("999", 5_000).outcome == UNKNOWN
    started(knet)  # started but not finished: the bank has no result yet
    assert knet.inquire("2601100800001234", 110_000).outcome == UNKNOWN


def test_inquiry_about_another_track_id_is_refused(knet, bank):
    bank.inquiry_answer = "<result>CAPTURED</result><trackid>111</trackid><amt>110.000</amt>"
    with pytest.raises(ResultRejected):
        knet.inquire("2601100800001234", 110_000)


@pytest.mark.parametrize("answer", ["", "garbage", "<html><body>oops</body></html>"])
def test_malformed_inquiry_answers_mean_ask_again_later(knet, bank, answer):
    bank.inquiry_answer = answer
    with pytest.raises(GatewayUnavailable):
        knet.inquire("2601100800001234", 110_000)


def test_bank_down_or_unreachable(knet, bank):
    bank.down = True
    with pytest.raises(GatewayUnavailable):
        knet.inquire("2601100800001234", 110_000)
    bank.stop()
    with pytest.raises(GatewayUnavailable):
        knet.inquire("2601100800001234", 110_000)


def test_wrong_credentials_are_not_taken_for_not_found(bank):
    wrong = KnetGateway(tranportal_id=TRANPORTAL_ID, password="wrong", resource_key=RESOURCE_KEY,
                        gateway_url=bank.url, timeout=5)
    with pytest.raises(GatewayUnavailable):
        wrong.inquire("2601100800001234", 110_000)


def test_refund(knet, bank):
    started(knet)
    result = knet.verify(bank.complete("2601100800001234"))
    refund = knet.refund("2601100800001234", result.transaction_id, 110_000)
    assert refund.done and refund.result_code == "CAPTURED"
    assert bank.payments["2601100800001234"]["refunded"] == ["110.000"]
    assert not knet.refund("2601100800001234", "000", 1_000).done


def test_xml_fields_are_unescaped():
    assert parse_xml_fields("<result>NOT CAPTURED</result><udf1>a &amp; b</udf1>") == {
        "result": "NOT CAPTURED", "udf1": "a & b"}


def test_stored_fields_leave_out_secrets(knet, bank):
    started(knet)
    result = knet.verify(bank.complete("2601100800001234", password="leak", cardno="4111"))
    assert "password" not in result.raw and "cardno" not in result.raw
