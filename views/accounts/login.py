"""Logging in with the civil ID and a password, and logging out."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain.passwords import verify_password
from models import User
from views.accounts import bp
from views.accounts.forms import LoginForm
from web import rate_limits
from web.applicant_session import log_in, log_out, password_hasher, safe_next


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    next_page = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        civil_id, address = form.civil_id.parsed, rate_limits.client_address()
        rate_limits.ensure_below(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, civil_id)
        rate_limits.ensure_below(rate_limits.LOGIN_FAILURES_PER_ADDRESS, address)
        user = User.get_or_none(User.civil_id == civil_id)
        hasher = password_hasher()
        if user is not None:
            matches = user.check_password(form.password.data, hasher) and user.can_log_in
        else:
            matches = verify_password(hasher, None, form.password.data)  # as slow as a real check
        if matches:
            rate_limits.forget(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, civil_id)
            log_in(user)
            return redirect(next_page or url_for("profile.show"))
        rate_limits.count(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, civil_id)
        rate_limits.count(rate_limits.LOGIN_FAILURES_PER_ADDRESS, address)
        form.civil_id.errors.append(_("The civil ID number or the password is not right"))
    return render_template("accounts/login.html", form=form, next_page=next_page)


@bp.post("/logout")
def logout():
    log_out()
    flash(_("You have logged out."))
    return redirect(url_for(".login"))
