"""Staff log in at /desk/login with a password and a TOTP code, under the same limits
as applicants (web/rate_limits.py), and log out. Past a few failures for a login name the
desk is not locked (a stranger could lock its owner out): it asks for two consecutive
TOTP codes instead of one."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

import clock
from domain.passwords import verify_password
from models import StaffMember
from services import staff as staff_accounts
from views.desk.forms import StaffLoginForm
from web import rate_limits
from web.applicant_session import password_hasher, safe_next
from web.staff_session import log_in_staff, log_out_staff

bp = Blueprint("desk_login", __name__, url_prefix="/desk")


def _desk_page(target: str | None) -> str | None:
    target = safe_next(target)
    return target if target and target.startswith("/desk/") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = StaffLoginForm()
    next_page = _desk_page(request.args.get("next"))
    if form.validate_on_submit():
        name, address = form.login.data, rate_limits.client_address()
        subject = "staff:" + name  # counted apart from applicants' civil IDs
        rate_limits.ensure_below(rate_limits.LOGIN_FAILURES_PER_ADDRESS, address)
        two_codes = rate_limits.reached(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, subject)
        if two_codes and not form.next_code.data:
            # Nothing is checked yet, so this answer says nothing of the password or code.
            form.next_code.errors.append(_("Type the next code too"))
            return render_template("desk/login.html", form=form, next_page=next_page, two_codes=True)
        staff = StaffMember.by_login(name)
        hasher = password_hasher()
        if staff is not None:
            # The code is only spent once the password is right: a stranger cannot burn codes.
            matches = staff.check_password(form.password.data, hasher) and (
                staff.use_two_totps(form.code.data, form.next_code.data, clock.now())
                if two_codes
                else staff.use_totp(form.code.data, clock.now())
            )
        else:
            verify_password(hasher, None, form.password.data)  # as slow as a real check
            matches = False
        if matches:
            rate_limits.forget(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, subject)
            log_in_staff(staff)
            staff_accounts.logged_in(staff, clock.now())
            return redirect(next_page or url_for("desk_search.home"))
        rate_limits.count(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, subject)
        rate_limits.count(rate_limits.LOGIN_FAILURES_PER_ADDRESS, address)
        staff_accounts.login_failed(staff, name, address)
        form.login.errors.append(_("The user name, password or code is not right"))
        two_codes = rate_limits.reached(rate_limits.LOGIN_FAILURES_PER_ACCOUNT, subject)
        return render_template("desk/login.html", form=form, next_page=next_page, two_codes=two_codes)
    return render_template("desk/login.html", form=form, next_page=next_page, two_codes=False)


@bp.post("/logout")
def logout():
    if g.get("staff") is not None:
        staff_accounts.logged_out(g.staff)
    log_out_staff()
    flash(_("You have logged out of the desk."))
    return redirect(url_for(".login"))
