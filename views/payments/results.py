"""The gateway's results: the browser coming back from the bank's page, and the
gateway's own server-to-server notice. services/payments.py decides what a result
is worth; these pages only say where the person goes next."""
from flask import redirect, render_template, request, url_for

from models import InsuranceRequest
from services import payments
from views.payments.blueprints import payments as bp

SETTLED_REQUEST = (InsuranceRequest.PAID, InsuranceRequest.REFUND_REQUESTED,
                   InsuranceRequest.REFUNDED)


def after_payment(request_id: int, external: bool = False) -> str:
    """Where a person goes once a payment is settled, or not: the receipt, or the request."""
    insurance_request = InsuranceRequest.get_by_id(request_id)
    endpoint = "receipts.receipt" if insurance_request.state in SETTLED_REQUEST else "requests.show"
    return url_for(endpoint, reference=insurance_request.reference, _external=external)


@bp.route("/payments/return", methods=["GET", "POST"])
def gateway_return():
    """The browser back from the gateway. It may arrive without the session cookie
    (K-Net posts across sites), so this touches no session and only redirects."""
    payment = payments.receive(request.values.to_dict())
    if payment is None:
        return render_template("payments/problem.html"), 400
    return redirect(after_payment(payment.request_id), 303)


@bp.post("/payments/notify")
def notify():
    """The gateway calling us itself. Authenticated by the result's signature (or
    encryption), not by a session; answers as K-Net expects: REDIRECT=<address>."""
    payment = payments.receive(request.values.to_dict())
    if payment is None:
        return "REJECTED", 400, {"Content-Type": "text/plain; charset=utf-8"}
    target = after_payment(payment.request_id, external=True)
    return f"REDIRECT={target}", 200, {"Content-Type": "text/plain; charset=utf-8"}
