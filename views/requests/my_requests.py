"""My requests: the list, starting one, resuming one, and a request's own page."""
from flask import Blueprint, abort, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from models import InsuranceRequest
from web.applicant_session import login_required
from web.fee_schedules import active_schedule, schedule_of

bp = Blueprint("requests", __name__, url_prefix="/requests")

STATE_LABELS = {
    InsuranceRequest.DRAFT: _l("Draft"),
    InsuranceRequest.AWAITING_PAYMENT: _l("Awaiting payment"),
    InsuranceRequest.PAID: _l("Paid"),
    InsuranceRequest.REFUND_REQUESTED: _l("Refund requested"),
    InsuranceRequest.REFUNDED: _l("Refunded"),
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
