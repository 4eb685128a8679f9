"""The public fee calculator and the live quote partial."""

from flask import Blueprint, request

import clock
from domain.quote import MAX_PEOPLE
from views.shared.calculator_answers import apply_action, check, read_answers
from web.fee_schedules import active_schedule
from web.htmx import render_page_or_partial
from web.page_cache import public_page

bp = Blueprint("fees", __name__)


def _calculator(values):
    schedule = active_schedule()
    answers, focus = apply_action(read_answers(values), values.get("action"))
    checked = check(answers, schedule, clock.today_in_kuwait())
    # A fresh form, or one that just gained or lost a row, shows no errors yet:
    # they appear once the person answers or asks to recalculate.
    show_errors = "years" in values and focus is None
    return dict(
        schedule=schedule,
        checked=checked,
        quote=checked.quote,
        errors=checked.errors if show_errors else {},
        focus=focus,
        max_years=max(c.max_years for c in schedule.categories),
        max_people=MAX_PEOPLE,
    )


@bp.get("/fees")
def calculator():
    return public_page(
        lambda: render_page_or_partial("fees.html", "partials/calculator.html", **_calculator(request.args))
    )


@bp.route("/quote", methods=["GET", "POST"])
def quote():
    values = request.form if request.method == "POST" else request.args

    # The quote, and each field's error beside it and the link to start a request with
    # these answers, out of band.
    def build():
        return render_page_or_partial("fees.html", "partials/calculator_live.html", **_calculator(values))

    return public_page(build) if request.method == "GET" else build()
