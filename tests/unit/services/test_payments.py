"""services/payments.py without the pages: starting a payment, receiving a result,
settling it once whatever arrives, asking the gateway sparingly, and reconciling
payments nobody came back from or that the bank may still capture. Against the sandbox
bank, and against the fake K-Net bank (tests/fakes/knet_bank.py)."""

import urllib.request
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from gateways import payments as gw
from gateways.payments.knet import KnetGateway
from gateways.payments.sandbox_books import SandboxPayment
from models import InsuranceRequest, Payment, Receipt, SmsMessage
from services import payments
from tests.fakes.knet_bank import PASSWORD, RESOURCE_KEY, TRANPORTAL_ID, query_of, serve_in_thread

RETURN_URL = "https://tameen.example/payments/return"
NOTIFY_URL = "https://tameen.example/payments/notify"


def start(insurance_request, language="en") -> str:
    return payments.start(insurance_request, language=language, return_url=RETURN_URL, notify_url=NOTIFY_URL)


def started(insurance_request) -> Payment:
    """Start paying; the payment in progress."""
    assert start(insurance_request) is not None
    return Payment.get(Payment.open_for == insurance_request.id)


def person_chooses(bank, payment: Payment, choice: str) -> dict:
    """The person's choice on the sandbox bank's page; the signed result the browser brings back."""
    row = SandboxPayment.get(SandboxPayment.track_id == payment.track_id)
    row.decide({"approve": "CAPTURED", "decline": "NOT CAPTURED", "cancel": "CANCELED"}[choice])
    return {key: values[0] for key, values in parse_qs(urlsplit(bank.result_url(row)).query).items()}


def fresh(record):
    return type(record).get_by_id(record.id)


def test_start_sends_the_person_to_the_bank_page_in_their_language(awaiting):
    page = start(awaiting, language="ar")
    payment = Payment.get(Payment.request == awaiting)
    assert page.startswith("/sandbox-bank/pay/") and page.endswith("?lang=ar")
    assert (payment.state, payment.amount_fils, payment.gateway) == (
        Payment.AWAITING,
        awaiting.total_fils,
        "sandbox",
    )
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).response_url == RETURN_URL


def test_a_second_start_within_opening_for_is_the_same_bank_page(clock, awaiting, bank):
    first = start(awaiting)
    clock.advance(seconds=30)
    assert start(fresh(awaiting)) == first
    assert Payment.select().count() == 1


def test_a_second_start_is_a_new_try_with_a_new_track_id(clock, awaiting, bank):
    first = start(awaiting)
    clock.advance(minutes=3)
    second = start(fresh(awaiting))
    assert first != second
    tries = list(Payment.select().order_by(Payment.id))
    assert [p.state for p in tries] == [Payment.CANCELLED, Payment.AWAITING]
    assert tries[0].track_id != tries[1].track_id
    assert tries[0].last_asked_at is not None and tries[0].closed_at is not None  # asked, then closed


def test_a_second_start_first_asks_about_the_try_in_progress(clock, awaiting, bank):
    payment = started(awaiting)
    person_chooses(bank, payment, "approve")  # paid in another tab; that return was lost
    clock.advance(seconds=5)
    assert start(fresh(awaiting)) is None
    assert fresh(payment).state == Payment.PAID and Payment.select().count() == 1


def test_nothing_due_is_paid_without_the_bank(awaiting):
    InsuranceRequest.update(total_fils=0).where(InsuranceRequest.id == awaiting.id).execute()
    assert start(fresh(awaiting)) is None
    assert fresh(awaiting).state == InsuranceRequest.PAID
    assert Receipt.of(awaiting).payment is None and Payment.select().count() == 0


def test_a_draft_is_not_started(draft):
    assert start(draft) is None
    assert Payment.select().count() == 0


def test_a_paid_request_is_not_started_again(awaiting, bank):
    payment = started(awaiting)
    payments.receive(person_chooses(bank, payment, "approve"))
    assert start(fresh(awaiting)) is None
    assert Payment.select().count() == 1


def test_a_gateway_that_cannot_start_is_payment_unavailable(awaiting, bank, monkeypatch):
    def down(*args, **kwargs):
        raise gw.GatewayUnavailable("connection refused")

    monkeypatch.setattr(bank, "start", down)
    with pytest.raises(payments.PaymentUnavailable):
        start(awaiting)
    assert fresh(awaiting).state == InsuranceRequest.AWAITING_PAYMENT


def test_an_approved_result_pays_the_request_once_with_one_sms(awaiting, bank):
    result = person_chooses(bank, started(awaiting), "approve")
    payment = payments.receive(result)
    assert payment.state == Payment.PAID and payment.result_code == "CAPTURED"
    assert fresh(awaiting).state == InsuranceRequest.PAID
    assert Receipt.of(awaiting).payment_id == payment.id
    assert payments.receive(result).state == Payment.PAID  # the notice, or a replay
    texts = [message.body for message in SmsMessage.select().where(SmsMessage.to == "+96550000001")]
    assert len(texts) == 1 and awaiting.reference in texts[0]
    assert Receipt.select().count() == 1


@pytest.mark.parametrize("choice, state", [("decline", Payment.FAILED), ("cancel", Payment.CANCELLED)])
def test_a_refusal_leaves_the_request_awaiting(awaiting, bank, choice, state):
    payment = payments.receive(person_chooses(bank, started(awaiting), choice))
    assert payment.state == state and payment.open_for is None
    assert fresh(awaiting).state == InsuranceRequest.AWAITING_PAYMENT
    assert start(fresh(awaiting)) is not None  # a new try, with a new payment
    assert Payment.select().count() == 2


def test_results_that_cannot_be_trusted_change_nothing(awaiting, bank):
    payment = started(awaiting)
    result = person_chooses(bank, payment, "approve")
    assert payments.receive({**result, "signature": "0" * 64}) is None
    forged = {**result, "track_id": "99999999999999999999"}
    assert payments.receive({**forged, "signature": bank.sign(forged)}) is None  # not ours
    assert fresh(payment).state == Payment.AWAITING
    assert fresh(awaiting).state == InsuranceRequest.AWAITING_PAYMENT


def test_a_result_for_another_amount_is_a_mismatch(awaiting, bank):
    payment = started(awaiting)
    result = {**person_chooses(bank, payment, "approve"), "amount_fils": "1000"}
    result.pop("signature")
    settled = payments.receive({**result, "signature": bank.sign(result)})
    assert settled.state == Payment.MISMATCH and "1000 fils" in settled.note
    assert fresh(awaiting).state == InsuranceRequest.AWAITING_PAYMENT


def test_settle_asks_the_gateway_before_paying(awaiting, bank):
    """A signed "approved" result the bank does not confirm is kept for staff."""
    payment = started(awaiting)
    claimed = bank.verify(person_chooses(bank, payment, "approve"))
    SandboxPayment.update(result="NOT CAPTURED").where(SandboxPayment.track_id == payment.track_id).execute()
    assert payments.settle(payment, claimed) == Payment.MISMATCH
    assert fresh(awaiting).state == InsuranceRequest.AWAITING_PAYMENT


def test_settle_leaves_the_payment_awaiting_while_the_gateway_cannot_be_asked(
    clock, awaiting, bank, monkeypatch
):
    payment = started(awaiting)
    person_chooses(bank, payment, "approve")

    def down(*args):
        raise gw.GatewayUnavailable("timed out")

    real = bank.inquire
    monkeypatch.setattr(bank, "inquire", down)
    assert payments.settle(payment, None) == Payment.AWAITING
    monkeypatch.setattr(bank, "inquire", real)
    assert payments.settle(fresh(payment), None) == Payment.AWAITING  # asked a moment ago
    clock.advance(seconds=31)
    assert payments.settle(fresh(payment), None) == Payment.PAID


def counting_inquiries(bank, monkeypatch) -> list:
    asked = []
    real = bank.inquire

    def inquire(track_id, amount_fils):
        asked.append(track_id)
        return real(track_id, amount_fils)

    monkeypatch.setattr(bank, "inquire", inquire)
    return asked


def test_the_gateway_is_asked_about_a_payment_at_most_once_in_30_seconds(clock, awaiting, bank, monkeypatch):
    payment = started(awaiting)
    asked = counting_inquiries(bank, monkeypatch)
    named = {"trackid": payment.track_id}  # a track id in clear, as anyone can send it
    for _ in range(20):
        assert payments.receive(named).state == Payment.AWAITING
        clock.advance(seconds=1)
    assert asked == [payment.track_id]
    clock.advance(seconds=11)
    payments.receive(named)
    assert asked == [payment.track_id] * 2


def test_a_paid_or_closed_payment_is_never_asked_about_for_a_clear_track_id(
    clock, awaiting, bank, monkeypatch
):
    payment = started(awaiting)
    payments.receive(person_chooses(bank, payment, "decline"))
    asked = counting_inquiries(bank, monkeypatch)
    clock.advance(minutes=5)
    assert payments.receive({"trackid": payment.track_id}).state == Payment.FAILED
    paid = started(fresh(awaiting))
    payments.receive(person_chooses(bank, paid, "approve"))
    asked.clear()
    clock.advance(minutes=5)
    for _ in range(3):
        assert payments.receive({"trackid": paid.track_id}).state == Payment.PAID
    assert asked == []


def test_a_notice_never_asks_the_gateway(awaiting, bank, monkeypatch):
    payment = started(awaiting)
    asked = counting_inquiries(bank, monkeypatch)
    noticed = payments.take_notice(person_chooses(bank, payment, "approve"))
    assert noticed.state == Payment.AWAITING and noticed.result_code == "CAPTURED" and asked == []
    assert payments.receive({"trackid": payment.track_id}).state == Payment.PAID  # the browser's arrival
    assert asked == [payment.track_id]


def test_a_notice_of_a_refusal_closes_the_payment_at_once(awaiting, bank, monkeypatch):
    payment = started(awaiting)
    asked = counting_inquiries(bank, monkeypatch)
    assert payments.take_notice(person_chooses(bank, payment, "decline")).state == Payment.FAILED
    assert asked == [] and fresh(payment).closed_at is not None


def test_reconcile_settles_what_the_browser_never_brought_back(clock, awaiting, bank):
    payment = started(awaiting)
    person_chooses(bank, payment, "approve")  # and the tab closes
    assert payments.reconcile() == Counter()  # too fresh: the browser may still come back
    clock.advance(minutes=4)
    assert payments.reconcile() == Counter({Payment.PAID: 1})
    assert fresh(awaiting).state == InsuranceRequest.PAID
    assert payments.reconcile() == Counter()  # idempotent, safe from cron


def test_reconcile_closes_payments_nobody_finished(clock, awaiting):
    started(awaiting)
    clock.advance(minutes=4)
    assert payments.reconcile() == Counter({Payment.AWAITING: 1})  # perhaps still on the bank's page
    clock.advance(hours=1)
    assert payments.reconcile() == Counter({Payment.CANCELLED: 1})
    assert fresh(awaiting).state == InsuranceRequest.AWAITING_PAYMENT


def test_an_old_payment_in_progress_is_asked_about_before_a_new_try(clock, awaiting, bank):
    payment = started(awaiting)
    person_chooses(bank, payment, "approve")  # paid at the bank; the return was lost
    clock.advance(minutes=16)
    assert start(fresh(awaiting)) is None
    assert fresh(payment).state == Payment.PAID and fresh(awaiting).state == InsuranceRequest.PAID


def test_an_old_unfinished_payment_gives_way_to_a_new_one(clock, awaiting):
    first = started(awaiting)
    clock.advance(minutes=16)
    assert start(fresh(awaiting)) is not None
    assert fresh(first).state == Payment.CANCELLED
    assert Payment.get(Payment.open_for == awaiting.id).id != first.id


def test_reconcile_revisits_a_failed_payment_the_bank_captures_late(clock, awaiting, bank):
    payment = started(awaiting)
    payments.receive(person_chooses(bank, payment, "decline"))  # the signed result: declined
    assert payments.reconcile() == Counter()  # asked again: still declined, nothing to count
    SandboxPayment.update(result="CAPTURED").execute()  # ...but the bank captures it after all
    clock.advance(minutes=30)
    assert payments.reconcile() == Counter()  # asked within the hour: not again yet
    clock.advance(minutes=31)
    assert payments.reconcile() == Counter({payments.CAPTURED_LATE: 1})
    payment = fresh(payment)
    assert payment.state == Payment.PAID and "Captured late" in payment.note
    assert fresh(awaiting).state == InsuranceRequest.PAID
    assert Payment.captured_late() == [payment]


def test_reconcile_stops_revisiting_after_a_day(clock, awaiting, bank, monkeypatch):
    payment = started(awaiting)
    payments.receive(person_chooses(bank, payment, "decline"))
    asked = counting_inquiries(bank, monkeypatch)
    for _ in range(30):
        payments.reconcile()
        clock.advance(hours=1)
    assert 20 <= len(asked) <= 25


def test_a_late_capture_of_a_replaced_try_is_kept_to_refund(clock, awaiting, bank):
    first = started(awaiting)
    clock.advance(minutes=3)
    second = started(fresh(awaiting))
    payments.receive(person_chooses(bank, second, "approve"))
    person_chooses(bank, first, "approve")  # the first tab, paid too; its return never came
    clock.advance(minutes=5)
    assert payments.reconcile() == Counter()  # asked when it was replaced: not again yet
    clock.advance(hours=1)
    # Kept to refund: a mismatch for staff, counted so that the run exits 1.
    assert payments.reconcile() == Counter({payments.CAPTURED_LATE: 1, Payment.MISMATCH: 1})
    assert fresh(first).state == Payment.MISMATCH and "refund" in fresh(first).note
    assert fresh(second).state == Payment.PAID and Receipt.select().count() == 1


# --- the same service against K-Net -------------------------------------------------


@pytest.fixture
def knet(context, monkeypatch):
    """The app paying through the K-Net adapter, against the fake bank on its own port."""
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


def at_knet(insurance_request) -> Payment:
    """Start paying and open the bank's card page; the payment."""
    with urllib.request.urlopen(start(insurance_request), timeout=5) as page:
        assert 'id="bank-name"' in page.read().decode()
    return Payment.get(Payment.open_for == insurance_request.id)


def test_knet_capture_is_noticed_then_confirmed_by_inquiry(awaiting, knet):
    payment = at_knet(awaiting)
    assert payment.gateway == "knet" and knet.payments[payment.track_id].response_url == NOTIFY_URL
    noticed = payments.take_notice(knet.decide(payment.track_id))
    assert noticed.state == Payment.AWAITING and knet.inquiries == []
    settled = payments.receive({"trackid": payment.track_id})
    assert settled.state == Payment.PAID
    assert settled.payment_id == knet.payments[payment.track_id].payment_id
    assert knet.inquiries[-1]["transid"] == payment.track_id
    assert fresh(awaiting).state == InsuranceRequest.PAID


def test_knet_cancel_on_the_error_url_is_checked_with_the_bank(awaiting, knet):
    payment = at_knet(awaiting)
    back = knet.choose(payment.track_id, "cancel")
    assert query_of(back)["Error"] == "IPAY0100048"
    assert payments.receive(query_of(back)).state == Payment.CANCELLED
    assert knet.inquiries[-1]["transid"] == payment.track_id


def test_knet_every_try_has_a_track_id_the_bank_has_not_seen(clock, awaiting, knet):
    for _ in range(3):
        at_knet(fresh(awaiting))
        clock.advance(minutes=3)
    assert len(set(knet.track_ids_seen)) == 3 and "IPAY0100176" not in knet.refused


def test_knet_down_then_reconciled(clock, awaiting, knet):
    payment = at_knet(awaiting)
    payments.take_notice(knet.decide(payment.track_id))
    knet.down = True
    assert payments.receive({"trackid": payment.track_id}).state == Payment.AWAITING
    knet.down = False
    clock.advance(minutes=5)
    assert payments.reconcile() == Counter({Payment.PAID: 1})


def test_knet_host_timeout_captured_later(clock, awaiting, knet):
    payment = at_knet(awaiting)
    assert payments.take_notice(knet.decide(payment.track_id, "HOST TIMEOUT")).state == Payment.FAILED
    knet.capture_late(payment.track_id)
    clock.advance(minutes=5)
    assert payments.reconcile() == Counter({payments.CAPTURED_LATE: 1})
    assert fresh(awaiting).state == InsuranceRequest.PAID


# --- inquiry errors, and the answers no public source settles ---------------------------

BANK_ERROR = (
    "<result>!ERROR!-IPAY0100015-Invalid tranportal password</result>"
    "<error_code_tag>IPAY0100015</error_code_tag><error_service_tag>null</error_service_tag>"
)


def test_knet_inquiry_errors_past_the_give_up_age_close_the_payment_as_failed(clock, awaiting, knet):
    """Manual §3.5.5 counts an inquiry's errors as failed; after KNET_INQUIRY_GIVE_UP_HOURS
    (24) of them the payment is closed as failed with the last code, and reconcile stops
    reading it as waiting."""
    payment = at_knet(awaiting)
    knet.inquiry_answer = BANK_ERROR
    for _ in range(23):
        clock.advance(hours=1)
        assert payments.reconcile() == Counter({Payment.AWAITING: 1, payments.INQUIRY_FAILED: 1})
    clock.advance(hours=1, minutes=1)
    assert payments.reconcile() == Counter({Payment.FAILED: 1, payments.INQUIRY_FAILED: 1})
    closed = fresh(payment)
    assert closed.state == Payment.FAILED and closed.result_code == "IPAY0100015"
    assert "24 hours" in closed.note and "Invalid tranportal password" in closed.note
    assert fresh(awaiting).state == InsuranceRequest.AWAITING_PAYMENT
    assert Payment.left_waiting(clock.now(), clock.now() - timedelta(days=30)) == []
    knet.inquiry_answer = None
    knet.capture_late(payment.track_id)  # a late capture is still found for a day
    clock.advance(hours=2)
    assert payments.reconcile() == Counter({payments.CAPTURED_LATE: 1})


def test_knet_a_bank_that_cannot_be_reached_never_closes_a_payment(clock, awaiting, knet):
    payment = at_knet(awaiting)
    knet.down = True
    clock.advance(hours=25)
    assert payments.reconcile() == Counter({Payment.AWAITING: 1, payments.INQUIRY_FAILED: 1})
    clock.advance(hours=24)  # past the give-up age and a day: left to staff, not read each run
    assert payments.reconcile() == Counter() and fresh(payment).state == Payment.AWAITING


def test_knet_cancel_that_the_inquiry_does_not_know_is_cancelled(awaiting, knet):
    knet.cancel_known = False  # the other answer: a cancel leaves no transaction to find
    payment = at_knet(awaiting)
    back = knet.choose(payment.track_id, "cancel")
    assert knet.inquiries == []
    assert payments.receive(query_of(back)).state == Payment.CANCELLED
    assert "IPAY0100263" in knet.refused and fresh(payment).result_code == "IPAY0100048"


@pytest.mark.parametrize("with_amt", [True, False])
def test_knet_inquiry_with_or_without_amt(awaiting, knet, with_amt):
    knet.inquiry_amt = with_amt
    payment = at_knet(awaiting)
    payments.take_notice(knet.decide(payment.track_id))
    assert payments.receive({"trackid": payment.track_id}).state == Payment.PAID
    assert fresh(payment).noticed_fils == payment.amount_fils


def test_knet_inquiry_without_amt_and_no_notice_is_a_mismatch(awaiting, knet):
    knet.inquiry_amt = False
    payment = at_knet(awaiting)
    knet.decide(payment.track_id)  # the notice never came
    assert payments.receive({"trackid": payment.track_id}).state == Payment.MISMATCH


@pytest.mark.parametrize(
    "code, text, state",
    [
        ("IPAY0100263", None, Payment.CANCELLED),
        ("IPAY0100330", "Transaction details not available", Payment.CANCELLED),  # another code
        ("IPAY0100330", "Something else", Payment.AWAITING),  # not taken for not-found
    ],
)
def test_knet_not_found_under_either_code(clock, awaiting, knet, code, text, state):
    knet.not_found_code, knet.not_found_text = code, text
    payment = at_knet(awaiting)
    clock.advance(hours=2)
    payments.reconcile()
    assert fresh(payment).state == state


@pytest.mark.parametrize("tranid", ["purchase", "own"])
def test_knet_the_transaction_id_is_the_signed_notices(awaiting, knet, tranid):
    knet.inquiry_tranid = tranid
    payment = at_knet(awaiting)
    payments.take_notice(knet.decide(payment.track_id))
    payments.receive({"trackid": payment.track_id})
    assert fresh(payment).transaction_id == knet.payments[payment.track_id].tranid
