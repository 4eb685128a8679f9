"""The Pay button, and the check page's "Confirm and continue to payment" once it has
frozen the request: a new try at paying it, the browser sent to the gateway's page.
services/payments.py does the work; this page only shows where the request stands, or
that the bank cannot be reached."""

from flask import redirect, render_template, url_for

from services import payments
from views.payments.blueprints import payments as bp
from views.payments.results import after_payment
from views.shared.ownership import owned_request
from web.applicant_session import login_required
from web.language import select_locale


@bp.post("/requests/<reference>/pay")
@login_required
def pay(reference):
    return to_the_bank(owned_request(reference))


def to_the_bank(insurance_request):
    try:
        gateway_page = payments.start(
            insurance_request,
            language=select_locale(),
            return_url=url_for("payments.gateway_return", _external=True),
            notify_url=url_for("payments.notify", _external=True),
        )
    except payments.PaymentUnavailable:
        return render_template("payments/unavailable.html", insurance_request=insurance_request), 503
    if gateway_page is None:
        return redirect(after_payment(insurance_request.id), 303)
    return redirect(gateway_page, 303)
