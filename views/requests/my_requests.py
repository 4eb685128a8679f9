"""My requests: the list, starting one, resuming one, a request's own page, and taking
a confirmed one back to its questions ("Change the answers"). Renewing a paid one is in
views/requests/renewal.py, registered here."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import clock
from models import InsuranceRequest, InsuredPerson
from services.double_cover import can_renew, renewed_by
from services.requests import ReopenRefused, reopen_request
from views.requests import renewal
from views.requests.people_rows import from_calculator
from views.shared.calculator_answers import read_answers
from views.shared.ownership import owned_request
from web.applicant_session import login_required
from web.fee_schedules import active_schedule, schedule_of

bp = Blueprint("requests", __name__, url_prefix="/requests")
bp.register_blueprint(renewal.bp)

REOPEN_REFUSALS = {
    "payment_in_progress": _l(
        "A payment of this request is in progress at the bank, so the answers "
        "cannot change now. Wait for the bank's answer, then try again."
    ),
    "not_awaiting_payment": _l("The answers of this request can no longer change: it has been paid."),
}


@bp.context_processor
def labels():
    return {
        "schedule": active_schedule(),
        "renewed_by": renewed_by,
        "can_renew": lambda insurance_request: can_renew(insurance_request, clock.today_in_kuwait()),
    }


@bp.get("")
@login_required
def my_requests():
    requests = list(g.user.requests.order_by(InsuranceRequest.updated_at.desc()))
    return render_template("requests/list.html", requests=requests, covers=_people_named(requests))


def _people_named(requests: list[InsuranceRequest]) -> dict[int, list[str]]:
    """Each request's people by name, in their order: one query for the whole list."""
    names: dict[int, list[str]] = {}
    people = (
        InsuredPerson.select(InsuredPerson.request, InsuredPerson.name)
        .where(InsuredPerson.request.in_([item.id for item in requests]))
        .order_by(InsuredPerson.request, InsuredPerson.position)
    )
    for person in people:
        names.setdefault(person.request_id, []).append(person.name)
    return names


@bp.route("/new", methods=["GET", "POST"])
def start():
    """A new request: the "Start a new request" button posts; the start page's link and
    the calculator's "Start a request with these answers" get, and a GET, which may be
    prefetched or repeated, reuses the person's newest draft that has no answers yet.
    Signed out, the person registers (or logs in from there) and comes back here."""
    if g.get("user") is None:
        if request.method == "POST":
            return redirect(url_for("accounts.login"))
        return redirect(url_for("accounts.register", next=request.full_path.rstrip("?")))
    if request.method == "POST":
        insurance_request = InsuranceRequest.start(g.user)
    else:
        insurance_request = InsuranceRequest.reuse_or_start(g.user)
        if any(key == "years" or key.startswith("people-") for key in request.args):
            rows, years = from_calculator(read_answers(request.args), active_schedule())
            insurance_request.prefill(rows, years)
    return redirect(url_for("request_steps.people", reference=insurance_request.reference))


@bp.get("/<reference>")
@login_required
def show(reference):
    insurance_request = owned_request(reference)
    if insurance_request.is_draft:
        return redirect(
            url_for(
                f"request_steps.{insurance_request.first_unanswered_step()}",
                reference=insurance_request.reference,
            )
        )
    return render_template(
        "requests/show.html", insurance_request=insurance_request, schedule=schedule_of(insurance_request)
    )


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
