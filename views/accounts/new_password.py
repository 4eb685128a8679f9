"""The last step of registering and of a reset: choosing a password once the code is verified."""
from flask import flash, redirect, render_template, url_for

from models import OneTimeCode
from views.accounts import code_step
from views.accounts.forms import PasswordForm
from web.applicant_session import log_in, password_hasher


def choose_password(purpose: str, *, start: str, done: str):
    user = code_step.verified_user(purpose)
    if user is None:
        return redirect(url_for(start))
    form = PasswordForm(personal=(user.civil_id, user.mobile[-8:]))
    if form.validate_on_submit():
        user.set_password(form.password.data, password_hasher())
        user.save()
        code_step.forget_verified()
        log_in(user)
        flash(done)
        return redirect(url_for("profile.show"))
    return render_template("accounts/password.html", form=form, reset=purpose == OneTimeCode.RESET)
