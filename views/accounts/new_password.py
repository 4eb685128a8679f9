"""The last step of registering and of a reset: choosing a password once the code is
verified; registering asks the person's name on the same page."""

from flask import flash, redirect, render_template, session, url_for

from models import OneTimeCode, User
from services import accounts
from views.accounts.forms import NameAndPasswordForm, PasswordForm
from views.shared import code_step
from web.applicant_session import log_in, password_hasher, safe_next


def choose_password(purpose: str, *, start: str, done: str | None = None, next_key: str | None = None):
    user, version = code_step.verified_user(purpose)
    if user is None:
        return redirect(url_for(start))
    registering = purpose == OneTimeCode.REGISTER
    form_class = NameAndPasswordForm if registering else PasswordForm
    form = form_class(personal=(user.civil_id, user.mobile[-8:]))
    if form.validate_on_submit():
        name = {User.name_column(form.full_name.data): form.full_name.data} if registering else {}
        chosen = accounts.choose_password(
            user,
            version,
            form.password.data,
            password_hasher(),
            tell_owner=purpose == OneTimeCode.RESET,
            **name,
        )
        code_step.forget_verified()
        if not chosen:  # another copy of this session chose one first
            return redirect(url_for(start))
        next_page = safe_next(session.get(next_key)) if next_key else None
        log_in(user)  # a new session: read what it must keep before
        if registering:
            # On to what the person came to do; those pages show no notices, and one kept
            # for later would turn up out of place.
            return redirect(next_page or url_for("requests.my_requests"))
        flash(done)
        return redirect(url_for("profile.show"))
    return render_template("accounts/password.html", form=form, reset=not registering)
