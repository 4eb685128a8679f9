"""Paying a request: starting a payment, receiving the gateway's result (the browser
coming back, or the gateway's own notice), settling it, and reconciling payments whose
result never came (a closed tab, a lost connection) or that may still be captured.

Nothing the browser brings is trusted: a result must verify (signature, or K-Net's
encryption), name a payment we started, carry that payment's amount, and the gateway
must confirm it when asked (the inquiry) before the request is marked paid. Every
state change is a conditional UPDATE (models.Payment), so replays and races settle a
payment once; disagreements are kept as `mismatch` with a note, for staff.

Every message to and from the bank is a row of the payment's history (PaymentEvent),
never changed: the request sent, each result (a notice kept both encrypted and
decrypted), each inquiry and its answer.

Asking the gateway costs a call that may wait up to its timeout, and anyone can bring
a track id back in clear: the gateway is asked about a payment at most once every
ASK_AT_MOST_EVERY, whoever asks, and never about a paid one.
"""

import logging
from collections import Counter
from datetime import timedelta

from flask import current_app

import clock
from gateways import payments as gw
from models import DailySummary, InsuranceRequest, Payment, PaymentEvent, db
from models import daily_summary as summary
from models.payments import GAVE_UP_NOTE
from models.requests import writing
from services import messages, settlement

log = logging.getLogger("tameen.payments")

OPENING_FOR = timedelta(minutes=2)  # a second press this soon goes to the same bank page
SETTLE_AFTER = timedelta(minutes=3)  # reconcile leaves younger payments to the browser
ABANDONED_AFTER = timedelta(hours=1)  # unknown to the gateway this long after: nobody paid
ASK_AT_MOST_EVERY = timedelta(seconds=30)  # one inquiry per payment in this time, whoever asks
REVISIT_FOR = timedelta(hours=24)  # a closed payment may still be captured this long...
REVISIT_EVERY = timedelta(hours=1)  # ...so reconcile asks about it again this often
CAPTURED_LATE = "captured late"  # reconcile's count of the closed ones found captured
INQUIRY_FAILED = "inquiry failed"  # reconcile's count of inquiries the gateway answered with no result
UNPAID = {gw.FAILED: Payment.FAILED, gw.CANCELLED: Payment.CANCELLED}
SETTLED = (Payment.PAID, Payment.MISMATCH)
CANCELLED_BY_CUSTOMER = "IPAY0100048"  # K-Net's error URL code for a cancel on its page


class PaymentUnavailable(RuntimeError):
    """The gateway could not start the payment; no money was taken, the person may try
    again later. The message says why, for the log."""


def gateway() -> gw.PaymentGateway:
    return current_app.extensions["payment_gateway"]


def start(
    insurance_request: InsuranceRequest, *, language: str, return_url: str, notify_url: str | None = None
) -> str | None:
    """The address of the gateway's page where the person pays the frozen amount; None
    when nothing is to be paid (any more): not awaiting payment, nothing due (marked
    paid now), or a payment in progress that turns out to be paid.

    `return_url` is the absolute address the gateway sends the browser back to;
    `notify_url` the one a gateway's server posts results to (K-Net's current flow).
    PaymentUnavailable when the gateway cannot start it."""
    if insurance_request.state == InsuranceRequest.AWAITING_PAYMENT and not insurance_request.total_fils:
        settlement.settle_free(insurance_request)  # nothing is due: no bank needed
    if insurance_request.state != InsuranceRequest.AWAITING_PAYMENT:
        return None
    waiting = Payment.open_for_request(insurance_request)
    if waiting is not None:
        # The try in progress may have been paid in another tab, or its return lost: ask
        # (at most once in ASK_AT_MOST_EVERY) before paying again. Past OPENING_FOR, a
        # press is a new try with a new track id, and the old one is given up.
        if settle(waiting, None, abandon=not waiting.is_opening(OPENING_FOR)) in SETTLED:
            insurance_request = InsuranceRequest.get_by_id(insurance_request.id)
    # A press within OPENING_FOR of the last one (a double tap, ten at once) gets the same
    # try back, and the same bank page: one bank session.
    payment = Payment.begin(insurance_request, gateway().name, OPENING_FOR)
    if payment is None:
        return None
    try:
        started = gateway().start(
            payment.track_id,
            payment.amount_fils,
            language=language,
            return_url=return_url,
            notify_url=notify_url,
            description=insurance_request.reference,
        )
    except (gw.PaymentError, ValueError, OSError) as problem:
        log.warning("payment %s could not start: %s", payment.track_id, problem)
        raise PaymentUnavailable(f"payment {payment.track_id}: {problem}") from problem
    PaymentEvent.record(
        payment.id,
        PaymentEvent.REQUEST_SENT,
        {
            "trackid": payment.track_id,
            "amount_fils": payment.amount_fils,
            "language": language,
            "return_url": return_url,
            "notify_url": notify_url or "",
        },
    )
    return started.url


def receive(params: dict) -> Payment | None:
    """A result the browser brought back: the payment it settled (or left awaiting), or
    None when it cannot be trusted or names no payment of ours."""
    found = _claimed_payment(params, "result")
    if found is None:
        return None
    payment, claimed = found
    settle(payment, claimed)
    tell_result(payment)
    return Payment.get_by_id(payment.id)


def take_notice(params: dict) -> Payment | None:
    """The gateway's server telling us a result (K-Net's current flow): the payment it
    names, or None when it cannot be trusted or names no payment of ours.

    The bank waits for our answer and voids the payment when it is slow or wrong, so
    this never asks the bank: a failure or cancellation it signed closes the payment
    now; a capture it signed is kept on the payment and confirmed by the inquiry when
    the browser arrives where we send it, or by reconcile."""
    found = _claimed_payment(params, "notice")
    if found is None:
        return None
    payment, claimed = found
    if claimed.verified:
        settle(payment, claimed, ask=False)
    return Payment.get_by_id(payment.id)


def _claimed_payment(params: dict, what: str) -> tuple[Payment, gw.PaymentResult] | None:
    try:
        claimed = gateway().verify(params)
    except gw.ResultRejected as problem:
        log.warning("payment %s refused: %s", what, problem)
        return None
    payment = Payment.by_track_id(claimed.track_id)
    if payment is None:
        log.warning("payment %s for an unknown track id %r", what, claimed.track_id[:40])
        return None
    PaymentEvent.record(
        payment.id,
        PaymentEvent.NOTICE if what == "notice" else PaymentEvent.BROWSER,
        gw.without_card_data(claimed.raw),
        encrypted=str(params.get("trandata") or "")[:8192] or None,
        signed=claimed.verified,
        outcome=claimed.outcome,
        result_code=claimed.result_code,
    )
    return payment, claimed


def settle(
    payment: Payment,
    claimed: gw.PaymentResult | None,
    abandon: bool = False,
    ask: bool = True,
    revisit: bool = False,
    problems: Counter | None = None,
) -> str:
    """Bring `payment` to what the gateway says, once; its state afterwards.

    `claimed` is the result the browser or the notice brought (None when reconciling);
    only a signed one counts for more than naming the payment. Only the inquiry, server
    to server, can make a payment paid; `ask=False` never makes one. A closed payment
    (failed, cancelled) is asked about again only when reconcile revisits it or the
    gateway signed a capture of it. An inquiry the gateway did not answer counts as
    INQUIRY_FAILED in `problems`, when given."""
    if payment.state in SETTLED:
        return payment.state  # settled before: a replay changes nothing, nobody is asked
    details = Payment.details_of(claimed) if claimed else {}
    signed = claimed is not None and claimed.verified
    if signed and claimed.outcome in UNPAID:
        payment.mark_unpaid(UNPAID[claimed.outcome], details)
        return payment.state
    if signed and claimed.amount_fils is not None and claimed.amount_fils != payment.amount_fils:
        return _mismatch(
            payment,
            f"The result claims {claimed.amount_fils} fils; this payment is {payment.amount_fils} fils.",
            details,
        )
    claimed_capture = signed and claimed.outcome == gw.PAID
    # A capture the bank signed before (its notice, then the browser in clear) still
    # counts: an inquiry that denies it is a disagreement for staff, not a failure.
    signed_capture = claimed.result_code if claimed_capture else _signed_capture_seen(payment)
    if payment.state in Payment.CLOSED and not (revisit or signed_capture):
        return payment.state
    if not ask:
        if claimed_capture:
            payment.keep_claim(details)
        return payment.state
    if not payment.claim_inquiry(clock.now(), ASK_AT_MOST_EVERY):
        if claimed_capture:
            payment.keep_claim(details)  # for reconcile, which asks soon
        return payment.state  # asked a moment ago (or settled meanwhile): not again yet
    asked = {"trackid": payment.track_id, "amount_fils": payment.amount_fils}
    PaymentEvent.record(payment.id, PaymentEvent.INQUIRY_SENT, asked)
    try:
        inquiry = gateway().inquire(payment.track_id, payment.amount_fils)
    except gw.GatewayUnavailable as problem:
        PaymentEvent.record(payment.id, PaymentEvent.INQUIRY_FAILED, _problem(problem))
        if problems is not None:
            problems[INQUIRY_FAILED] += 1
        log.warning(
            "inquiry about payment %s failed: %s; it stays %s", payment.track_id, problem, payment.state
        )
        return _give_up_on_errors(payment, problem)
    except gw.ResultRejected as problem:
        PaymentEvent.record(payment.id, PaymentEvent.INQUIRY_FAILED, _problem(problem))
        return _mismatch(payment, f"The inquiry's answer was refused: {problem}.", details)
    PaymentEvent.record(
        payment.id,
        PaymentEvent.INQUIRY_ANSWER,
        gw.without_card_data(inquiry.raw),
        signed=inquiry.verified,
        outcome=inquiry.outcome,
        result_code=inquiry.result_code,
    )
    details = Payment.details_of(claimed, inquiry)
    if inquiry.outcome == gw.PAID:
        return _paid(payment, claimed if signed else None, inquiry, details)
    if signed_capture:
        return _mismatch(
            payment,
            f"The bank signed {signed_capture}; the inquiry says {inquiry.result_code or inquiry.outcome}.",
            details,
        )
    if payment.state in Payment.CLOSED:
        return payment.state  # still not captured: it stays closed
    if inquiry.outcome in UNPAID:
        payment.mark_unpaid(UNPAID[inquiry.outcome], details)
    elif (
        inquiry.outcome == gw.UNKNOWN and claimed is not None and claimed.result_code == CANCELLED_BY_CUSTOMER
    ):
        # Back from the bank's page cancelled, and the bank has no transaction: nothing was
        # paid (reconcile still asks again for a day, should it turn up captured).
        payment.mark_unpaid(Payment.CANCELLED, {**details, "result_code": CANCELLED_BY_CUSTOMER})
    elif abandon or payment.created_at < clock.now() - ABANDONED_AFTER:
        # Replaced by a new try, or left unfinished too long. (Not sooner: a track id
        # in clear that the bank does not know yet may be the person still on its page.)
        # Should the bank capture it after all, reconcile asks again for a day.
        payment.mark_unpaid(
            Payment.CANCELLED,
            {
                **details,
                "note": f"Nobody finished paying: the gateway says {inquiry.result_code or inquiry.outcome}.",
            },
        )
    return payment.state


def _signed_capture_seen(payment: Payment) -> str | None:
    """The result word of a capture the bank signed for this payment before, if any."""
    earlier = PaymentEvent.signed_capture(payment.id)
    return (earlier.result_code or gw.PAID) if earlier else None


def _problem(problem: gw.PaymentError) -> dict:
    return {"problem": str(problem)[:200], "detail": problem.detail[:200], "kind": type(problem).__name__}


def _paid(
    payment: Payment, claimed: gw.PaymentResult | None, inquiry: gw.PaymentResult, details: dict
) -> str:
    amounts = [found for found in (claimed and claimed.amount_fils, inquiry.amount_fils) if found is not None]
    if not amounts and payment.noticed_fils is not None:
        amounts = [payment.noticed_fils]  # an inquiry without `amt`: the signed notice's
    frozen = InsuranceRequest.get_by_id(payment.request_id).total_fils
    if not amounts or any(found != payment.amount_fils for found in amounts) or frozen != payment.amount_fils:
        return _mismatch(
            payment,
            f"Captured amount {amounts or 'not given'} fils; this payment is "
            f"{payment.amount_fils} fils, the request {frozen} fils.",
            details,
        )
    if claimed and claimed.payment_id and inquiry.payment_id and claimed.payment_id != inquiry.payment_id:
        return _mismatch(
            payment,
            f"The result's payment id {claimed.payment_id} is not the inquiry's {inquiry.payment_id}.",
            details,
        )
    if payment.state in Payment.CLOSED:
        details = {
            **details,
            "note": f"Captured late: it had been closed as {payment.state} "
            f"({payment.result_code or 'no result code'}).",
        }
    outcome = settlement.settle_paid(payment, details)
    if outcome == settlement.PAID:
        log.info("payment %s paid: request %s", payment.track_id, payment.request_id)
    elif outcome == settlement.TWICE:
        log.warning("payment %s captured, but its request was paid already: kept to refund", payment.track_id)
    return payment.state


def give_up_after() -> timedelta:
    """How long after it started a payment whose inquiries keep answering an error is
    closed as failed (KNET_INQUIRY_GIVE_UP_HOURS)."""
    return timedelta(hours=current_app.config.get("KNET_INQUIRY_GIVE_UP_HOURS", 24))


def _give_up_on_errors(payment: Payment, problem: gw.GatewayUnavailable) -> str:
    """The manual (§3.5.5) counts an inquiry answering an error as failed; one error may
    be the bank's passing trouble, so a payment is closed as failed, with the last code,
    only when its inquiries still error past the give-up age. The usual revisits for a
    day after still find a late capture."""
    code = getattr(problem, "code", "")
    if not code or payment.state != Payment.AWAITING or payment.created_at > clock.now() - give_up_after():
        return payment.state
    note = (
        f"{GAVE_UP_NOTE} {give_up_after().total_seconds() / 3600:g} hours after the payment started "
        f"({problem.detail or code})."
    )
    if payment.mark_unpaid(Payment.FAILED, {"result_code": code[:60], "note": note}):
        log.warning("payment %s closed as failed: %s", payment.track_id, note)
    return Payment.get_by_id(payment.id).state


def _mismatch(payment: Payment, note: str, details: dict) -> str:
    with db.atomic():
        recorded = payment.mark_mismatch(note, details)
        if recorded:
            DailySummary.count_at(clock.now(), summary.MISMATCHES)
    if recorded:
        log.warning("payment %s recorded as a mismatch: %s", payment.track_id, note)
    return Payment.get_by_id(payment.id).state


def reconcile() -> Counter:
    """Ask the gateway about every payment left awaiting past SETTLE_AFTER, and again
    about those closed as failed or cancelled in the last REVISIT_FOR (a bank may
    capture them after all); how many ended in each state, how many closed ones were
    found captured, and how many inquiries the gateway did not answer (INQUIRY_FAILED).
    Safe to run as often as you like (a timer): it settles each once."""
    at = clock.now()
    counts = Counter()
    # Older ones were closed by the give-up age, unless they have waited for a bank that
    # cannot be reached at all since: those are left to staff, not asked about each run.
    for payment in Payment.left_waiting(at - SETTLE_AFTER, newer_than=at - give_up_after() - REVISIT_FOR):
        counts[settle(payment, None, abandon=payment.created_at < at - ABANDONED_AFTER, problems=counts)] += 1
        tell_result(payment)
    for payment in Payment.closed_since(at - REVISIT_FOR, asked_before=at - REVISIT_EVERY):
        state = settle(payment, None, revisit=True, problems=counts)
        if state in SETTLED:
            log.warning("payment %s was captured after it was closed", payment.track_id)
            counts[CAPTURED_LATE] += 1
        if state == Payment.MISMATCH:
            counts[Payment.MISMATCH] += 1
        tell_result(payment)
    return counts


def tell_result(payment: Payment) -> bool:
    """Send the person the try's result with the manual's fields, once (SMS, and e-mail
    where the account has an address): paid, or closed by the bank's own word. A try
    given up (replaced by a newer one, nobody finished it) has a note and is not told;
    a mismatch waits for staff. Never from the bank's notice, which waits for our
    answer: the browser's arrival (where the notice sends it) or reconcile tells it."""
    payment = Payment.get_by_id(payment.id)
    tellable = payment.state == Payment.PAID or (payment.state in Payment.CLOSED and not payment.note)
    if not tellable:
        return False
    insurance_request = InsuranceRequest.get_by_id(payment.request_id)
    with writing():  # told once: the claim and the SMS in the outbox, or neither
        if not payment.claim_telling(clock.now()):
            return False
        messages.tell_payment_result(insurance_request, payment)
    messages.email_payment_result(insurance_request, payment)
    return True


def init_app(app) -> None:
    app.extensions["payment_gateway"] = gw.gateway_from_config(app.config)
