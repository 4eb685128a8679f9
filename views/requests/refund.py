"""The applicant's side of refunds: ask for one on a paid request (reason, Kuwaiti IBAN,
account holder), and withdraw it while it waits. Its status shows on the request's page."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from models import InsuranceRequest
from services import refunds
from views.shared.ownership import owned_request
from views.shared.refund_form import RefundForm, take_refund_request
from web.applicant_session import login_required

bp = Blueprint("refunds", __name__, url_prefix="/requests")


def _can_ask(insurance_request: InsuranceRequest) -> bool:
    return insurance_request.state == InsuranceRequest.PAID and bool(insurance_request.total_fils)


@bp.route("/<reference>/refund", methods=["GET", "POST"])
@login_required
def ask(reference):
    insurance_request = owned_request(reference)
    if not _can_ask(insurance_request):
        return redirect(url_for("requests.show", reference=insurance_request.reference), 303)
    form = RefundForm()
    if form.validate_on_submit():
        take_refund_request(insurance_request, form)
        return redirect(url_for("requests.show", reference=insurance_request.reference), 303)
    return render_template(
        "refunds/ask.html",
        form=form,
        insurance_request=insurance_request,
        receipt=insurance_request.receipt(),
    )


@bp.post("/<reference>/refund/withdraw")
@login_required
def withdraw(reference):
    insurance_request = owned_request(reference)
    if refunds.withdraw(insurance_request):  # CSRFProtect has checked the token
        flash(_("You have withdrawn your refund request. The request stays paid."))
    return redirect(url_for("requests.show", reference=insurance_request.reference), 303)
