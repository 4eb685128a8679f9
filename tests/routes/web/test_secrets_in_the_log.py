"""Every secret a whole journey issues stays out of the log: express receipt tokens (and
their refund and renewal pages), reminder opt-out tokens, receipts' verification codes
and payments' track ids, whoever logs them and however they are written."""

import io
import json
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

import clock
import logging_setup
from gateways.payments.sandbox_books import SandboxPayment
from models import ExpressSponsor, InsuranceRequest, Payment, Receipt, Reminder
from tests.helpers import (
    civil_id_for,
    form_post,
    latest_code,
    mobile_for,
    paid_request,
    register_and_login,
    sms_to,
    use_outbox,
)

SPONSOR = civil_id_for(61, born="700505")
SPONSOR_MOBILE = mobile_for(61)
EXPIRY = (clock.today_in_kuwait() + timedelta(days=365 * 4)).isoformat()


@pytest.fixture
def whole_log(caplog):
    """What the app logs, every logger, at the level the servers write (INFO: peewee's
    DEBUG lines, each query with its values, are for a developer's terminal), as the
    servers write it (JSON lines) and as pytest's own handler keeps it."""
    stream = io.StringIO()
    handler = logging_setup.configure(stream=stream)
    caplog.set_level(logging.INFO)
    try:
        yield lambda: stream.getvalue() + caplog.text + _written(caplog)
    finally:
        logging.getLogger().removeHandler(handler)


def _written(caplog) -> str:
    formatter = logging_setup.JsonFormatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def _express_paid(client) -> ExpressSponsor:
    use_outbox(client.application)
    form_post(client, "/express", {"civil_id": SPONSOR, "mobile": SPONSOR_MOBILE})
    form_post(client, "/express/code", {"code": latest_code("+965" + SPONSOR_MOBILE)})
    worker = {
        "people-0-civil_id": civil_id_for(170, born="950101"),
        "people-0-name": "Maria Santos",
        "people-0-category": "domestic_worker",
        "people-0-passport_expiry": EXPIRY,
        "action": "continue",
    }
    assert form_post(client, "/express/workers", worker).status_code == 302
    assert form_post(client, "/express/years", {"insurance_status": "new", "years": "1"}).status_code == 302
    version = InsuranceRequest.select().order_by(InsuranceRequest.id.desc()).get().version
    form_post(client, "/express/check", {"confirm": "y", "version": str(version)})
    bank = form_post(client, "/express/pay")
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    result = urlsplit(back.headers["Location"])
    # The bank posting the browser back without its cookie, then the browser's GET.
    posted = client.application.test_client().post(result.path, query_string=result.query)
    arrival = client.get(posted.headers["Location"])
    sponsor = ExpressSponsor.get()
    assert arrival.headers["Location"].endswith(f"/express/receipts/{sponsor.receipt_token}")
    return sponsor


def test_no_secret_of_a_whole_journey_reaches_the_log(app, client, whole_log):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    register_and_login(client)
    reference = paid_request(client)
    client.get(f"/requests/{reference}/receipt")
    express = app.test_client()
    sponsor = _express_paid(express)
    token = sponsor.receipt_token
    for page in ("", "/refund", "/refund/code", "/refund/ask"):
        express.get(f"/express/receipts/{token}{page}?lang=en")
    form_post(express, f"/express/receipts/{token}/refund")
    express.get(f"/express/renew/{token}")
    stranger = app.test_client()
    for payment in list(Payment.select()):
        stranger.get(f"/payments/return?trackid={payment.track_id}")
        stranger.post("/payments/return", data={"trackid": payment.track_id})
        stranger.post("/payments/notify", data={"trackid": payment.track_id, "trandata": "00" * 32})
        stranger.get(f"/payments/return?track_id={payment.track_id}&trackid=%20{payment.track_id}")
    for receipt in list(Receipt.select()):
        stranger.get(f"/verify/{receipt.verify_code}")

    # A year on: the reminders, and their opt-out link opened and pressed.
    clock.freeze(clock.now() + timedelta(days=365 - 7))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    reminder_sms = sms_to("+965" + SPONSOR_MOBILE)[-1]
    for reminder in list(Reminder.select()):
        stop = f"/account/reminders/off/{reminder.token}"
        assert stop in "".join(sms_to("+965" + SPONSOR_MOBILE) + sms_to("+965" + mobile_for(1)))
        stranger.get(stop)
        form_post(stranger, stop)
    renew = re.search(r"/express/renew/\S+", reminder_sms).group(0)
    stranger.get(renew)

    secrets = (
        [s.receipt_token for s in ExpressSponsor.select()]
        + [r.token for r in Reminder.select()]
        + [r.verify_code for r in Receipt.select()]
        + [p.track_id for p in Payment.select()]
        + [urlsplit(renew).path.rsplit("/", 1)[-1]]
    )
    assert Reminder.select().count() >= 1 and len(secrets) >= 7
    log = whole_log()
    assert "/express/receipts/" in log and "/reminders/off/" in log and "/payments/return" in log
    for secret in secrets:
        assert secret not in log, secret
    assert SandboxPayment.select().count() >= 2  # both payments went through the bank


@pytest.mark.parametrize(
    "line, expected",
    [
        ("/express/receipts/Ab-_cd12/refund/code", "/express/receipts/********/refund/code"),
        ("/express/renew/Ab-_cd12?lang=en", "/express/renew/********?lang=en"),
        ("/account/reminders/off/Ab-_cd", "/account/reminders/off/******"),
        ("trackid=abc&paymentid=1", "trackid=***&paymentid=1"),
        ("lang=en&TRACK_ID=2601100800001234567", "lang=en&TRACK_ID=*******************"),
        ("{'trackid': 'x9'}", "{'trackid': '**'}"),
        ("payment 2601100800001234567 paid", "payment ****************567 paid"),
    ],
)
def test_link_secrets_and_track_ids_are_masked_in_any_line(line, expected):
    assert logging_setup.mask(line) == expected


def test_a_request_line_masks_the_express_receipt_token(client, whole_log):
    client.get("/express/receipts/" + "T" * 43 + "/refund")
    line = json.loads([text for text in whole_log().splitlines() if '"tameen.request"' in text][-1])
    assert line["path"] == "/express/receipts/" + "*" * 43 + "/refund"
