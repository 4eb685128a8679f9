"""Refunds: the applicant asks for one on a paid request or withdraws it while it waits;
a reviewer approves it (the gateway gives the money back, or staff record the bank
transfer they made) or rejects it with a note the applicant reads.

Approval claims the refund in one conditional UPDATE before the gateway is asked, so
two reviewers, a double click or a replayed form make one refund at most, and counts its
amount on the payment in another (Payment.reserve_refund), so refunds never sum above the
amount paid. A reviewer may refund part of what was asked (KNET's manual §7); the model
refuses more than is left, and a reviewer's own request (models.Refund.check_approvable).
Every refusal is a models.RefundRefused whose `reason` says why.
"""

import logging

from flask import current_app

import clock
from gateways import payments as gw
from models import DailySummary, InsuranceRequest, PaymentEvent, Refund, RefundRefused, StaffMember, db
from models import daily_summary as summary

log = logging.getLogger("tameen.refunds")


def ask(
    insurance_request: InsuranceRequest, *, reason: str, details: str | None, iban: str, account_holder: str
) -> Refund:
    """The applicant asks for what is left of the amount paid back (`iban` already checked);
    RefundRefused when the request is not paid, or a refund is open already."""
    return Refund.ask(
        insurance_request, reason=reason, details=details, iban_text=iban, account_holder=account_holder
    )


def withdraw(insurance_request: InsuranceRequest) -> bool:
    """The applicant takes back the refund that waits: True when there was one to take
    back, and the request is paid again."""
    refund = insurance_request.latest_refund()
    return refund is not None and refund.withdraw()


def approve(
    refund: Refund,
    staff: StaffMember,
    method: str,
    bank_reference: str,
    note: str,
    amount_fils: int | None = None,
) -> bool:
    """Give the money back once (`amount_fils` of it, part of what was asked, when
    given); True when it went back, False when the gateway declined or could not be
    reached (the refund is back in the queue with why). RefundRefused when it must not
    be made at all."""
    payment = refund.check_approvable(staff, amount_fils)
    gateway = current_app.extensions["payment_gateway"]
    if method == Refund.GATEWAY and payment.gateway != gateway.name:
        raise RefundRefused("other_gateway")
    if not refund.claim(staff, amount_fils):
        raise RefundRefused("not_waiting")
    if not payment.reserve_refund(refund.amount_fils):
        refund.release(staff, "Refunds would sum to more than was paid.")
        raise RefundRefused("more_than_paid")
    if method == Refund.BANK_TRANSFER:
        return _complete(refund, staff, Refund.BANK_TRANSFER, bank_reference, note)
    PaymentEvent.record(
        payment.id,
        PaymentEvent.REFUND_SENT,
        {
            "trackid": payment.track_id,
            "transid": payment.transaction_id or "",
            "amount_fils": refund.amount_fils,
        },
    )
    try:
        result = gateway.refund(payment.track_id, payment.transaction_id or "", refund.amount_fils)
    except gw.PaymentError as problem:
        PaymentEvent.record(payment.id, PaymentEvent.REFUND_ANSWER, {"problem": str(problem)[:200]})
        log.warning("refund %s: the gateway could not be asked: %s", refund.id, problem)
        why = problem.detail or type(problem).__name__
        payment.release_refund(refund.amount_fils)
        refund.release(
            staff, f"The gateway could not be reached ({why}). Check with the bank before trying again."
        )
        return False
    answer = gw.without_card_data(result.raw)
    PaymentEvent.record(payment.id, PaymentEvent.REFUND_ANSWER, answer, result_code=result.result_code)
    if not result.done:
        # The gateway's own code and wording, for staff to quote to the bank.
        why = (
            f"{result.error_code}: {result.error_text}"
            if result.error_code and result.error_text
            else result.error_code or result.error_text or result.result_code or "no reason given"
        )
        log.warning("refund %s: the gateway declined: %s", refund.id, why)
        payment.release_refund(refund.amount_fils)
        refund.release(staff, f"The gateway declined the refund: {why}.")
        return False
    log.info("refund %s made through %s: %s", refund.id, gateway.name, result.reference_number)
    return _complete(
        refund,
        staff,
        Refund.GATEWAY,
        result.reference_number or result.result_code,
        note,
        {"result_code": result.result_code, "reference_number": result.reference_number, **result.raw},
    )


def _complete(refund: Refund, staff: StaffMember, *how) -> bool:
    """The refund made, counted on the day's summary row in the same transaction."""
    with db.atomic():
        done = refund.complete(staff, *how)
        if done:
            DailySummary.count_at(clock.now(), summary.REFUNDS, refund.amount_fils)
    return done


def reject(refund: Refund, staff: StaffMember, note: str) -> None:
    """Refuse the refund with a note the applicant reads; the request is paid again.
    RefundRefused when it is the reviewer's own request or it was decided already."""
    if not refund.reject(staff, note):
        raise RefundRefused("not_waiting")
