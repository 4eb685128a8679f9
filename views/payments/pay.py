"""Paying a request: the Pay button, the gateway's results (the browser coming back
and the gateway's own server-to-server notice), and reconciling payments whose result
never came (a closed tab, a lost connection).

Nothing the browser brings is trusted: a result must verify (signature, or K-Net's
encryption), name a payment we started, carry that payment's amount, and the gateway
must confirm it when asked (the inquiry) before the request is marked paid. Every
state change is a conditional UPDATE (models.Payment), so replays and races settle a
payment once; disagreements are kept as `mismatch` with a note, for staff.
"""
import logging
from collections import Counter
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for

import models
from gateways import payments as gw
from models import InsuranceRequest, Payment
from services import messages as sms
from web.applicant_session import login_required
from web.language import select_locale
from views.requests.my_requests import owned_request

log = logging.getLogger("tameen.payments")
bp = Blueprint("payments", __name__)

SETTLE_AFTER = timedelta(minutes=3)      # reconcile leaves younger payments to the browser
ASK_BEFORE_REUSE = timedelta(minutes=15)  # an older payment in progress is asked about first
ABANDONED_AFTER = timedelta(hours=1)      # unknown to the gateway this long after: nobody paid
UNPAID = {gw.FAILED: Payment.FAILED, gw.CANCELLED: Payment.CANCELLED}
SETTLED_REQUEST = (InsuranceRequest.PAID, InsuranceRequest.REFUND_REQUESTED,
                   InsuranceRequest.REFUNDED)


def gateway() -> gw.PaymentGateway:
    return current_app.extensions["payment_gateway"]


def _after(insurance_request: InsuranceRequest, external: bool = False):
    """Where a person goes once a payment is settled, or not: the receipt, or the request."""
    endpoint = "receipts.receipt" if insurance_request.state in SETTLED_REQUEST else "requests.show"
    return url_for(endpoint, reference=insurance_request.reference, _external=external)


@bp.post("/requests/<reference>/pay")
@login_required
def pay(reference):
    insurance_request = owned_request(reference)
    if insurance_request.state == InsuranceRequest.AWAITING_PAYMENT and not insurance_request.total_fils:
        insurance_request.mark_paid(models.now())  # nothing is due: no bank needed
    if insurance_request.state != InsuranceRequest.AWAITING_PAYMENT:
        return redirect(_after(insurance_request), 303)
    waiting = Payment.open_for_request(insurance_request)
    if waiting is not None and waiting.created_at < models.now() - ASK_BEFORE_REUSE:
        settle(waiting, None, abandon=True)
        insurance_request = InsuranceRequest.get_by_id(insurance_request.id)
        if insurance_request.state != InsuranceRequest.AWAITING_PAYMENT:
            return redirect(_after(insurance_request), 303)
    # A double click, or a second tab, takes the payment already in progress.
    payment = Payment.begin(insurance_request, gateway().name)
    back = url_for(".gateway_return", _external=True)
    try:
        started = gateway().start(payment.track_id, payment.amount_fils, language=select_locale(),
                                  response_url=back, error_url=back,
                                  description=insurance_request.reference)
    except (gw.PaymentError, ValueError, OSError) as problem:
        log.warning("payment %s could not start: %s", payment.track_id, problem)
        return render_template("payments/unavailable.html", insurance_request=insurance_request), 503
    return redirect(started.url, 303)


@bp.route("/payments/return", methods=["GET", "POST"])
def gateway_return():
    """The browser back from the gateway. It may arrive without the session cookie
    (K-Net posts across sites), so this touches no session and only redirects."""
    payment = receive(request.values.to_dict())
    if payment is None:
        return render_template("payments/problem.html"), 400
    return redirect(_after(InsuranceRequest.get_by_id(payment.request_id)), 303)


@bp.post("/payments/notify")
def notify():
    """The gateway calling us itself. Authenticated by the result's signature (or
    encryption), not by a session; answers as K-Net expects: REDIRECT=<address>."""
    payment = receive(request.values.to_dict())
    if payment is None:
        return "REJECTED", 400, {"Content-Type": "text/plain; charset=utf-8"}
    target = _after(InsuranceRequest.get_by_id(payment.request_id), external=True)
    return f"REDIRECT={target}", 200, {"Content-Type": "text/plain; charset=utf-8"}


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


def _paid(payment, claimed, inquiry, details) -> str:
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
        sms.send_paid_sms(InsuranceRequest.get_by_id(payment.request_id), payment.amount_fils)
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
    # The gateway's results come from the bank's pages and servers: no CSRF token,
    # authenticated by their signature instead.
    app.extensions["csrf"].exempt(gateway_return)
    app.extensions["csrf"].exempt(notify)
    app.jinja_env.globals["payment_sandbox"] = app.extensions["payment_gateway"].is_test
