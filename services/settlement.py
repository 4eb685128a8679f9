"""Settling a request: the money taken (or nothing due) makes the request paid, once,
with its receipt and its audit record, in one transaction. Each record changes by its
own conditional UPDATE (models), so a replayed or racing result settles it once; this
module decides what follows from each one's answer.
"""

from datetime import datetime

import clock
from domain import renewals
from domain.dates import kuwait_day
from models import SYSTEM, DailySummary, InsuranceRequest, Payment, Receipt, Reminder, Renewal, audit, db
from models import daily_summary as summary
from models.requests import writing

PAID = "paid"  # this call settled it
ALREADY = "already"  # an earlier call had: a replay, or the notice and the browser racing
TWICE = "twice"  # the money was taken, but the request was paid by another payment


def settle_paid(payment: Payment, details: dict) -> str:
    """Record the money as taken and the request as paid, in one transaction: PAID,
    ALREADY or TWICE (the payment is then kept as a mismatch, to refund)."""
    at = clock.now()
    with db.atomic():
        if not payment.record_paid(details, at):
            return ALREADY
        if not mark_request_paid(InsuranceRequest.get_by_id(payment.request_id), at, payment):
            payment.record_paid_twice()
            DailySummary.count_at(at, summary.MISMATCHES)
            return TWICE
        DailySummary.count_at(at, summary.PAYMENTS, payment.amount_fils)
    return PAID


def settle_free(insurance_request: InsuranceRequest) -> bool:
    """A request with nothing to pay (everyone exempt) is paid now, with its receipt;
    False when it no longer awaits payment or something is due."""
    return mark_request_paid(insurance_request, clock.now())


def mark_request_paid(
    insurance_request: InsuranceRequest, at: datetime, payment: Payment | None = None
) -> bool:
    """Awaiting payment to paid, once, with its receipt and audit record; False when it
    was not awaiting payment or its frozen total is not the amount of `payment` (nothing
    at all without one). Its cover starts on the Kuwait day of `at`."""
    amount = payment.amount_fils if payment else 0
    with writing():
        # Held: the answers the cover is worked out from cannot change before it is paid.
        held = InsuranceRequest.held(insurance_request.id)
        cover = renewals.paid_cover(kuwait_day(at), held.insurance_status, held.current_cover_end, held.years)
        if not insurance_request.record_paid(at, amount, cover):
            return False
        Receipt.create(request=insurance_request, payment=payment, amount_fils=amount, paid_at=at)
        audit(
            "request.paid",
            insurance_request,
            before={"state": InsuranceRequest.AWAITING_PAYMENT},
            after={
                "state": InsuranceRequest.PAID,
                "amount_fils": amount,
                "payment": payment.id if payment else None,
            },
            actor=SYSTEM if payment else None,
        )
        if _followed_a_reminder(insurance_request):
            DailySummary.count_at(at, summary.RENEWALS_FOLLOWED)
    return True


def _followed_a_reminder(insurance_request: InsuranceRequest) -> bool:
    """A renewal started after a reminder about the request it renews had been sent."""
    return (
        Renewal.select()
        .join(Reminder, on=(Reminder.request == Renewal.previous))
        .where(
            (Renewal.request == insurance_request.id)
            & Reminder.sent_at.is_null(False)
            & (Reminder.sent_at <= Renewal.created_at)
        )
        .exists()
    )
