"""Checking the answers, paying, and the receipt behind its secret link. Pricing,
freezing and paying are the account holder's code (services/requests.py,
services/payments.py); the receipt is the same page, reached by its link instead of by
an account."""

import re

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

import clock
from domain.quote import PersonToQuote, quote
from models import ExpressSponsor, InsuranceRequest
from services import express, payments, reminders
from services.double_cover import AlreadyCovered, already_covered
from services.requests import AnswersChanged, freeze_request
from views.express.journey import begin, bp, draft_only, in_journey, journey_request
from views.shared.already_covered import covered_message, renewals_to_offer
from views.shared.forms import ConfirmForm
from views.shared.new_or_renewal import LABELS
from views.shared.paying import bank_page
from views.shared.people_messages import cover_problems
from views.shared.receipt_page import receipt_page
from web.fee_schedules import active_schedule, schedule_of

_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,64}")


def _problems(insurance_request, schedule, today) -> list[tuple[str, str]]:
    """(page to change, message) for what stops this request being paid now."""
    if not express.only_allowed(insurance_request, schedule):
        return [("workers", _("Express payment is only for these categories: choose one from the list."))]
    if not insurance_request.years:
        return [("years", _("Choose the number of years"))]
    people = insurance_request.covered()
    names = {person.civil_id: person.name for person in people}
    return [
        ("years", message)
        for message in cover_problems(
            people,
            insurance_request.years,
            insurance_request.insurance_status,
            insurance_request.current_cover_end,
            today,
        )
    ] + [("workers", covered_message(cover, names)) for cover in already_covered(insurance_request, today)]


@bp.route("/check", methods=["GET", "POST"])
@in_journey
@draft_only
def check(insurance_request):
    if not insurance_request.people.exists():
        return redirect(url_for(".workers"))
    if not insurance_request.years or not insurance_request.insurance_status:
        return redirect(url_for(".years"))
    schedule, today = active_schedule(), clock.today_in_kuwait()
    problems = _problems(insurance_request, schedule, today)
    form = ConfirmForm()
    answers_changed = False
    if form.validate_on_submit() and not problems:
        seen = request.form.get("version", "")
        try:
            freeze_request(
                insurance_request, schedule, today, int(seen) if seen.isdigit() and len(seen) < 10 else -1
            )
        except AnswersChanged:
            insurance_request = InsuranceRequest.get_by_id(insurance_request.id)
            answers_changed, form = True, ConfirmForm(formdata=None)
        except AlreadyCovered:  # paid meanwhile in another tab
            problems, form = _problems(insurance_request, schedule, today), ConfirmForm(formdata=None)
        else:
            return redirect(url_for(".pay"))
    people = [PersonToQuote(p.category_code, p.birth_date()) for p in insurance_request.covered()]
    return render_template(
        "express/check.html",
        insurance_request=insurance_request,
        form=form,
        problems=problems,
        answers_changed=answers_changed,
        renewals=renewals_to_offer(already_covered(insurance_request, today)),
        quote=quote(schedule, people, insurance_request.years, today),
        schedule=schedule,
        status_labels=LABELS,
    )


@bp.post("/renew-paid/<reference>")
@in_journey
def renew_paid(insurance_request, reference):
    """From check answers, when a worker is covered already: renew that paid request of
    this sponsor (the same civil ID and mobile, proved by code) instead of paying again."""
    previous = InsuranceRequest.get_or_none(InsuranceRequest.reference == reference)
    sponsor = ExpressSponsor.of_request(insurance_request)
    if previous is None or sponsor is None:
        abort(404)
    try:
        renewal = reminders.start_express_renewal(
            previous, sponsor.civil_id, sponsor.mobile, sponsor.language
        )
    except reminders.RenewalRefused:
        abort(404)  # another sponsor's request, or not one to renew: nothing to tell
    begin(renewal)
    return redirect(url_for(".check"))


@bp.route("/pay", methods=["GET", "POST"])
@in_journey
def pay(insurance_request):
    if insurance_request.is_draft:
        return redirect(url_for(".check"))
    sponsor = ExpressSponsor.of_request(insurance_request)
    if insurance_request.state in InsuranceRequest.SETTLED:
        return redirect(url_for(".receipt", token=sponsor.receipt_token))
    if request.method == "POST":  # CSRFProtect has checked the token
        try:
            gateway_page = bank_page(insurance_request)
        except payments.PaymentUnavailable:
            return render_template("express/unavailable.html"), 503
        if gateway_page is None:
            return redirect(url_for(".pay"), 303)
        return redirect(gateway_page, 303)
    return render_template(
        "express/pay.html", insurance_request=insurance_request, schedule=schedule_of(insurance_request)
    )


def sponsor_by_token(token: str, live: bool = True) -> ExpressSponsor:
    """The express sponsor whose receipt link this is; an unknown link is a 404, and an
    expired one (unless `live` is False) goes to its receipt page, which offers a new one."""
    found = ExpressSponsor.by_token(token) if _TOKEN.fullmatch(token) else None
    if found is None:
        abort(404)
    if live and express.link_expired(found):
        abort(redirect(url_for(".receipt", token=token), 303))
    return found


SECRET_PAGE = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def expired_page(sponsor: ExpressSponsor, token: str, problem: str | None = None):
    """An expired link's page: it shows nothing of the request, and offers a new link by
    a code to the sponsor's mobile (views/express/new_link.py)."""
    page = render_template(
        "express/link_expired.html",
        token=token,
        days=current_app.config["EXPRESS_LINK_DAYS"],
        mobile_end=sponsor.mobile[-3:],
        problem=problem,
    )
    return page, 200, SECRET_PAGE


@bp.get("/receipts/<token>")
def receipt(token):
    sponsor = sponsor_by_token(token, live=False)
    if express.link_expired(sponsor):
        return expired_page(sponsor, token)
    insurance_request = sponsor.request
    found = insurance_request.receipt() if insurance_request.state in InsuranceRequest.SETTLED else None
    if found is None:
        mine = journey_request()
        if mine is not None and mine.id == insurance_request.id:
            return redirect(url_for(".pay"))  # back from the bank without paying
        abort(404)
    people = insurance_request.covered()  # at most MAX_WORKERS: one page
    response = receipt_page(insurance_request, found, people, express_sponsor=sponsor)
    # The link is the key: never sent on to another site, never indexed.
    return response, 200, SECRET_PAGE
