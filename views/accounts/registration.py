"""Creating an account: the form, the code sent to the mobile, then a password.

A civil ID that already has an account gets the same pages; the SMS to the number typed
says so instead of carrying a code, and how its owner claims it at the desk.
"""
from flask import redirect, render_template, url_for
from flask_babel import gettext as _

import models
from models import OneTimeCode, User
from services import codes
from views.accounts import bp, code_step
from views.accounts.forms import RegistrationForm
from views.accounts.new_password import choose_password
from web.language import select_locale


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegistrationForm(language=select_locale())
    if form.validate_on_submit():
        civil_id, mobile = form.civil_id.parsed, form.mobile.parsed
        code_step.limit_sending(mobile, civil_id)
        details = {name: form[name].data for name in User.DETAILS} | {"mobile": mobile}
        user, duplicate = User.start_registration(civil_id, details)
        try:
            if duplicate:
                # The same next page as anyone; the number typed hears how to claim the civil ID.
                row = codes.issue_for_taken_civil_id(mobile, form.language.data,
                                                     code_step.secret(), models.now())
            else:
                row = codes.issue(OneTimeCode.REGISTER, mobile, user, code_step.secret(),
                                  models.now())
        except codes.CodeNotSent:
            form.mobile.errors.append(code_step.sms_failed())
        else:
            code_step.remember(row)
            return redirect(url_for(".register_code"))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/code", methods=["GET", "POST"])
def register_code():
    return code_step.code_page(OneTimeCode.REGISTER, start=".register", resend_page=".register_resend",
                               verified_page=".register_password", heading=_("Check your phone"))


@bp.post("/register/code/resend")
def register_resend():
    return code_step.resend(OneTimeCode.REGISTER, start=".register", code_page=".register_code",
                            heading=_("Check your phone"), reset=False)


@bp.route("/register/password", methods=["GET", "POST"])
def register_password():
    return choose_password(OneTimeCode.REGISTER, start=".register",
                           done=_("Your account is ready. You are logged in."))
