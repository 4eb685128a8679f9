"""Sending a person to the bank for a frozen request, and where they go once a payment
is settled or not: the request pages, the Pay button and the bank's return share these."""

from flask import g, redirect, render_template, session, url_for

from models import ExpressSponsor, InsuranceRequest
from services import payments
from web.language import select_locale

# The express request this browser is paying for (views/express/journey.py keeps it).
EXPRESS_JOURNEY = "express_request"


def started_here(request_id: int) -> bool:
    """Whether this browser's session is the one paying for the request: its account's
    log-in, or the express journey that started it. Only that session is sent on to the
    request or its receipt; a track id names a payment, and opens nothing."""
    insurance_request = InsuranceRequest.get_or_none(InsuranceRequest.id == request_id)
    if insurance_request is None:
        return False
    if insurance_request.owner_id is None:
        return session.get(EXPRESS_JOURNEY) == insurance_request.id
    user = g.get("user")
    return user is not None and user.id == insurance_request.owner_id


def after_payment(request_id: int, external: bool = False) -> str:
    """Where a person goes once a payment is settled, or not: the receipt, or the request."""
    insurance_request = InsuranceRequest.get_by_id(request_id)
    if insurance_request.owner_id is None:  # paid without an account: its secret link
        sponsor = ExpressSponsor.of_request(insurance_request)
        return url_for("express.receipt", token=sponsor.receipt_token, _external=external)
    endpoint = "receipts.receipt" if insurance_request.state in InsuranceRequest.SETTLED else "requests.show"
    return url_for(endpoint, reference=insurance_request.reference, _external=external)


def bank_page(insurance_request) -> str | None:
    """The bank's page where the person pays the frozen request, in their language; None
    when nothing is to be paid (any more). payments.PaymentUnavailable when the bank
    cannot start it."""
    return payments.start(
        insurance_request,
        language=select_locale(),
        return_url=url_for("payments.gateway_return", _external=True),
        notify_url=url_for("payments.notify", _external=True),
    )


def to_the_bank(insurance_request):
    try:
        gateway_page = bank_page(insurance_request)
    except payments.PaymentUnavailable:
        return render_template("payments/unavailable.html", insurance_request=insurance_request), 503
    if gateway_page is None:
        return redirect(after_payment(insurance_request.id), 303)
    return redirect(gateway_page, 303)
