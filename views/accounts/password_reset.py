"""A forgotten password: civil ID and mobile, a code by SMS, then a new password.

Unknown details get a decoy code and the same pages, so a reset never tells whether an
account exists.
"""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

import clock
from models import OneTimeCode
from services import codes
from views.accounts import bp
from views.accounts.forms import ResetForm
from views.accounts.new_password import choose_password
from views.shared import code_step
from web import rate_limits


@bp.route("/reset", methods=["GET", "POST"])
def reset():
    form = ResetForm()
    if form.validate_on_submit():
        civil_id, mobile = form.civil_id.parsed, form.mobile.parsed
        rate_limits.spend(rate_limits.RESETS_PER_ADDRESS, rate_limits.client_address())
        rate_limits.spend(rate_limits.RESETS_PER_ACCOUNT, civil_id)
        code_step.limit_sending(mobile, civil_id)
        code_step.remember(
            codes.issue_for_reset(
                civil_id, mobile, code_step.secret(), clock.now(), host=code_step.sms_host()
            )
        )
        return redirect(url_for(".reset_code"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/reset/code", methods=["GET", "POST"])
def reset_code():
    return code_step.code_page(
        OneTimeCode.RESET,
        start=".reset",
        resend_page=".reset_resend",
        verified_page=".reset_password",
        heading=_("Check your phone"),
        reset=True,
    )


@bp.post("/reset/code/resend")
def reset_resend():
    return code_step.resend(
        OneTimeCode.RESET, start=".reset", code_page=".reset_code", heading=_("Check your phone"), reset=True
    )


@bp.route("/reset/password", methods=["GET", "POST"])
def reset_password():
    return choose_password(
        OneTimeCode.RESET, start=".reset", done=_("Your password has been changed. You are logged in.")
    )
