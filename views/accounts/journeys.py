"""Creating an account, logging in and out, and choosing a new password."""
from datetime import timedelta

from flask import render_template, Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

import models
from domain.passwords import verify_password
from models import OneTimeCode, User
from services import messages as sms
from views.accounts import code_step as code_steps
from web import rate_limits
from views.accounts.forms import CodeForm, LoginForm, PasswordForm, RegistrationForm, ResetForm
from web.applicant_session import log_in, log_out, password_hasher, safe_next
from web.language import select_locale

bp = Blueprint("accounts", __name__)

# The real owner hears of attempts to register their civil ID, but not without end.
OWNER_WARNINGS = rate_limits.Limit("owner-warnings", 3, timedelta(days=1))


# --- register ------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegistrationForm(language=select_locale())
    if form.validate_on_submit():
        civil_id, mobile = form.civil_id.parsed, form.mobile.parsed
        _limit_code_sending(civil_id, mobile)
        details = {name: form[name].data for name in User.DETAILS} | {"mobile": mobile}
        user, duplicate = User.start_registration(civil_id, details)
        if duplicate:
            # The stranger sees the same next step; the owner gets the news instead.
            sent = code_steps.issue_and_send(OneTimeCode.REGISTER, mobile, None, user.language,
                                             instead_of_decoy=lambda: _warn_owner(user))
        else:
            sent = code_steps.issue_and_send(OneTimeCode.REGISTER, mobile, user, user.language)
        if sent:
            return redirect(url_for(".register_code"))
        form.mobile.errors.append(code_steps.sms_failed())
    return render_template("accounts/register.html", form=form)


def _warn_owner(owner: User) -> bool:
    if rate_limits.take(OWNER_WARNINGS, owner.civil_id):
        return sms.warn_owner_of_registration_attempt(owner)
    sms.take_as_long_as_sending()
    return True


@bp.route("/register/code", methods=["GET", "POST"])
def register_code():
    row = code_steps.pending(OneTimeCode.REGISTER)
    if row is None:
        return redirect(url_for(".register"))
    form = CodeForm()
    check = code_steps.check_code(row, form)
    if check and check.status == "ok":
        row.user.mark_mobile_verified(row.mobile, models.now())
        row.user.save()
        code_steps.mark_verified(OneTimeCode.REGISTER, row.user)
        return redirect(url_for(".register_password"))
    return code_steps.render_code_page(row, form, heading=_("Check your phone"),
                                       code_url=url_for(".register_code"),
                                       resend_url=url_for(".register_resend"))


@bp.post("/register/code/resend")
def register_resend():
    return _resend(OneTimeCode.REGISTER, ".register", ".register_code")


@bp.route("/register/password", methods=["GET", "POST"])
def register_password():
    return _choose_password(OneTimeCode.REGISTER, ".register",
                            _("Your account is ready. You are logged in."))


# --- log in and out ------------------------------------------------------

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


# --- forgotten password --------------------------------------------------

@bp.route("/reset", methods=["GET", "POST"])
def reset():
    form = ResetForm()
    if form.validate_on_submit():
        civil_id, mobile = form.civil_id.parsed, form.mobile.parsed
        rate_limits.spend(rate_limits.RESETS_PER_ADDRESS, rate_limits.client_address())
        rate_limits.spend(rate_limits.RESETS_PER_ACCOUNT, civil_id)
        _limit_code_sending(civil_id, mobile)
        user = User.get_or_none(User.civil_id == civil_id)
        owner = user if user is not None and user.can_log_in and user.mobile == mobile else None
        # Unknown details get a decoy code; a failed SMS is not reported, since
        # either answer would tell whether the account exists.
        code_steps.issue_and_send(OneTimeCode.RESET, mobile, owner,
                                  owner.language if owner else "ar", report_failure=False)
        return redirect(url_for(".reset_code"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/reset/code", methods=["GET", "POST"])
def reset_code():
    row = code_steps.pending(OneTimeCode.RESET)
    if row is None:
        return redirect(url_for(".reset"))
    form = CodeForm()
    check = code_steps.check_code(row, form)
    if check and check.status == "ok":
        code_steps.mark_verified(OneTimeCode.RESET, row.user)
        return redirect(url_for(".reset_password"))
    return code_steps.render_code_page(row, form, heading=_("Check your phone"),
                                       code_url=url_for(".reset_code"),
                                       resend_url=url_for(".reset_resend"), reset=True)


@bp.post("/reset/code/resend")
def reset_resend():
    return _resend(OneTimeCode.RESET, ".reset", ".reset_code")


@bp.route("/reset/password", methods=["GET", "POST"])
def reset_password():
    return _choose_password(OneTimeCode.RESET, ".reset",
                            _("Your password has been changed. You are logged in."))


# --- shared steps --------------------------------------------------------

def _limit_code_sending(civil_id: str, mobile: str) -> None:
    rate_limits.spend(rate_limits.CODES_PER_ADDRESS, rate_limits.client_address())
    rate_limits.spend(rate_limits.CODES_PER_ACCOUNT, civil_id)
    rate_limits.too_many_codes_for(mobile)


def _resend(purpose: str, start: str, code_page: str):
    row = code_steps.pending(purpose)
    if row is None:
        return redirect(url_for(start))
    problem = code_steps.resend(row)
    if problem is None:
        flash(_("We have sent a new code."))
        return redirect(url_for(code_page))
    return code_steps.render_code_page(row, CodeForm(formdata=None), heading=_("Check your phone"),
                                       code_url=url_for(code_page),
                                       resend_url=url_for(request.endpoint), resend_problem=problem,
                                       reset=purpose == OneTimeCode.RESET)


def _choose_password(purpose: str, start: str, done: str):
    user = code_steps.verified_user(purpose)
    if user is None:
        return redirect(url_for(start))
    form = PasswordForm(personal=(user.civil_id, user.mobile[-8:]))
    if form.validate_on_submit():
        user.set_password(form.password.data, password_hasher())
        user.save()
        code_steps.forget_verified()
        log_in(user)
        flash(done)
        return redirect(url_for("profile.show"))
    return render_template("accounts/password.html", form=form, reset=purpose == OneTimeCode.RESET)
