"""The K-Net adapter against what KNET's manual (K-064 v1.4) and the public kits say
(../shared/knet.md): trandata as the kits encrypt it, every answer shape the manual
shows, and a fake bank written from the manual (tests/fakes/knet_bank.py), not from
this adapter."""

import subprocess
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from gateways.payments import (
    CANCELLED,
    FAILED,
    PAID,
    UNKNOWN,
    GatewayUnavailable,
    ResultRejected,
    gateway_from_config,
)
from gateways.payments.knet import (
    KnetGateway,
    decrypt_trandata,
    encrypt_trandata,
    error_of,
    parse_pairs,
    parse_xml_fields,
)
from settings import ConfigError, load_settings
from tests.fakes.knet_bank import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID, bank_encrypt, serve_in_thread
from tests.helpers import PRODUCTION_KNET, PRODUCTION_OPERATOR, PRODUCTION_PUBLIC_URL, PRODUCTION_SECRETS

RETURN_URL = "https://tameen.example/payments/return"
NOTIFY_URL = "https://tameen.example/payments/notify"
TRACK_ID = "2601100800001234567"  # 19 digits, as models.payments makes them


@pytest.fixture
def bank():
    fake = serve_in_thread()
    yield fake
    fake.stop()


def adapter(bank, **options):
    return KnetGateway(
        tranportal_id=TRANPORTAL_ID,
        password=PASSWORD,
        resource_key=RESOURCE_KEY,
        gateway_url=bank.url,
        timeout=5,
        **options,
    )


@pytest.fixture
def knet(bank):
    return adapter(bank)


def started(knet, track_id=TRACK_ID, amount_fils=110_000, language="en") -> dict:
    """Start a payment and open the bank's card page, as the browser would; the fields
    inside trandata."""
    url = knet.start(
        track_id,
        amount_fils,
        language=language,
        return_url=RETURN_URL,
        notify_url=NOTIFY_URL,
        description="TM-ABCD-EFGH",
    ).url
    with urllib.request.urlopen(url, timeout=5) as page:
        assert page.status == 200
        assert 'id="bank-name"' in page.read().decode(), "the bank refused the payment"
    return parse_pairs(decrypt_trandata(parse_qs(urlsplit(url).query)["trandata"][0], RESOURCE_KEY))


# --- trandata -------------------------------------------------------------------------


def test_trandata_is_aes_128_cbc_with_the_key_as_iv_and_pkcs5_padding():
    plain = "id=900123&password=x&action=1&amt=5.000&trackid=1"
    ours = encrypt_trandata(plain, RESOURCE_KEY)
    # The same bytes from OpenSSL, independently of the cryptography package.
    key_hex = RESOURCE_KEY.encode().hex()
    openssl = subprocess.run(
        ["openssl", "enc", "-aes-128-cbc", "-K", key_hex, "-iv", key_hex],
        input=plain.encode(),
        capture_output=True,
        check=True,
    ).stdout.hex()
    assert ours == openssl
    assert len(ours) % 32 == 0 and decrypt_trandata(ours.upper(), RESOURCE_KEY) == plain


def test_a_key_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        KnetGateway(tranportal_id="1", password="p", resource_key="short", gateway_url="https://x")


# --- starting a payment ---------------------------------------------------------------


def test_start_sends_the_manual_fields_and_the_bank_takes_them(knet, bank):
    fields = started(knet, language="ar")
    assert fields["id"] == TRANPORTAL_ID and fields["password"] == PASSWORD
    assert fields["action"] == "1" and fields["currencycode"] == "414" and fields["langid"] == "AR"
    assert fields["amt"] == "110.000" and fields["trackid"] == TRACK_ID
    assert fields["udf1"] == "TM-ABCD-EFGH"
    # The current flow: the bank's server posts the result to the notification address;
    # the browser comes back to the error URL (or where our answer sends it).
    assert fields["responseURL"] == NOTIFY_URL and fields["errorURL"] == RETURN_URL
    assert bank.payments[TRACK_ID].amt == "110.000" and bank.refused == []


def test_the_password_travels_only_inside_trandata(knet):
    url = knet.start(TRACK_ID, 5_000, language="en", return_url=RETURN_URL, notify_url=NOTIFY_URL).url
    query = parse_qs(urlsplit(url).query)
    assert query["param"] == ["paymentInit"] and query["tranportalId"] == [TRANPORTAL_ID]
    assert PASSWORD not in url


@pytest.mark.parametrize("setting, arabic, english", [("AR,EN", "AR", "EN"), ("ARA,USA", "ARA", "USA")])
def test_langid_follows_the_setting(bank, setting, arabic, english):
    bank.langids = (arabic, english)
    knet = adapter(bank, language_ids=setting)
    assert started(knet, track_id="1", language="ar")["langid"] == arabic
    assert started(knet, track_id="2", language="en")["langid"] == english


def test_the_older_flow_sends_the_browser_to_the_response_url(bank):
    fields = started(adapter(bank, result_delivery="browser"))
    assert fields["responseURL"] == RETURN_URL and fields["errorURL"] == RETURN_URL


@pytest.mark.parametrize("track_id", ["26011008000012345678", "2601-1008", "26.01", "a/b", "", "١٢٣"])
def test_track_ids_are_at_most_19_letters_and_digits(knet, track_id):
    with pytest.raises(ValueError):
        knet.start(track_id, 5_000, language="en", return_url=RETURN_URL, notify_url=NOTIFY_URL)


def test_udf_fields_hold_no_at_sign_or_slash(knet):
    url = knet.start(
        TRACK_ID,
        5_000,
        language="en",
        return_url=RETURN_URL,
        notify_url=NOTIFY_URL,
        description="TM-1/2 sara@example.com & x=y",
    ).url
    fields = parse_pairs(decrypt_trandata(parse_qs(urlsplit(url).query)["trandata"][0], RESOURCE_KEY))
    assert not set("@/&=") & set(fields["udf1"]) and fields["udf1"].startswith("TM-12 sara")
    assert fields["trackid"] == TRACK_ID  # the pairs still split where they should


def test_the_current_flow_needs_the_notification_address(knet):
    with pytest.raises(ValueError):
        knet.start(TRACK_ID, 5_000, language="en", return_url=RETURN_URL)


def test_the_bank_never_sees_a_track_id_twice(knet, bank):
    started(knet)
    url = knet.start(TRACK_ID, 110_000, language="en", return_url=RETURN_URL, notify_url=NOTIFY_URL).url
    with urllib.request.urlopen(url, timeout=5) as page:
        assert "IPAY0100176" in page.read().decode()  # the fake holds us to the manual


@pytest.mark.parametrize(
    "change, code",
    [
        ({"tranportal_id": "999999"}, "IPAY0100006"),
        ({"password": "wrong"}, "IPAY0100015"),
        ({"resource_key": "ZZZZZZZZZZZZZZZZ"}, "IPAY0100013"),
    ],
)
def test_the_bank_refuses_wrong_credentials_with_its_codes(bank, change, code):
    knet = KnetGateway(
        **{"tranportal_id": TRANPORTAL_ID, "password": PASSWORD, "resource_key": RESOURCE_KEY, **change},
        gateway_url=bank.url,
        timeout=5,
    )
    url = knet.start(TRACK_ID, 5_000, language="en", return_url=RETURN_URL, notify_url=NOTIFY_URL).url
    with urllib.request.urlopen(url, timeout=5) as page:
        assert code in page.read().decode()
    assert bank.refused == [code]


# --- results ---------------------------------------------------------------------------


def test_a_captured_result_as_the_bank_posts_it(knet, bank):
    started(knet)
    notice = bank.decide(TRACK_ID)
    assert notice["trandata"].isupper() and notice["trackid"] == TRACK_ID  # clear beside it
    result = knet.verify(notice)
    assert (result.outcome, result.result_code, result.amount_fils) == (PAID, "CAPTURED", 110_000)
    assert result.verified and result.payment_id == bank.payments[TRACK_ID].payment_id
    assert result.auth_code and result.reference_number and result.transaction_id


def test_every_decrypted_field_is_form_decoded():
    plain = (
        "paymentid=100&result=NOT+CAPTURED&auth=&avr=N&ref=1&tranid=2&postdate=0110"
        f"&trackid={TRACK_ID}&udf1=TM+ABCD%2FEFGH&udf2=a+b&amt=110.000&authRespCode=05"
    )
    knet = KnetGateway(
        tranportal_id=TRANPORTAL_ID,
        password=PASSWORD,
        resource_key=RESOURCE_KEY,
        gateway_url="https://bank.invalid/kpg",
    )
    result = knet.verify({"trandata": bank_encrypt(plain)})
    assert result.outcome == FAILED and result.result_code == "NOT CAPTURED"
    assert result.raw["udf1"] == "TM ABCD/EFGH" and result.raw["udf2"] == "a b"


@pytest.mark.parametrize(
    "code, outcome",
    [
        ("NOT CAPTURED", FAILED),
        ("CANCELED", CANCELLED),
        ("HOST TIMEOUT", FAILED),
        ("DENIED BY RISK", FAILED),
        ("SOMETHING NEW", FAILED),
    ],
)
def test_other_result_codes(knet, bank, code, outcome):
    started(knet)
    assert knet.verify(bank.decide(TRACK_ID, code)).outcome == outcome


def test_a_signed_result_with_only_the_cancel_code(knet):
    plain = f"paymentid=1&trackid={TRACK_ID}&Error=IPAY0100048&ErrorText=Cancelled+by+the+user"
    assert knet.verify({"trandata": bank_encrypt(plain)}).outcome == CANCELLED


def test_tampered_trandata_is_refused(knet, bank):
    started(knet)
    trandata = bank.decide(TRACK_ID)["trandata"]
    flipped = trandata[:-1] + ("0" if trandata[-1] != "0" else "1")
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": flipped})
    # Encrypted with another key: as good as forged.
    forged = encrypt_trandata(f"trackid={TRACK_ID}&result=CAPTURED&amt=110.000", "ZZZZZZZZZZZZZZZZ")
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": forged})


@pytest.mark.parametrize("trandata", ["", "zz", "abc", "00" * 15, "0" * 20000, "é" * 32])
def test_malformed_trandata_is_refused(knet, trandata):
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": trandata})


@pytest.mark.parametrize(
    "plain",
    [
        "no pairs at all",
        "result=CAPTURED&amt=1.000",
        "trackid=1&amt=1.000",
        "trackid=1&result=CAPTURED&amt=lots",
        "trackid=1-2&result=CAPTURED&amt=1.000",
    ],
)
def test_decryptable_but_malformed_results_are_refused(knet, plain):
    with pytest.raises(ResultRejected):
        knet.verify({"trandata": encrypt_trandata(plain, RESOURCE_KEY)})


def test_wrong_amount_is_reported_as_it_is(knet, bank):
    """The adapter reports; services/payments.py compares with the frozen amount."""
    started(knet)
    assert knet.verify(bank.decide(TRACK_ID, amt="1.000")).amount_fils == 1_000


def test_the_error_url_only_names_a_payment(knet, bank):
    started(knet)
    back = bank.choose(TRACK_ID, "cancel")
    params = {name: values[0] for name, values in parse_qs(urlsplit(back).query).items()}
    assert back.startswith(RETURN_URL) and params["Error"] == "IPAY0100048"
    result = knet.verify(params)
    assert not result.verified and result.outcome == UNKNOWN and result.track_id == TRACK_ID
    assert result.result_code == "IPAY0100048"
    with pytest.raises(ResultRejected):
        knet.verify({"ErrorText": "x"})
    with pytest.raises(ResultRejected):
        knet.verify({"trackid": "1&result=CAPTURED"})


# --- inquiry (action 8): the answer shapes of the manual and the kits ---------------

ANSWER = (
    "<result>{result}</result><auth>123456</auth><ref>000000000001</ref><avr>N</avr>"
    "<postdate>0110</postdate><tranid>123456789012345</tranid><trackid>"
    + TRACK_ID
    + "</trackid><payid>100000000000000001</payid><udf1>TM-ABCD-EFGH</udf1><udf2></udf2>"
    "<udf3></udf3><udf4></udf4><udf5>TrackID</udf5><amt>110.000</amt>"
)
NOT_FOUND = (
    "<result>!ERROR!-IPAY0100263-Transaction not found.</result>"
    "<error_code_tag>IPAY0100263</error_code_tag><error_service_tag>null</error_service_tag>"
)


@pytest.mark.parametrize(
    "body, outcome",
    [
        (ANSWER.format(result="SUCCESS"), PAID),
        (ANSWER.format(result="CAPTURED"), PAID),
        (ANSWER.format(result="NOT CAPTURED"), FAILED),
        (ANSWER.format(result="NOT+CAPTURED"), FAILED),
        (ANSWER.format(result="FAILURE(NOT CAPTURED)"), FAILED),
        (ANSWER.format(result="HOST TIMEOUT"), FAILED),
        (ANSWER.format(result="CANCELED"), CANCELLED),
        ('<?xml version="1.0" encoding="UTF-8"?>' + ANSWER.format(result="SUCCESS"), PAID),
        ("<response>" + ANSWER.format(result="SUCCESS") + "</response>", PAID),
        (
            '<?xml version="1.0"?>\n<result-set>\n'
            + ANSWER.format(result="NOT CAPTURED")
            + "\n</result-set>",
            FAILED,
        ),
        (ANSWER.format(result="SUCCESS") + "<error_code_tag>null</error_code_tag>", PAID),
        (NOT_FOUND, UNKNOWN),
        ('<?xml version="1.0"?><response>' + NOT_FOUND + "</response>", UNKNOWN),
        ("<error_code_tag>IPAY0100263</error_code_tag><result>null</result>", UNKNOWN),
    ],
)
def test_inquiry_answers(knet, bank, body, outcome):
    bank.inquiry_answer = body
    inquiry = knet.inquire(TRACK_ID, 110_000)
    assert inquiry.outcome == outcome
    if outcome == PAID:
        assert inquiry.amount_fils == 110_000 and inquiry.payment_id == "100000000000000001"
        assert inquiry.transaction_id == "123456789012345" and inquiry.verified
    asked = bank.inquiries[-1]
    assert asked["action"] == "8" and asked["transid"] == TRACK_ID and asked["udf5"] == "TrackID"
    assert asked["id"] == TRANPORTAL_ID and asked["amt"] == "110.000"


def test_inquiry_against_the_fake_bank(knet, bank):
    assert knet.inquire(TRACK_ID, 110_000).outcome == UNKNOWN  # never started
    started(knet)
    assert knet.inquire(TRACK_ID, 110_000).outcome == UNKNOWN  # on the card page still
    bank.decide(TRACK_ID)
    inquiry = knet.inquire(TRACK_ID, 110_000)
    assert (inquiry.outcome, inquiry.result_code) == (PAID, "SUCCESS")
    assert inquiry.payment_id == bank.payments[TRACK_ID].payment_id


@pytest.mark.parametrize(
    "body, code",
    [
        (
            "<result>!ERROR!-IPAY0100006-Invalid tranportal id</result>"
            "<error_code_tag>IPAY0100006</error_code_tag>",
            "IPAY0100006",
        ),
        ("<result>!ERROR!-IPAY0100015-Invalid tranportal password</result>", "IPAY0100015"),
        ("<result>!ERROR!-IPAY0100159-External message system error</result>", "IPAY0100159"),
    ],
)
def test_an_error_that_is_not_not_found_means_ask_again_later(knet, bank, body, code):
    bank.inquiry_answer = body
    with pytest.raises(GatewayUnavailable) as refused:
        knet.inquire(TRACK_ID, 110_000)
    assert refused.value.detail.startswith(code)


def test_wrong_credentials_are_not_taken_for_not_found(bank):
    wrong = KnetGateway(
        tranportal_id=TRANPORTAL_ID,
        password="wrong",
        resource_key=RESOURCE_KEY,
        gateway_url=bank.url,
        timeout=5,
    )
    with pytest.raises(GatewayUnavailable, match="IPAY0100015"):
        wrong.inquire(TRACK_ID, 110_000)


def test_inquiry_about_another_track_id_is_refused(knet, bank):
    bank.inquiry_answer = "<result>CAPTURED</result><trackid>111</trackid><amt>110.000</amt>"
    with pytest.raises(ResultRejected):
        knet.inquire(TRACK_ID, 110_000)


@pytest.mark.parametrize("answer", ["", "garbage", "<html><body>oops</body></html>", "<result></result>"])
def test_malformed_inquiry_answers_mean_ask_again_later(knet, bank, answer):
    bank.inquiry_answer = answer
    with pytest.raises(GatewayUnavailable):
        knet.inquire(TRACK_ID, 110_000)


def test_bank_down_or_unreachable(knet, bank):
    bank.down = True
    with pytest.raises(GatewayUnavailable):
        knet.inquire(TRACK_ID, 110_000)
    bank.stop()
    with pytest.raises(GatewayUnavailable):
        knet.inquire(TRACK_ID, 110_000)


# --- refund (action 2) ---------------------------------------------------------------


def test_refund_names_the_purchase_by_track_id_as_the_manual_sample_does(knet, bank):
    started(knet)
    result = knet.verify(bank.decide(TRACK_ID))
    refund = knet.refund(TRACK_ID, result.transaction_id, 110_000)
    assert refund.done and refund.result_code == "CAPTURED" and refund.reference_number
    assert bank.payments[TRACK_ID].refunds == ["110.000"]
    asked = bank.inquiries[-1]
    assert asked["action"] == "2" and asked["transid"] == TRACK_ID and asked["udf5"] == "TrackID"
    again = knet.refund(TRACK_ID, result.transaction_id, 110_000)
    assert not again.done and again.error_code == "IPAY0100137"


def test_refund_by_transaction_id_is_a_fallback_setting(bank):
    knet = adapter(bank, refund_by="transid")
    started(knet)
    result = knet.verify(bank.decide(TRACK_ID))
    assert knet.refund(TRACK_ID, result.transaction_id, 110_000).done
    asked = bank.inquiries[-1]
    assert asked["transid"] == result.transaction_id and asked["udf5"] == ""
    assert knet.refund("2601100800001234568", "", 1_000).error_code == "IPAY0100263"
    assert bank.inquiries[-1]["udf5"] == "TrackID"  # no transaction id: the track id names it


def test_partial_refunds_sum_under_the_captured_amount(knet, bank):
    started(knet)
    bank.decide(TRACK_ID)
    assert knet.refund(TRACK_ID, "", 60_000).done
    assert knet.refund(TRACK_ID, "", 50_000).done
    assert bank.payments[TRACK_ID].refunds == ["60.000", "50.000"]
    over = knet.refund(TRACK_ID, "", 1)
    assert not over.done and over.error_code == "IPAY0100137"


def test_refund_of_more_than_was_captured_is_refused(knet, bank):
    started(knet)
    result = knet.verify(bank.decide(TRACK_ID))
    refund = knet.refund(TRACK_ID, result.transaction_id, 120_000)
    assert not refund.done and refund.error_code == "IPAY0100137"
    assert refund.error_text == "Credit Amount Greater Than Authorised Amount"


@pytest.mark.parametrize(
    "body, done, code",
    [
        ("<result>CAPTURED</result><ref>RF1</ref><trackid>1</trackid>", True, ""),
        ("<result>NOT CAPTURED</result>", False, ""),
        ("<result>SUCCESS</result>", False, ""),  # only CAPTURED says a refund was made
        (
            "<result>!ERROR!-IPAY0100137-Credit Amount Greater Than Authorised Amount</result>"
            "<error_code_tag>IPAY0100137</error_code_tag>",
            False,
            "IPAY0100137",
        ),
        (
            '<?xml version="1.0"?><response><result>!ERROR!-IPAY0100199-Previous credit check failure'
            "</result></response>",
            False,
            "IPAY0100199",
        ),
    ],
)
def test_refund_answers(knet, bank, body, done, code):
    bank.inquiry_answer = body
    refund = knet.refund(TRACK_ID, "123", 110_000)
    assert refund.done is done and refund.error_code == code
    if code:
        assert refund.error_text and not refund.error_text.startswith("!ERROR!")


@pytest.mark.parametrize(
    "body", ["", "<html>busy</html>", "<result>!ERROR!-IPAY0100159-External message system error</result>"]
)
def test_a_refund_answer_that_does_not_say_means_check_with_the_bank(knet, bank, body):
    bank.inquiry_answer = body
    with pytest.raises(GatewayUnavailable):
        knet.refund(TRACK_ID, "123", 110_000)


# --- parsing ---------------------------------------------------------------------------


def test_xml_fields_are_unescaped_and_cdata_read():
    assert parse_xml_fields(
        "<result>NOT CAPTURED</result><udf1>a &amp; b</udf1><udf2/><ref><![CDATA[1<2]]></ref>"
    ) == {"result": "NOT CAPTURED", "udf1": "a & b", "udf2": "", "ref": "1<2"}


def test_error_of_reads_the_manual_shapes():
    assert error_of(parse_xml_fields(NOT_FOUND)) == ("IPAY0100263", "Transaction not found.")
    assert error_of({"error_code_tag": "IPAY0100263"}) == ("IPAY0100263", "Transaction details not available")
    assert error_of({"result": "CAPTURED", "error_code_tag": "null"}) == ("", "")
    assert error_of({"result": "!ERROR!"})[0] == ""
    assert error_of({"result": "!ERROR!"})[1]  # an error still, without a code


def test_stored_fields_leave_out_secrets(knet, bank):
    started(knet)
    result = knet.verify(bank.decide(TRACK_ID, password="leak", cardno="4111"))
    assert "password" not in result.raw and "cardno" not in result.raw


# --- settings ------------------------------------------------------------------------

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "k" * 40,
    "SMS_HTTP_URL": "https://sms.example/",
    "PUBLIC_URL": PRODUCTION_PUBLIC_URL,
    **PRODUCTION_OPERATOR,
    **PRODUCTION_SECRETS,
}


def test_knet_settings_have_documented_defaults(tmp_path):
    ready = load_settings({**PRODUCTION, **PRODUCTION_KNET}, tmp_path)
    assert ready["KNET_RESULT_DELIVERY"] == "server" and ready["KNET_LANGUAGE_IDS"] == "AR,EN"
    knet = gateway_from_config(ready)
    assert knet.result_delivery == "server" and knet.language_ids == {"ar": "AR", "en": "EN"}
    older = gateway_from_config(
        load_settings(
            {
                **PRODUCTION,
                **PRODUCTION_KNET,
                "KNET_RESULT_DELIVERY": "browser",
                "KNET_LANGUAGE_IDS": "ara, usa",
            },
            tmp_path,
        )
    )
    assert older.result_delivery == "browser" and older.language_ids == {"ar": "ARA", "en": "USA"}
    assert ready["KNET_REFUND_BY"] == "trackid" and knet.refund_by == "trackid"
    assert ready["KNET_CA_BUNDLE"] == "" and ready["KNET_INQUIRY_GIVE_UP_HOURS"] == 24
    sample = load_settings({**PRODUCTION, **PRODUCTION_KNET, "KNET_LANGUAGE_IDS": "AR,USA"}, tmp_path)
    assert gateway_from_config(sample).language_ids == {"ar": "AR", "en": "USA"}  # KNET's PHP sample
    assert (
        load_settings({**PRODUCTION, **PRODUCTION_KNET, "MAX_PAYMENT_FILS": "999999999"}, tmp_path)[
            "MAX_PAYMENT_FILS"
        ]
        == 999_999_999
    )  # 999999.999: the 10 characters of `amt`


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("KNET_RESULT_DELIVERY", "email", "KNET_RESULT_DELIVERY"),
        ("KNET_LANGUAGE_IDS", "EN,AR", "KNET_LANGUAGE_IDS"),
        ("KNET_REFUND_BY", "paymentid", "KNET_REFUND_BY"),
        ("KNET_CA_BUNDLE", "/nowhere/knet-ca.pem", "is not a file"),
        ("KNET_INQUIRY_GIVE_UP_HOURS", "0", "KNET_INQUIRY_GIVE_UP_HOURS"),
        ("MAX_PAYMENT_FILS", "1000000000", "999999999"),
        ("KNET_GATEWAY_URL", "https://www.kpaytest.com.kw/kpg?x=1", "without a query"),
        ("KNET_GATEWAY_URL", "https://user:pw@www.kpaytest.com.kw/kpg", "credentials"),
    ],
)
def test_bad_knet_settings_say_what_to_fix(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({**PRODUCTION, **PRODUCTION_KNET, name: value}, tmp_path)


def test_error_wordings_follow_the_manual():
    from gateways.payments.knet import describe_error

    assert describe_error("IPAY0100176") == "IPAY0100176: Decrypting transaction data failed"
    assert describe_error("IPAY0100263") == "IPAY0100263: Transaction details not available"


def test_an_amount_past_the_10_characters_of_amt_is_refused(knet):
    started(knet, amount_fils=999_999_999)  # 999999.999: ten characters
    with pytest.raises(ValueError, match="10 characters"):
        started(knet, track_id="2601100800001234568", amount_fils=1_000_000_000)
