"""My requests: the list, starting one, resuming one, a request's own page, and taking
a confirmed one back to its questions ("Change the answers"). Renewing a paid one is in
views/requests/renewal.py, registered here."""
from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from models import InsuranceRequest
from services.requests import ReopenRefused, reopen_request
from views.requests import renewal
from web.applicant_session import login_required
from web.fee_schedules import active_schedule, schedule_of

bp = Blueprint("requests", __name__, url_prefix="/requests")
bp.register_blueprint(renewal.bp)

STATE_LABELS = {
    InsuranceRequest.DRAFT: _l("Draft"),
    InsuranceRequest.AWAITING_PAYMENT: _l("Awaiting payment"),
    InsuranceRequest.PAID: _l("Paid"),
    InsuranceRequest.REFUND_REQUESTED: _l("Refund requested"),
    InsuranceRequest.REFUNDED: _l("Refunded"),
}


REOPEN_REFUSALS = {
    "payment_in_progress": _l("A payment of this request is in progress at the bank, so the answers "
                              "cannot change now. Wait for the bank's answer, then try again."),
    "not_awaiting_payment": _l("The answers of this request can no longer change: it has been paid."),
}


@bp.context_processor
def labels():
    return {"state_labels": STATE_LABELS, "schedule": active_schedule()}


def owned_request(reference: str) -> InsuranceRequest:
    """The signed-in person's request; anyone else's, or none, is a 404."""
    found = InsuranceRequest.of_owner(g.user, reference.upper())
    if found is None:
        abort(404)
    return found


@bp.get("")
@login_required
def my_requests():
    requests = g.user.requests.order_by(InsuranceRequest.updated_at.desc())
    return render_template("requests/list.html", requests=requests)


@bp.post("/new")
@login_required
def start():
    insurance_request = InsuranceRequest.start(g.user)
    return redirect(url_for("request_steps.service", reference=insurance_request.reference))


@bp.get("/<reference>")
@login_required
def show(reference):
    insurance_request = owned_request(reference)
    if insurance_request.is_draft:
        return redirect(url_for(f"request_steps.{insurance_request.first_unanswered_step()}",
                                reference=insurance_request.reference))
    return render_template("requests/show.html", insurance_request=insurance_request,
                           schedule=schedule_of(insurance_request))


@bp.post("/<reference>/change-answers")
@login_required
def change_answers(reference):
    """Back to the questions from awaiting payment: the amount is worked out again when
    the person confirms again. Never while a payment waits at the bank."""
    insurance_request = owned_request(reference)
    if insurance_request.is_draft:  # a double click: already open for changes
        return redirect(url_for("request_steps.check", reference=insurance_request.reference))
    try:
        reopen_request(insurance_request)
    except ReopenRefused as refused:
        flash(REOPEN_REFUSALS[refused.reason])
        return redirect(url_for(".show", reference=insurance_request.reference))
    flash(_("You can change the answers now. Confirm them again before paying."))
    return redirect(url_for("request_steps.check", reference=insurance_request.reference))
