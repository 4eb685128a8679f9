"""Paying a request: starting a payment, receiving the gateway's result (the browser
coming back, or the gateway's own notice), settling it, and reconciling payments whose
result never came (a closed tab, a lost connection).

Nothing the browser brings is trusted: a result must verify (signature, or K-Net's
encryption), name a payment we started, carry that payment's amount, and the gateway
must confirm it when asked (the inquiry) before the request is marked paid. Every
state change is a conditional UPDATE (models.Payment), so replays and races settle a
payment once; disagreements are kept as `mismatch` with a note, for staff.
"""
import logging
from collections import Counter
from datetime import timedelta

from flask import current_app

import models
from gateways import payments as gw
from models import InsuranceRequest, Payment
from services import messages

log = logging.getLogger("tameen.payments")

SETTLE_AFTER = timedelta(minutes=3)      # reconcile leaves younger payments to the browser
ASK_BEFORE_REUSE = timedelta(minutes=15)  # an older payment in progress is asked about first
ABANDONED_AFTER = timedelta(hours=1)      # unknown to the gateway this long after: nobody paid
UNPAID = {gw.FAILED: Payment.FAILED, gw.CANCELLED: Payment.CANCELLED}


class PaymentUnavailable(RuntimeError):
    """The gateway could not start the payment; no money was taken, the person may try
    again later. The message says why, for the log."""


def gateway() -> gw.PaymentGateway:
    return current_app.extensions["payment_gateway"]


def start(insurance_request: InsuranceRequest, *, language: str, return_url: str) -> str | None:
    """The address of the gateway's page where the person pays the frozen amount; None
    when nothing is to be paid (any more): not awaiting payment, nothing due (marked
    paid now), or an old payment in progress that turns out to be settled.

    `return_url` is the absolute address the gateway sends the browser back to.
    PaymentUnavailable when the gateway cannot start it."""
    if insurance_request.state == InsuranceRequest.AWAITING_PAYMENT and not insurance_request.total_fils:
        insurance_request.mark_paid(models.now())  # nothing is due: no bank needed
    if insurance_request.state != InsuranceRequest.AWAITING_PAYMENT:
        return None
    waiting = Payment.open_for_request(insurance_request)
    if waiting is not None and waiting.created_at < models.now() - ASK_BEFORE_REUSE:
        settle(waiting, None, abandon=True)
        if InsuranceRequest.get_by_id(insurance_request.id).state != InsuranceRequest.AWAITING_PAYMENT:
            return None
    # A double click, or a second tab, takes the payment already in progress.
    payment = Payment.begin(insurance_request, gateway().name)
    try:
        started = gateway().start(payment.track_id, payment.amount_fils, language=language,
                                  response_url=return_url, error_url=return_url,
                                  description=insurance_request.reference)
    except (gw.PaymentError, ValueError, OSError) as problem:
        log.warning("payment %s could not start: %s", payment.track_id, problem)
        raise PaymentUnavailable(f"payment {payment.track_id}: {problem}") from problem
    return started.url


def receive(params: dict) -> Payment | None:
    """A result as it came back: the payment it settled (or left awaiting), or None
    when it cannot be trusted or names no payment of ours."""
    try:
        claimed = gateway().verify(params)
    except gw.ResultRejected as problem:
        log.warning("payment result refused: %s", problem)
        return None
    payment = Payment.by_track_id(claimed.track_id)
    if payment is None:
        log.warning("payment result for an unknown track id %r", claimed.track_id[:40])
        return None
    settle(payment, claimed)
    return Payment.get_by_id(payment.id)


def settle(payment: Payment, claimed: gw.PaymentResult | None, abandon: bool = False) -> str:
    """Bring `payment` to what the gateway says, once; its state afterwards.

    `claimed` is the verified result the browser or the notice brought (None when
    reconciling). Only the inquiry, server to server, can make a payment paid."""
    if payment.state in (Payment.PAID, Payment.MISMATCH):
        return payment.state  # settled before: a replay changes nothing
    details = Payment.details_of(claimed) if claimed else {}
    signed = claimed is not None and claimed.verified
    if signed and claimed.outcome in UNPAID:
        payment.mark_unpaid(UNPAID[claimed.outcome], details)
        return payment.state
    if signed and claimed.amount_fils is not None and claimed.amount_fils != payment.amount_fils:
        return _mismatch(payment, f"The result claims {claimed.amount_fils} fils; this payment is "
                                  f"{payment.amount_fils} fils.", details)
    try:
        inquiry = gateway().inquire(payment.track_id, payment.amount_fils)
    except gw.GatewayUnavailable as problem:
        log.warning("inquiry about payment %s failed: %s; it stays awaiting", payment.track_id, problem)
        return payment.state
    except gw.ResultRejected as problem:
        return _mismatch(payment, f"The inquiry's answer was refused: {problem}.", details)
    details = Payment.details_of(claimed, inquiry)
    if inquiry.outcome == gw.PAID:
        return _paid(payment, claimed if signed else None, inquiry, details)
    if signed and claimed.outcome == gw.PAID:
        return _mismatch(payment, f"The result says {claimed.result_code}; the inquiry says "
                                  f"{inquiry.result_code or inquiry.outcome}.", details)
    if inquiry.outcome in UNPAID:
        payment.mark_unpaid(UNPAID[inquiry.outcome], details)
    elif (inquiry.outcome == gw.UNKNOWN and claimed is not None) or \
            (abandon or payment.created_at < models.now() - ABANDONED_AFTER):
        # Sent back without a payment, or left unfinished too long. Should the bank
        # capture it after all, mark_paid still takes a late capture.
        payment.mark_unpaid(Payment.CANCELLED, {**details, "note": "Nobody finished paying: the "
                                                f"gateway says {inquiry.result_code or inquiry.outcome}."})
    return payment.state


def _paid(payment: Payment, claimed: gw.PaymentResult | None, inquiry: gw.PaymentResult,
          details: dict) -> str:
    amounts = [found for found in (claimed and claimed.amount_fils, inquiry.amount_fils)
               if found is not None]
    frozen = InsuranceRequest.get_by_id(payment.request_id).total_fils
    if not amounts or any(found != payment.amount_fils for found in amounts) or frozen != payment.amount_fils:
        return _mismatch(payment, f"Captured amount {amounts or 'not given'} fils; this payment is "
                                  f"{payment.amount_fils} fils, the request {frozen} fils.", details)
    if claimed and claimed.payment_id and inquiry.payment_id and claimed.payment_id != inquiry.payment_id:
        return _mismatch(payment, f"The result's payment id {claimed.payment_id} is not the "
                                  f"inquiry's {inquiry.payment_id}.", details)
    if payment.mark_paid(details) == "paid":
        log.info("payment %s paid: request %s", payment.track_id, payment.request_id)
        messages.send_paid_sms(InsuranceRequest.get_by_id(payment.request_id), payment.amount_fils)
    return payment.state


def _mismatch(payment: Payment, note: str, details: dict) -> str:
    if payment.mark_mismatch(note, details):
        log.warning("payment %s recorded as a mismatch: %s", payment.track_id, note)
    return Payment.get_by_id(payment.id).state


def reconcile() -> Counter:
    """Ask the gateway about every payment left awaiting past SETTLE_AFTER; how many
    ended in each state. Safe to run as often as you like (cron): it settles each once."""
    at = models.now()
    counts = Counter()
    for payment in Payment.left_waiting(at - SETTLE_AFTER):
        counts[settle(payment, None, abandon=payment.created_at < at - ABANDONED_AFTER)] += 1
    return counts


def init_app(app) -> None:
    app.extensions["payment_gateway"] = gw.gateway_from_config(app.config)
