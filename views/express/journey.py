"""The express journey's blueprint and what its pages share: the request of this
browser's journey, kept in the session once the sponsor has proved the mobile."""

from functools import wraps

from flask import Blueprint, abort, current_app, redirect, session, url_for

from models import ExpressSponsor, InsuranceRequest
from services import express
from views.shared.paying import EXPRESS_JOURNEY
from web.fee_schedules import active_schedule

bp = Blueprint("express", __name__, url_prefix="/express")

SPONSOR = "express_sponsor"  # civil ID and mobile typed, until the code is right
JOURNEY = EXPRESS_JOURNEY  # the request this browser is paying for


@bp.before_request
def switched_on():
    if not current_app.config.get("EXPRESS_CATEGORIES"):
        abort(404)  # the operator turned express payment off


@bp.context_processor
def shared():
    return {"max_workers": express.MAX_WORKERS}


def begin(sponsor: ExpressSponsor) -> None:
    session.pop(SPONSOR, None)
    session[JOURNEY] = sponsor.request_id


def journey_request() -> InsuranceRequest | None:
    request_id = session.get(JOURNEY)
    if not isinstance(request_id, int):
        return None
    return InsuranceRequest.get_or_none(
        (InsuranceRequest.id == request_id) & InsuranceRequest.owner.is_null()
    )


def in_journey(view):
    """Pages of the request this browser started: without one, back to the start."""

    @wraps(view)
    def wrapped(**kwargs):
        insurance_request = journey_request()
        if insurance_request is None:
            return redirect(url_for(".start"))
        return view(insurance_request, **kwargs)

    return wrapped


def draft_only(view):
    """Question pages: once confirmed, the answers stay as they are; on to paying."""

    @wraps(view)
    def wrapped(insurance_request):
        if not insurance_request.is_draft:
            return redirect(url_for(".pay"))
        return view(insurance_request)

    return wrapped


def allowed_choices(locale: str) -> list[tuple[str, str]]:
    schedule = active_schedule()
    return [(code, schedule.category(code).label(locale)) for code in express.allowed_categories(schedule)]
