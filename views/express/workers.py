"""The workers an express payment covers (up to ten: civil ID, name, category, passport
expiry), then the years. Each page saves its answers when submitted; adding and removing
a worker are buttons, so every page works without JavaScript."""

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

import clock
from domain import cover
from domain import quote as rules
from domain.civil_id import InvalidCivilId, birth_date, parse_civil_id
from domain.dates import parse_date
from domain.quote import max_years_for
from services import express
from views.calculator_answers import problem_message
from views.express.journey import allowed_choices, bp, draft_only, in_journey
from views.requests.forms import CIVIL_ID_PROBLEMS
from views.requests.people_rows import name_problem
from views.requests.review import cover_problems
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
    workers = []
    if len(rows) > express.MAX_WORKERS:
        errors["add-person"] = _(
            "One express payment covers at most %(max)d workers.", max=express.MAX_WORKERS
        )
    for index, row in enumerate(rows):
        prefix = f"people-{index}"
        worker = {
            "civil_id": None,
            "name": row["name"],
            "category_code": row["category"],
            "passport_number": "",
            "passport_expiry": None,
        }
        try:
            worker["civil_id"] = parse_civil_id(row["civil_id"], today=today)
        except InvalidCivilId as problem:
            errors[f"{prefix}-civil_id"] = (
                str(CIVIL_ID_PROBLEMS[problem.reason])
                if row["civil_id"]
                else _("Enter the person's civil ID number")
            )
        problem = name_problem(row["name"])
        if problem:
            errors[f"{prefix}-name"] = problem
        if row["category"] not in allowed:
            errors[f"{prefix}-category"] = _(
                "Express payment is only for these categories: choose one from the list."
            )
        worker["passport_expiry"] = parse_date(row["passport_expiry"]) if row["passport_expiry"] else None
        if not row["passport_expiry"]:
            errors[f"{prefix}-passport_expiry"] = _("Enter the date the passport expires")
        elif worker["passport_expiry"] is None:
            errors[f"{prefix}-passport_expiry"] = _("Enter a real date, like 31/03/2028")
        workers.append(worker)

    covered = [cover.CoveredPerson(w["civil_id"], w["passport_expiry"]) for w in workers]
    for problem in cover.people_problems(covered, "group", today):
        prefix = f"people-{problem.index}"
        if problem.code == cover.DUPLICATE_PERSON:
            errors.setdefault(f"{prefix}-civil_id", _("This person is already on this request"))
        elif problem.code == cover.PASSPORT_EXPIRED:
            errors.setdefault(
                f"{prefix}-passport_expiry", _("This passport has expired. Renew it before paying")
            )
    if not errors:
        people = [rules.PersonToQuote(w["category_code"], birth_date(w["civil_id"])) for w in workers]
        quoted = rules.quote(schedule, people, 1, today)
        categories = [row["category"] for row in rows]
        for problem in quoted.problems:
            field_id, message = problem_message(problem, schedule, categories, age_field="civil_id")
            errors.setdefault(field_id, message)
    ordered = {
        f"people-{i}-{name}": errors[f"people-{i}-{name}"]
        for i in range(len(rows))
        for name in FIELDS
        if f"people-{i}-{name}" in errors
    }
    ordered.update((key, value) for key, value in errors.items() if key not in ordered)
    return ordered, None if ordered else workers


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


@bp.route("/years", methods=["GET", "POST"])
@in_journey
@draft_only
def years(insurance_request):
    if not insurance_request.people.exists():
        return redirect(url_for(".workers"))
    schedule, today = active_schedule(), clock.today_in_kuwait()
    people = insurance_request.covered()
    most = max_years_for(schedule, [p.category_code for p in people])
    error = None
    chosen = insurance_request.years
    if request.method == "POST":
        typed = request.form.get("years", "")
        chosen = int(typed) if typed.isdigit() and len(typed) < 3 else None
        if chosen is None or not 1 <= chosen <= most:
            error = _("Choose between %(min)d and %(max)d years.", min=1, max=most)
        else:
            problems = cover_problems(people, chosen, "new", None, today)
            if problems:
                error = problems[0]
            elif express.choose_years(insurance_request, chosen):
                return redirect(url_for(".check"))
            else:
                return redirect(url_for(".pay"))
    errors = {"years": error} if error else {}
    return render_template(
        "express/years.html", insurance_request=insurance_request, most=most, chosen=chosen, errors=errors
    )
