"""Pay is clickable once (KNET's certification checklist, manual §8): ten presses of
Pay at once, each in its own thread and database connection, make one bank session,
one try with one track id, and every press is sent to the same bank page. Whether a
try was in progress before or not. Run on PostgreSQL too with TEST_DATABASE_URL."""

import threading

import pytest

import models
from gateways.payments.sandbox_books import SandboxPayment
from models import InsuranceRequest, Payment, PaymentEvent
from services import payments

PRESSES = 10
RETURN_URL = "https://tameen.example/payments/return"


def press_at_once(app, request_id: int) -> list:
    """PRESSES presses of Pay, let go together; the page each was sent to, or its error."""
    barrier = threading.Barrier(PRESSES)
    pages = []

    def press():
        with app.app_context(), models.db.connection_context():
            barrier.wait()
            try:
                insurance_request = InsuranceRequest.get_by_id(request_id)
                pages.append(payments.start(insurance_request, language="en", return_url=RETURN_URL))
            except Exception as problem:  # noqa: BLE001 (the assertion shows it)
                pages.append(problem)

    threads = [threading.Thread(target=press) for _ in range(PRESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return pages


def test_ten_presses_at_once_open_one_bank_session(context, awaiting, bank):
    pages = press_at_once(context, awaiting.id)
    assert len(pages) == PRESSES and len(set(pages)) == 1, pages
    assert Payment.select().count() == 1 and SandboxPayment.select().count() == 1
    payment = Payment.get()
    assert payment.state == Payment.AWAITING and payment.open_for == awaiting.id


@pytest.mark.parametrize("round_", range(3))
def test_ten_presses_after_a_try_in_progress_open_one_new_session(clock, context, awaiting, bank, round_):
    first = payments.start(awaiting, language="en", return_url=RETURN_URL)
    clock.advance(minutes=5)  # the first try is no longer being opened
    pages = press_at_once(context, awaiting.id)
    assert len(set(pages)) == 1 and first not in pages, pages
    tries = list(Payment.select().order_by(Payment.id))
    assert [p.state for p in tries] == [Payment.CANCELLED, Payment.AWAITING]
    assert SandboxPayment.select().count() == 2
    # The bank was asked about the first try once, whoever pressed.
    asked = PaymentEvent.select().where(
        (PaymentEvent.payment == tries[0].id) & (PaymentEvent.kind == PaymentEvent.INQUIRY_SENT)
    )
    assert asked.count() == 1
