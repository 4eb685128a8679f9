"""Renewing a paid request: a new draft with its people, sponsor and categories, from
the Renew button on "My requests" or the request's page (which post here directly), or
the link in a renewal reminder (a page with the button)."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from models import InsuranceRequest
from services.double_cover import renewed_by
from services.reminders import RenewalRefused, open_renewal, start_renewal
from views.shared.ownership import owned_request
from web.applicant_session import login_required

# Registered on the requests blueprint (views/requests/my_requests.py): /requests/<ref>/renew.
bp = Blueprint("renewal", __name__)


@bp.get("/<reference>/renew")
@login_required
def renew_page(reference):
    """Where the SMS link lands: a GET changes nothing, the button below starts it."""
    insurance_request = owned_request(reference)
    started = open_renewal(insurance_request)
    return render_template(
        "requests/renew.html",
        insurance_request=insurance_request,
        started=started,
        renewal=renewed_by(insurance_request),
        paid=insurance_request.state == InsuranceRequest.PAID,
    )


@bp.post("/<reference>/renew")
@login_required
def renew(reference):
    insurance_request = owned_request(reference)
    try:
        renewal = start_renewal(insurance_request, g.user)
    except RenewalRefused as refused:
        if str(refused) == "renewed":
            flash(_("This request has been renewed already: its people are covered by the renewal."))
        else:
            flash(_("Only a paid request can be renewed."))
        return redirect(url_for("requests.show", reference=insurance_request.reference))
    flash(_("Your renewal has the same people, sponsor and categories. Check each answer, then confirm it."))
    # Every answer is known from the paid request, so straight to checking them (which
    # sends a renewal that still lacks one to its question, and a confirmed one to its page).
    return redirect(url_for("request_steps.check", reference=renewal.reference))
