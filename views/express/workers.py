"""The workers an express payment covers (up to ten: civil ID, name, category, passport
expiry), then new or renewal and the years. Each page saves its answers when submitted; adding and removing
a worker are buttons, so every page works without JavaScript."""

from dataclasses import asdict
from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

import clock
from domain import people
from domain.quote import max_years_for
from services import express
from views.express.journey import allowed_choices, bp, draft_only, in_journey
from views.shared.new_or_renewal import NewOrRenewalFields, shown_date
from views.shared.people_messages import cover_problems, field_id, in_page_order, person_message
from views.shared.quote_messages import problem_message
from web.fee_schedules import active_schedule
from web.form_rows import read_rows, removed_row
from web.language import select_locale

FIELDS = ("civil_id", "name", "category", "passport_expiry")


def _empty(categories: list[str]) -> dict[str, str]:
    row = dict.fromkeys(FIELDS, "")
    if len(categories) == 1:
        row["category"] = categories[0]  # the only choice: chosen already
    return row


def check_workers(rows: list[dict], allowed: list[str], schedule, today: date):
    """(errors by field id in page order, the workers to store or None)."""
    errors: dict[str, str] = {}
    if len(rows) > express.MAX_WORKERS:
        errors["add-person"] = _(
            "One express payment covers at most %(max)d workers.", max=express.MAX_WORKERS
        )
    typed = [people.TypedPerson(**row) for row in rows]
    checked = people.check_people(typed, "group", today, allowed, asks_passport_number=False)
    for problem in checked.problems:
        errors.setdefault(field_id(problem), _worker_message(problem))
    if not errors:
        quoted = people.quote_people(schedule, checked.people, 1, today)
        categories = [row["category"] for row in rows]
        for problem in quoted.problems:
            field, message = problem_message(problem, schedule, categories, age_field="civil_id")
            errors.setdefault(field, message)
    ordered = in_page_order(errors, len(rows), FIELDS)
    return ordered, None if ordered else [asdict(worker) for worker in checked.people]


def _worker_message(problem: people.Problem) -> str:
    if problem.code in (people.CATEGORY_MISSING, people.CATEGORY_NOT_ALLOWED):
        return _("Express payment is only for these categories: choose one from the list.")
    return person_message(problem)


@bp.route("/workers", methods=["GET", "POST"])
@in_journey
@draft_only
def workers(insurance_request):
    schedule, today = active_schedule(), clock.today_in_kuwait()
    choices = allowed_choices(select_locale())
    allowed = [code for code, _label in choices]
    errors, focus = {}, None
    if request.method == "GET":
        rows = insurance_request.draft_rows() or [_empty(allowed)]
    else:
        rows = read_rows(request.form, "people", FIELDS) or [_empty(allowed)]
        action = request.form.get("action")
        index = removed_row(action, len(rows))
        if action == "add":
            if len(rows) < express.MAX_WORKERS:
                rows.append(_empty(allowed))
                focus = f"people-{len(rows) - 1}-civil_id"
            else:
                errors["add-person"] = _(
                    "One express payment covers at most %(max)d workers.", max=express.MAX_WORKERS
                )
            express.save_workers(insurance_request, rows[: express.MAX_WORKERS], None)
        elif index is not None:
            del rows[index]
            focus = "add-person"
            express.save_workers(insurance_request, rows, None)
        else:
            errors, valid = check_workers(rows, allowed, schedule, today)
            if not express.save_workers(insurance_request, rows, valid):
                return redirect(url_for(".pay"))
            if valid is not None:
                return redirect(url_for(".check" if request.args.get("change") else ".years"))
    return render_template(
        "express/workers.html",
        insurance_request=insurance_request,
        rows=rows,
        errors=errors,
        focus=focus,
        choices=choices,
    )


class CoverForm(NewOrRenewalFields, FlaskForm):
    pass


@bp.route("/years", methods=["GET", "POST"])
@in_journey
@draft_only
def years(insurance_request):
    """New or renewal (with the current cover's end), and the years: one page."""
    if not insurance_request.people.exists():
        return redirect(url_for(".workers"))
    schedule, today = active_schedule(), clock.today_in_kuwait()
    people = insurance_request.covered()
    most = max_years_for(schedule, [p.category_code for p in people])
    form = CoverForm(
        insurance_status=insurance_request.insurance_status,
        current_cover_end=shown_date(insurance_request.current_cover_end),
    )
    chosen, years_error = insurance_request.years, None
    if form.is_submitted():
        typed = request.form.get("years", "")
        chosen = int(typed) if typed.isdigit() and len(typed) < 3 else None
        answered = form.validate()
        if chosen is None or not 1 <= chosen <= most:
            years_error = _("Choose between %(min)d and %(max)d years.", min=1, max=most)
        elif answered:
            status, current_cover_end = form.cover_answer()
            problems = cover_problems(people, chosen, status, current_cover_end, today)
            if problems:
                years_error = problems[0]
            elif express.choose_cover(insurance_request, status, chosen, current_cover_end):
                return redirect(url_for(".check"))
            else:
                return redirect(url_for(".pay"))
    errors = {name: messages[0] for name, messages in form.errors.items() if name != "csrf_token"}
    if years_error:
        errors["years"] = years_error
    return render_template(
        "express/years.html",
        insurance_request=insurance_request,
        form=form,
        most=most,
        chosen=chosen,
        errors=errors,
    )
