"""services/refunds.py without the pages: the applicant asks and withdraws; a reviewer
approves (through the sandbox bank, or by a bank transfer staff made) or rejects; and
every refusal says why."""

from urllib.parse import parse_qs, urlsplit

import pytest

from gateways import payments as gw
from gateways.payments.sandbox_books import SandboxPayment
from models import InsuranceRequest, Payment, PaymentEvent, Refund, RefundRefused, StaffMember
from services import payments, refunds

IBAN = "KW81CBKU0000000000001234560101"


def fresh(record):
    return type(record).get_by_id(record.id)


@pytest.fixture
def paid(awaiting, bank):
    """The request paid through the sandbox bank."""
    payments.start(awaiting, language="en", return_url="https://tameen.example/payments/return")
    row = SandboxPayment.get(SandboxPayment.track_id == Payment.get(Payment.request == awaiting).track_id)
    row.decide("CAPTURED")
    result = {key: values[0] for key, values in parse_qs(urlsplit(bank.result_url(row)).query).items()}
    assert payments.receive(result).state == Payment.PAID
    return fresh(awaiting)


def ask(insurance_request) -> Refund:
    return refunds.ask(
        insurance_request, reason="left_kuwait", details="", iban=IBAN, account_holder="Sara Ahmed"
    )


@pytest.fixture
def refund(paid):
    return ask(paid)


def test_asking_puts_the_whole_amount_paid_before_staff(paid, refund):
    assert (refund.state, refund.amount_fils, refund.iban) == (Refund.REQUESTED, paid.total_fils, IBAN)
    assert refund.details is None  # an empty "tell us more" is not kept
    assert fresh(paid).state == InsuranceRequest.REFUND_REQUESTED


def test_only_a_paid_request_can_be_refunded(awaiting):
    with pytest.raises(RefundRefused) as refused:
        ask(awaiting)
    assert refused.value.reason == "not_paid"


def test_a_second_ask_is_refused(paid, refund):
    with pytest.raises(RefundRefused):
        ask(fresh(paid))
    assert Refund.select().count() == 1


def test_withdrawing_makes_the_request_paid_again_once(paid, refund):
    assert refunds.withdraw(fresh(paid))
    assert fresh(refund).state == Refund.WITHDRAWN and fresh(paid).state == InsuranceRequest.PAID
    assert not refunds.withdraw(fresh(paid))


def test_withdrawing_with_no_refund_does_nothing(paid):
    assert not refunds.withdraw(paid)


def test_approval_gives_the_money_back_through_the_bank(paid, refund, reviewer):
    assert refunds.approve(refund, reviewer, Refund.GATEWAY, "", "checked the residency")
    refund = fresh(refund)
    assert refund.state == Refund.REFUNDED and refund.method == Refund.GATEWAY
    assert refund.refund_reference.startswith("RF") and refund.decided_by_id == reviewer.id
    assert fresh(paid).state == InsuranceRequest.REFUNDED
    assert SandboxPayment.get().refunded_fils == paid.total_fils
    sent, answer = list(PaymentEvent.select().order_by(PaymentEvent.id))[-2:]  # the payment's history
    assert (sent.kind, answer.kind, answer.result_code) == ("refund_sent", "refund_answer", "CAPTURED")
    assert sent.values()["amount_fils"] == paid.total_fils


def test_approval_by_bank_transfer_keeps_the_transfer_reference(paid, refund, reviewer, bank, monkeypatch):
    monkeypatch.setattr(bank, "refund", lambda *args: pytest.fail("the bank must not be asked"))
    assert refunds.approve(refund, reviewer, Refund.BANK_TRANSFER, "TRF-2026-0042", "")
    assert fresh(refund).refund_reference == "TRF-2026-0042"
    assert fresh(paid).state == InsuranceRequest.REFUNDED


def test_a_second_approval_is_refused(refund, reviewer):
    assert refunds.approve(refund, reviewer, Refund.GATEWAY, "", "")
    with pytest.raises(RefundRefused) as refused:
        refunds.approve(fresh(refund), reviewer, Refund.GATEWAY, "", "")
    assert refused.value.reason == "not_waiting"
    assert SandboxPayment.get().refunded_fils == fresh(refund).amount_fils


def test_nobody_approves_a_refund_of_their_own_request(refund, owner):
    own = StaffMember.create(
        login="sara",
        civil_id=owner.civil_id,
        name="Sara",
        role=StaffMember.REVIEWER,
        password_hash="not a hash",
        totp_secret="JBSWY3DPEHPK3PXP",
    )
    with pytest.raises(RefundRefused) as refused:
        refunds.approve(refund, own, Refund.GATEWAY, "", "")
    assert refused.value.reason == "own_request"
    with pytest.raises(RefundRefused):
        refunds.reject(refund, own, "no")
    assert fresh(refund).state == Refund.REQUESTED


def test_a_payment_taken_by_another_gateway_is_refunded_by_transfer(refund, reviewer):
    Payment.update(gateway="knet").execute()
    with pytest.raises(RefundRefused) as refused:
        refunds.approve(refund, reviewer, Refund.GATEWAY, "", "")
    assert refused.value.reason == "other_gateway"
    assert fresh(refund).state == Refund.REQUESTED
    assert refunds.approve(fresh(refund), reviewer, Refund.BANK_TRANSFER, "TRF-1", "")


def test_a_declined_refund_goes_back_to_the_queue_with_why(paid, refund, reviewer, bank, monkeypatch):
    monkeypatch.setattr(bank, "refund", lambda *args: gw.RefundResult(done=False, result_code="NOT CAPTURED"))
    assert not refunds.approve(refund, reviewer, Refund.GATEWAY, "", "")
    refund = fresh(refund)
    assert refund.state == Refund.REQUESTED and "NOT CAPTURED" in refund.last_error
    assert refund.decided_by is None and fresh(paid).state == InsuranceRequest.REFUND_REQUESTED


def test_an_unreachable_bank_releases_the_refund(refund, reviewer, bank, monkeypatch):
    def unreachable(*args):
        raise gw.GatewayUnavailable("timed out")

    monkeypatch.setattr(bank, "refund", unreachable)
    assert not refunds.approve(refund, reviewer, Refund.GATEWAY, "", "")
    refund = fresh(refund)
    assert refund.state == Refund.REQUESTED and "could not be reached" in refund.last_error
    monkeypatch.undo()
    assert refunds.approve(refund, reviewer, Refund.GATEWAY, "", "")  # tried again, it goes through


def test_rejecting_keeps_the_note_and_the_request_paid(paid, refund, reviewer):
    refunds.reject(refund, reviewer, "The residency was renewed.")
    refund = fresh(refund)
    assert refund.state == Refund.REJECTED and refund.decision_note == "The residency was renewed."
    assert fresh(paid).state == InsuranceRequest.PAID
    with pytest.raises(RefundRefused) as refused:
        refunds.reject(refund, reviewer, "again")
    assert refused.value.reason == "not_waiting"


def test_partial_refunds_racing_never_sum_above_the_amount_paid(paid):
    """Ten threads, each with its own connection, each counting 30.000 of a 110.000
    payment as given back at once: three win, and the sum stays under what was paid."""
    import threading

    import models

    payment = Payment.get(Payment.request == paid)
    barrier = threading.Barrier(10)
    won = []

    def reserve():
        with models.db.connection_context():
            barrier.wait()
            if Payment.get_by_id(payment.id).reserve_refund(30_000):
                won.append(1)

    threads = [threading.Thread(target=reserve) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 3 and fresh(payment).refunded_fils == 90_000
    assert not fresh(payment).reserve_refund(20_001) and fresh(payment).reserve_refund(20_000)
    assert fresh(payment).refunded_fils == payment.amount_fils


def test_a_partial_refund_through_the_bank_leaves_the_rest_to_ask_for(paid, refund, reviewer):
    assert refunds.approve(refund, reviewer, Refund.GATEWAY, "", "", amount_fils=10_000)
    assert fresh(refund).amount_fils == 10_000 and fresh(paid).state == InsuranceRequest.PAID
    rest = ask(fresh(paid))
    assert rest.amount_fils == 100_000
    with pytest.raises(RefundRefused) as refused:
        refunds.approve(rest, reviewer, Refund.GATEWAY, "", "", amount_fils=100_001)
    assert refused.value.reason == "more_than_paid"
