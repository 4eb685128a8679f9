"""Logging in with the civil ID and a password, and logging out.

Failed log-ins never lock an account (a stranger could lock out its owner): past a few
failures for a civil ID, the right password leads to a code sent by SMS to the account's
number, and a wrong one to a decoy code page that looks the same.
"""

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

import clock
from domain.passwords import verify_password
from models import OneTimeCode, User
from services import codes
from views.accounts import bp
from views.accounts.forms import LoginForm
from views.shared import code_step
from views.shared.forms import CodeForm
from web import rate_limits
from web.applicant_session import log_in, log_out, password_hasher, safe_next

# Where the code step returns to, and the account's session version when the password was
# right: a password changed meanwhile makes the code useless.
LOGIN_STEP = "login_step"


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_page = safe_next(request.args.get("next"))
    if g.get("user") is not None and next_page:
        return redirect(next_page)
    form = LoginForm()
    if form.validate_on_submit():
        civil_id, address = form.civil_id.parsed, rate_limits.client_address()
        rate_limits.ensure_below(rate_limits.LOGIN_FAILURES_PER_ADDRESS, address)
        needs_code = rate_limits.reached(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, civil_id)
        user = User.get_or_none(User.civil_id == civil_id)
        hasher = password_hasher()
        if user is not None:
            matches = user.check_password(form.password.data, hasher) and user.can_log_in
        else:
            matches = verify_password(hasher, None, form.password.data)  # as slow as a real check
        if not matches:
            rate_limits.count(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, civil_id)
            rate_limits.count(rate_limits.LOGIN_FAILURES_PER_ADDRESS, address)
        if needs_code:
            return _send_login_code(user if matches else None, next_page)
        if matches:
            rate_limits.forget(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, civil_id)
            log_in(user)
            return redirect(next_page or url_for("requests.my_requests"))
        form.civil_id.errors.append(_("The civil ID number or the password is not right"))
    return render_template("accounts/login.html", form=form, next_page=next_page)


def _send_login_code(user: User | None, next_page: str | None):
    rate_limits.spend(rate_limits.CODES_PER_ADDRESS, rate_limits.client_address())
    code_step.remember(
        codes.issue_for_login(user, code_step.secret(), clock.now(), host=code_step.sms_host())
    )
    session[LOGIN_STEP] = {"next": next_page, "version": user.session_version if user else ""}
    return redirect(url_for(".login_code"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    row = code_step.pending(OneTimeCode.LOGIN)
    if row is None:
        return redirect(url_for(".login"))
    form = CodeForm()
    check = code_step.check_code(row, form)
    if check and check.status == "ok":
        step = session.pop(LOGIN_STEP, None) or {}
        user = User.get_by_id(row.user_id)
        if not user.can_log_in or user.session_version != step.get("version"):
            return redirect(url_for(".login"))
        rate_limits.forget(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, user.civil_id)
        log_in(user)
        return redirect(safe_next(step.get("next")) or url_for("requests.my_requests"))
    return code_step.render_code_page(
        row,
        form,
        heading=_("Check your phone"),
        code_url=url_for(".login_code"),
        resend_url=url_for(".login_resend"),
        login_step=True,
    )


@bp.post("/login/code/resend")
def login_resend():
    return code_step.resend(
        OneTimeCode.LOGIN,
        start=".login",
        code_page=".login_code",
        heading=_("Check your phone"),
        login_step=True,
    )


@bp.post("/logout")
def logout():
    log_out()
    flash(_("You have logged out."))
    return redirect(url_for(".login"))
