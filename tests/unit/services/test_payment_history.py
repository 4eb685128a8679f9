"""A payment's history (models.PaymentEvent): every message to and from the bank is a
row written once and never changed (KNET's manual §5: requests and responses logged;
§9.2.1: the notice saved both encrypted and decrypted). Against the fake K-Net bank
(tests/fakes/knet_bank.py). Run on PostgreSQL too with TEST_DATABASE_URL."""

import json
import urllib.request

import pytest
from peewee import DatabaseError

import models
from gateways.payments.knet import KnetGateway
from models import Payment, PaymentEvent, RowsAreAppendOnly
from services import payments
from tests.fakes.knet_bank import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID, serve_in_thread

RETURN_URL = "https://tameen.example/payments/return"
NOTIFY_URL = "https://tameen.example/payments/notify"
CARD = "4111111111111111"


@pytest.fixture
def knet(context, monkeypatch):
    fake = serve_in_thread()
    adapter = KnetGateway(
        tranportal_id=TRANPORTAL_ID,
        password=PASSWORD,
        resource_key=RESOURCE_KEY,
        gateway_url=fake.url,
        timeout=5,
    )
    monkeypatch.setitem(context.extensions, "payment_gateway", adapter)
    yield fake
    fake.stop()


@pytest.fixture
def at_knet(awaiting, knet) -> Payment:
    """Pay pressed, the bank's card page opened; the payment."""
    page = payments.start(awaiting, language="en", return_url=RETURN_URL, notify_url=NOTIFY_URL)
    with urllib.request.urlopen(page, timeout=5) as response:
        assert 'id="bank-name"' in response.read().decode()
    return Payment.get(Payment.open_for == awaiting.id)


def rows(payment) -> list[tuple]:
    return [
        (e.id, e.at, e.kind, e.signed, e.outcome, e.result_code, e.encrypted, e.fields)
        for e in PaymentEvent.of_payment(payment.id)
    ]


def kinds(payment) -> list[str]:
    return [event.kind for event in PaymentEvent.of_payment(payment.id)]


def test_a_notice_then_the_browser_keep_both_records_unchanged(clock, at_knet, knet):
    notice = knet.decide(at_knet.track_id)
    payments.take_notice(notice)
    noticed = PaymentEvent.of_payment(at_knet.id)[-1]
    assert noticed.kind == PaymentEvent.NOTICE and noticed.signed and noticed.outcome == "paid"
    assert noticed.encrypted == notice["trandata"]  # as the bank sent it
    assert noticed.values()["result"] == "CAPTURED" and noticed.values()["paymentid"] == notice["paymentid"]
    stored_notice = json.loads(Payment.get_by_id(at_knet.id).raw_result)["result"]
    before = rows(at_knet)

    clock.advance(seconds=10)
    assert payments.receive({"trackid": at_knet.track_id}).state == Payment.PAID

    assert rows(at_knet)[: len(before)] == before  # nothing written before was changed
    assert kinds(at_knet) == [
        PaymentEvent.REQUEST_SENT,
        PaymentEvent.NOTICE,
        PaymentEvent.BROWSER,
        PaymentEvent.INQUIRY_SENT,
        PaymentEvent.INQUIRY_ANSWER,
    ]
    browser = PaymentEvent.of_payment(at_knet.id)[2]
    assert not browser.signed and browser.values()["trackid"] == at_knet.track_id
    # The decrypted notice on the payment is the notice's still, not the browser's fields.
    assert json.loads(Payment.get_by_id(at_knet.id).raw_result)["result"] == stored_notice


def test_a_signed_capture_denied_by_the_inquiry_is_a_mismatch_for_staff(at_knet, knet):
    payments.take_notice(knet.decide(at_knet.track_id))  # the bank signs CAPTURED
    knet.payments[at_knet.track_id].voided = True  # ...then its inquiry says NOT CAPTURED
    settled = payments.receive({"trackid": at_knet.track_id})
    assert settled.state == Payment.MISMATCH
    assert "CAPTURED" in settled.note and "NOT CAPTURED" in settled.note
    assert kinds(at_knet)[-1] == PaymentEvent.INQUIRY_ANSWER


def test_a_signed_capture_denied_at_reconcile_is_a_mismatch_too(clock, at_knet, knet):
    payments.take_notice(knet.decide(at_knet.track_id))
    knet.payments[at_knet.track_id].voided = True
    clock.advance(minutes=5)  # the browser never came back
    payments.reconcile()
    assert Payment.get_by_id(at_knet.id).state == Payment.MISMATCH


def test_card_data_and_secrets_never_enter_the_history(at_knet, knet):
    notice = knet.decide(at_knet.track_id, card=CARD, cvv2="123", expiry="2812", pan=CARD)
    payments.take_notice(notice)
    payments.receive({"trackid": at_knet.track_id, "cardno": CARD, "paymentid": "1"})
    for event in PaymentEvent.select():
        text = " ".join(str(value) for value in (event.fields, event.result_code, event.outcome))
        assert CARD not in text and PASSWORD not in text and "cvv2" not in text
    assert "card" not in PaymentEvent.of_payment(at_knet.id)[1].values()
    assert CARD not in (Payment.get_by_id(at_knet.id).raw_result or "")
    sent = PaymentEvent.of_payment(at_knet.id)[0]
    assert sent.kind == PaymentEvent.REQUEST_SENT and PASSWORD not in sent.fields


def test_the_history_is_append_only_in_the_class_and_in_the_database(at_knet):
    event = PaymentEvent.get()
    with pytest.raises(RowsAreAppendOnly):
        PaymentEvent.update(kind="x").execute()
    with pytest.raises(RowsAreAppendOnly):
        event.delete_instance()
    event.kind = "x"
    with pytest.raises(RowsAreAppendOnly):
        event.save()
    table = PaymentEvent._meta.table_name
    for statement in (f"UPDATE {table} SET kind = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), models.db.atomic():
            models.db.execute_sql(statement)
    assert PaymentEvent.get().kind == PaymentEvent.REQUEST_SENT
