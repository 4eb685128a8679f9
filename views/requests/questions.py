"""The question pages of a draft request, one group of questions per page.

Every answer is saved when its page is submitted; confirming on "check your answers"
freezes the request and goes straight on to the bank. With `?change=1` a page returns
to "check your answers" instead of going on to the next question. The people and cover
pages post their form to their own address as it changes, under htmx, and get back
their live quote.

A page saves only its own answers, and only while the request is a draft: a save that
loses to the confirm (another tab, a double submit) changes nothing, and the person is
sent to the request's page to read why.
"""

from functools import wraps

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

import clock
from domain import sponsor as sponsors
from domain.digits import parse_whole_number
from domain.quote import MAX_PEOPLE, max_years_for
from models import InsuranceRequest
from services.double_cover import AlreadyCovered
from services.requests import AnswersChanged, freeze_request
from views.requests.forms import STATUS_LABELS, CoverForm
from views.requests.people_rows import apply_action, read_people, rows_of
from views.requests.review import own_sponsor_message, review
from views.shared.forms import ConfirmForm, SponsorForm
from views.shared.ownership import owned_request
from views.shared.paying import to_the_bank
from views.shared.people_check import check_people
from views.shared.people_messages import cover_problems, first_passport_short
from web.applicant_session import login_required
from web.fee_schedules import active_schedule
from web.htmx import is_htmx
from web.language import select_locale
from web.session_expiry import restored_answers

bp = Blueprint("request_steps", __name__, url_prefix="/requests/<reference>")


@bp.context_processor
def labels():
    return {"status_labels": STATUS_LABELS, "max_people": MAX_PEOPLE}


def draft_step(view):
    """Loads the signed-in person's question page of a draft; past its draft, the page
    shows the request instead, and a save there is one that lost to the confirm."""

    @wraps(view)
    @login_required
    def wrapped(reference):
        insurance_request = owned_request(reference)
        if insurance_request.is_draft:
            return view(insurance_request)
        if request.method == "POST":
            return _not_saved(insurance_request)
        return redirect(url_for("requests.show", reference=insurance_request.reference))

    return wrapped


def _not_saved(insurance_request: InsuranceRequest):
    """The request was confirmed before this page's answers were saved: nothing changed.
    Under htmx the whole page goes, not just the live quote."""
    flash(_("Your change was not saved: the answers of this request have been confirmed."))
    address = url_for("requests.show", reference=insurance_request.reference)
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = address
        return response
    return redirect(address)


def _go_on(insurance_request: InsuranceRequest, next_step: str):
    step = "check" if request.args.get("change") else next_step
    return redirect(url_for(f".{step}", reference=insurance_request.reference))


def _kept_answers() -> dict:
    """A question form's answers kept when the log-in ended, for the page shown after
    logging in again (web/session_expiry.py); else nothing, and the stored answers show."""
    kept = restored_answers() if request.method == "GET" else None
    return {"formdata": kept} if kept else {}


def _page(template: str, insurance_request: InsuranceRequest, **context):
    return render_template(
        template,
        insurance_request=insurance_request,
        schedule=active_schedule(),
        changing=bool(request.args.get("change")),
        **context,
    )


@bp.get("/service")
def service(reference):
    """The individual-or-group question is gone (a request with several people is a
    group): an old link to it goes to the people page."""
    return redirect(url_for(".people", reference=reference))


@bp.route("/people", methods=["GET", "POST"])
@draft_step
def people(insurance_request):
    """The people rows. Under htmx a change gets the live quote back, and a row added or
    removed gets the rows back, in place (with the quote out of band)."""
    if request.method == "POST" and is_htmx() and "action" not in request.form:
        return _live_quote(insurance_request)
    years = insurance_request.years or 1
    if request.method == "GET":
        kept = restored_answers()
        rows = (
            read_people(kept)
            if kept
            else insurance_request.draft_rows() or rows_of(insurance_request.covered())
        )
        checked = check_people(rows, None, active_schedule(), years, clock.today_in_kuwait())
        return _page("requests/people.html", insurance_request, checked=checked, errors={}, focus=None)

    action = request.form.get("action", "continue")
    rows, focus = apply_action(read_people(request.form), action, g.user)
    checked = check_people(rows, None, active_schedule(), years, clock.today_in_kuwait())
    if not insurance_request.save_people(rows, checked.people):
        return _not_saved(insurance_request)
    if action == "continue" and checked.people is not None:
        next_step = _after_people(insurance_request)
        if next_step is None:
            return _not_saved(insurance_request)
        return _go_on(insurance_request, next_step)
    if action == "add" and not is_htmx():
        # A whole page again would open at its top, the new person out of sight below.
        address = url_for(".people", reference=insurance_request.reference, change=request.args.get("change"))
        return redirect(f"{address}#person-{len(rows)}", 303)
    errors = checked.errors if action == "continue" else {}
    if is_htmx() and action != "continue":
        return render_template(
            "requests/_people_rows.html",
            insurance_request=insurance_request,
            schedule=active_schedule(),
            checked=checked,
            errors={},
            focus=focus,
            fragment=True,
        )
    return _page("requests/people.html", insurance_request, checked=checked, errors=errors, focus=focus)


@bp.route("/sponsor", methods=["GET", "POST"])
@draft_step
def sponsor(insurance_request):
    people = insurance_request.covered()
    if insurance_request.sponsor_kind == sponsors.SELF and sponsors.all_self_sponsored(
        active_schedule(), [person.category_code for person in people]
    ):  # nobody else sponsors them: no question
        return _go_on(insurance_request, "cover")
    covered = [person.civil_id for person in people]
    offer_me = sponsors.may_be_the_sponsor(g.user.account_kind, g.user.civil_id, covered)
    if request.method == "POST" and request.form.get("action") == "me":
        if offer_me:
            me = {"name": g.user.full_name(select_locale()), "civil_id": g.user.civil_id}
            if not insurance_request.set_sponsor(sponsors.PERSON, **me):
                return _not_saved(insurance_request)
            return _go_on(insurance_request, "cover")
        form = _stored_sponsor(insurance_request, formdata=None)
        form.sponsor_kind.errors = [own_sponsor_message()]
        return _page("requests/sponsor.html", insurance_request, form=form, offer_me=offer_me)
    form = _stored_sponsor(insurance_request, **_kept_answers())
    if form.validate_on_submit():
        answer = form.answer()
        if sponsors.sponsors_only_self(answer.get("civil_id"), covered):
            form.sponsor_civil_id.errors.append(own_sponsor_message())
        else:
            if not insurance_request.set_sponsor(**answer):
                return _not_saved(insurance_request)
            return _go_on(insurance_request, "cover")
    return _page("requests/sponsor.html", insurance_request, form=form, offer_me=offer_me)


def _stored_sponsor(insurance_request: InsuranceRequest, **kwargs) -> SponsorForm:
    return SponsorForm.of(
        insurance_request.sponsor_kind,
        insurance_request.sponsor_name,
        insurance_request.sponsor_civil_id,
        insurance_request.sponsor_file_number,
        **kwargs,
    )


def _after_people(insurance_request: InsuranceRequest) -> str | None:
    """The next question once the people are saved: none about the sponsor when each of
    them is self-sponsored (Art. 24). None when the request is no longer a draft."""
    codes = [person.category_code for person in insurance_request.covered()]
    if sponsors.all_self_sponsored(active_schedule(), codes):
        if insurance_request.sponsor_kind != sponsors.SELF and not insurance_request.set_sponsor(
            sponsors.SELF
        ):
            return None
        return "cover"
    if insurance_request.sponsor_kind == sponsors.SELF and not insurance_request.clear_sponsor():
        return None
    return "sponsor"


@bp.route("/cover", methods=["GET", "POST"])
@draft_step
def cover(insurance_request):
    if request.method == "POST" and is_htmx():
        return _live_quote(insurance_request)
    schedule, today = active_schedule(), clock.today_in_kuwait()
    people = insurance_request.covered()
    max_years = max_years_for(schedule, [p.category_code for p in people])
    form = CoverForm(
        max_years,
        **_kept_answers(),
        insurance_status=insurance_request.insurance_status,
        years=str(insurance_request.years or 1),
        current_cover_end=(insurance_request.current_cover_end or "")
        and insurance_request.current_cover_end.strftime("%d/%m/%Y"),
    )
    short = None
    if form.validate_on_submit():
        problems = cover_problems(
            people, form.years.parsed, form.insurance_status.data, form.current_cover_end.parsed, today
        )
        if not problems:
            if not insurance_request.set_cover(
                form.insurance_status.data, form.years.parsed, form.current_cover_end.parsed
            ):
                return _not_saved(insurance_request)
            return _go_on(insurance_request, "check")
        form.years.errors.extend(problems)
        short = first_passport_short(
            people, form.years.parsed, form.insurance_status.data, form.current_cover_end.parsed, today
        )
    rows = rows_of(people)
    years = parse_whole_number(form.years.data or "") or insurance_request.years or 1
    checked = check_people(rows, insurance_request.service_type, schedule, years, today)
    return _page("requests/cover.html", insurance_request, form=form, checked=checked, passports_short=short)


def _live_quote(insurance_request: InsuranceRequest):
    """The quote for whatever the page holds now; people rows typed so far are kept as the
    draft, and nothing else is saved until the page is submitted."""
    schedule, today = active_schedule(), clock.today_in_kuwait()
    typed = any(key.startswith("people-") for key in request.form)
    rows = read_people(request.form) if typed else rows_of(insurance_request.covered())
    if typed and not insurance_request.save_people(rows, None):
        return _not_saved(insurance_request)
    years = parse_whole_number(request.form.get("years", "")) or insurance_request.years or 1
    checked = check_people(rows, None if typed else insurance_request.service_type, schedule, years, today)
    return render_template("partials/request_quote.html", checked=checked, schedule=schedule)


@bp.route("/check", methods=["GET", "POST"])
@login_required
def check(reference):
    insurance_request = owned_request(reference)
    if not insurance_request.is_draft:  # confirmed already: a double click, a second tab
        return redirect(url_for("requests.show", reference=insurance_request.reference))
    next_step = insurance_request.first_unanswered_step()
    if next_step != "check":
        return redirect(url_for(f".{next_step}", reference=insurance_request.reference))
    schedule, today = active_schedule(), clock.today_in_kuwait()
    result = review(insurance_request, schedule, today)
    form = ConfirmForm()
    if form.validate_on_submit() and not result.problems:
        try:
            frozen = freeze_request(insurance_request, schedule, today, _seen_version())
        except AnswersChanged:
            # Changed in another tab, or by a save racing this one: the page again, as stored.
            return _stale_check(insurance_request)
        except AlreadyCovered:  # paid meanwhile in another tab: the page says by which request
            result, form = review(insurance_request, schedule, today), ConfirmForm(formdata=None)
            return _page("requests/check.html", insurance_request, form=form, review=result)
        if not frozen:  # confirmed meanwhile by a second tab or click, which went to the bank
            return redirect(url_for("requests.show", reference=insurance_request.reference))
        return to_the_bank(insurance_request)
    return _page("requests/check.html", insurance_request, form=form, review=result)


def _seen_version() -> int | None:
    """The version of the answers the check page showed (None from a form without it:
    the answers as this request read them). Anything unreadable matches no version."""
    seen = request.form.get("version")
    if seen is None:
        return None
    return int(seen) if seen.isdigit() and len(seen) < 10 else -1


def _stale_check(insurance_request: InsuranceRequest):
    fresh = InsuranceRequest.get_by_id(insurance_request.id)
    if not fresh.is_draft:
        return redirect(url_for("requests.show", reference=fresh.reference))
    next_step = fresh.first_unanswered_step()
    if next_step != "check":
        return redirect(url_for(f".{next_step}", reference=fresh.reference))
    return _page(
        "requests/check.html",
        fresh,
        form=ConfirmForm(formdata=None),
        review=review(fresh, active_schedule(), clock.today_in_kuwait()),
        answers_changed=True,
    )
