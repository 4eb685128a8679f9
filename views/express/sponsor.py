"""The sponsor's civil ID and mobile, and the SMS code that proves the mobile. The same
code rules and limits as an account's (views/shared/code_step.py, services/codes.py);
no account is looked up, so the pages tell nothing about accounts."""

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

import clock
from models import ExpressSponsor, InsuranceRequest, OneTimeCode
from services import codes, express, reminders
from views.express.journey import SPONSOR, allowed_choices, begin, bp
from views.shared import code_step
from views.shared.forms import CodeForm, civil_id_field, mobile_field
from web.language import select_locale

RENEWING = "express_renewing"  # the receipt token of the request a reminder's link renews


class SponsorForm(FlaskForm):
    civil_id = civil_id_field()
    mobile = mobile_field()


@bp.get("/renew/<token>")
def renew(token):
    """A reminder's link: the sponsor proves the mobile again, then pays for the same
    workers, prefilled, as a renewal."""
    paid_by = ExpressSponsor.by_token(token)
    if paid_by is None or paid_by.request.state != InsuranceRequest.PAID:
        abort(404)
    if express.link_expired(paid_by):
        return redirect(url_for(".receipt", token=token))  # the page that offers a new link
    session[RENEWING] = token
    return redirect(url_for(".start"))


def _renewing() -> ExpressSponsor | None:
    token = session.get(RENEWING)
    found = ExpressSponsor.by_token(token) if isinstance(token, str) else None
    return found if found is not None and not express.link_expired(found) else None


@bp.route("", methods=["GET", "POST"])
def start():
    renewing = _renewing()
    form = SponsorForm(data={"civil_id": renewing.civil_id} if renewing else None)
    if form.validate_on_submit():
        civil_id, mobile = form.civil_id.parsed, form.mobile.parsed
        code_step.limit_sending(mobile, civil_id)
        row = codes.issue_for_express(
            OneTimeCode.EXPRESS,
            mobile,
            select_locale(),
            code_step.secret(),
            clock.now(),
            host=code_step.sms_host(),
        )
        code_step.remember(row)
        session[SPONSOR] = {"civil_id": civil_id, "mobile": mobile}
        return redirect(url_for(".code"))
    return render_template(
        "express/start.html", form=form, renewing=renewing, categories=allowed_choices(select_locale())
    )


def _pending() -> tuple[OneTimeCode | None, dict]:
    typed = session.get(SPONSOR) or {}
    row = code_step.pending(OneTimeCode.EXPRESS)
    if row is None or row.mobile != typed.get("mobile") or not typed.get("civil_id"):
        return None, typed
    return row, typed


@bp.route("/code", methods=["GET", "POST"])
def code():
    row, typed = _pending()
    if row is None:
        return redirect(url_for(".start"))
    form = CodeForm()
    check = code_step.check_code(row, form)
    if check and check.status == "ok":
        session.pop(code_step.PENDING, None)
        begin(_started(typed["civil_id"], row.mobile))
        return redirect(url_for(".workers"))
    return code_step.render_code_page(
        row, form, heading=_("Check your phone"), code_url=url_for(".code"), resend_url=url_for(".resend")
    )


def _started(civil_id: str, mobile: str) -> ExpressSponsor:
    """A renewal of the request a reminder's link named, when this sponsor paid it;
    otherwise a new express request."""
    renewing = _renewing()
    session.pop(RENEWING, None)
    if renewing is not None:
        try:
            return reminders.start_express_renewal(renewing.request, civil_id, mobile, select_locale())
        except reminders.RenewalRefused:
            pass  # another sponsor's link, or renewed already: a fresh request instead
    return express.start(civil_id, mobile, select_locale())


@bp.post("/code/resend")
def resend():
    row, _typed = _pending()
    if row is None:
        return redirect(url_for(".start"))
    problem = code_step.send_express_again(row, select_locale())
    if problem is None:
        return redirect(url_for(".code"))
    return code_step.render_code_page(
        row,
        CodeForm(formdata=None),
        heading=_("Check your phone"),
        code_url=url_for(".code"),
        resend_url=url_for(request.endpoint),
        resend_problem=problem,
    )
