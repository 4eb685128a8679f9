"""The account holder's own page: their details, and changing them."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

import clock
from models import OneTimeCode
from services import accounts, codes
from views.accounts import reminder_link
from views.accounts.forms import (
    ACCOUNT_KINDS,
    GENDERS,
    GOVERNORATES,
    LANGUAGES,
    DetailsForm,
    MobileForm,
    labels,
)
from views.shared import code_step
from views.shared.forms import CodeForm
from web import rate_limits
from web.applicant_session import login_required, password_hasher
from web.language import select_locale

bp = Blueprint("profile", __name__, url_prefix="/account")
bp.register_blueprint(reminder_link.bp)  # no log-in: the link in a reminder SMS

LABELS = {
    "gender": labels(GENDERS),
    "language": labels(LANGUAGES),
    "governorate": labels(GOVERNORATES),
    "account_kind": labels(ACCOUNT_KINDS),
}


@bp.get("/")
@login_required
def show():
    return render_template("accounts/account.html", user=g.user, labels=LABELS)


@bp.post("/reminders")
@login_required
def reminders():
    """Renewal reminders on or off; the button says which, so pressing it twice is harmless."""
    on = request.form.get("reminders") == "on"
    g.user.set_reminders(on, clock.now())
    flash(_("Renewal reminders are on.") if on else _("Renewal reminders are off."))
    return redirect(url_for(".show"))


@bp.route("/details", methods=["GET", "POST"])
@login_required
def details():
    form = DetailsForm(obj=g.user, reader_language=select_locale())
    if form.validate_on_submit():
        details = {field.name: field.data for field in form if field.name != "csrf_token"}
        accounts.save_details(g.user, **details)
        flash(_("Your details have been saved."))
        return redirect(url_for(".show"))
    return render_template("accounts/details.html", form=form)


@bp.route("/mobile", methods=["GET", "POST"])
@login_required
def mobile():
    form = MobileForm()
    if form.validate_on_submit():
        new_mobile = form.mobile.parsed
        rate_limits.ensure_below(rate_limits.PASSWORD_CHECKS_PER_ACCOUNT, g.user.civil_id)
        if not g.user.check_password(form.password.data, password_hasher()):
            rate_limits.count(rate_limits.PASSWORD_CHECKS_PER_ACCOUNT, g.user.civil_id)
            form.password.errors.append(_("The password is not right"))
        elif new_mobile == g.user.mobile:
            form.mobile.errors.append(_("This is already the mobile number on your account"))
        else:
            code_step.limit_sending(new_mobile, g.user.civil_id)
            row = codes.issue(
                OneTimeCode.CHANGE_MOBILE,
                new_mobile,
                g.user,
                code_step.secret(),
                clock.now(),
                host=code_step.sms_host(),
            )
            code_step.remember(row)
            return redirect(url_for(".mobile_code"))
    return render_template("accounts/mobile.html", form=form)


@bp.route("/mobile/code", methods=["GET", "POST"])
@login_required
def mobile_code():
    row = code_step.pending(OneTimeCode.CHANGE_MOBILE, g.user)
    if row is None:
        return redirect(url_for(".mobile"))
    form = CodeForm()
    check = code_step.check_code(row, form)
    if check and check.status == "ok":
        code_step.forget_verified()
        shown = code_step.shown_mobile(row.mobile)
        flash(_("Your mobile number is now %(mobile)s.", mobile=shown))
        return redirect(url_for(".show"))
    return code_step.render_code_page(
        row,
        form,
        heading=_("Check your new phone"),
        code_url=url_for(".mobile_code"),
        resend_url=url_for(".mobile_resend"),
    )


@bp.post("/mobile/code/resend")
@login_required
def mobile_resend():
    return code_step.resend(
        OneTimeCode.CHANGE_MOBILE,
        start=".mobile",
        code_page=".mobile_code",
        heading=_("Check your new phone"),
        user=g.user,
    )
