"""The last step of registering and of a reset: choosing a password once the code is verified."""
from flask import flash, redirect, render_template, url_for

from models import OneTimeCode
from services import accounts
from views.accounts import code_step
from views.accounts.forms import PasswordForm
from web.applicant_session import log_in, password_hasher


def choose_password(purpose: str, *, start: str, done: str):
    user, version = code_step.verified_user(purpose)
    if user is None:
        return redirect(url_for(start))
    form = PasswordForm(personal=(user.civil_id, user.mobile[-8:]))
    if form.validate_on_submit():
        chosen = accounts.choose_password(user, version, form.password.data, password_hasher(),
                                          tell_owner=purpose == OneTimeCode.RESET)
        code_step.forget_verified()
        if not chosen:  # another copy of this session chose one first
            return redirect(url_for(start))
        log_in(user)
        flash(done)
        return redirect(url_for("profile.show"))
    return render_template("accounts/password.html", form=form, reset=purpose == OneTimeCode.RESET)
