"""The step every account journey shares: a code sent by SMS, typed back, then done.

The code in progress is remembered in the session by its row id. A decoy code (no
user) walks through the same steps as a real one, so that what a stranger sees never
tells whether an account exists.
"""
from datetime import timedelta

from flask import render_template, current_app, session
from flask_babel import gettext as _
from flask_babel import ngettext

import models
from domain.phone import national_format
from models import OneTimeCode, User
from services import messages as sms
from web import rate_limits
from views.accounts.forms import CodeForm
from web.form_fields import form_errors

PENDING = "code"
VERIFIED = "verified"
VERIFIED_FOR = timedelta(minutes=15)


def _secret() -> bytes:
    return current_app.secret_key.encode()


def issue_and_send(purpose: str, mobile: str, user: User | None, language: str, *,
                   instead_of_decoy=None, report_failure: bool = True) -> bool:
    """Issue a code for `mobile` and send it; False when the SMS failed and that is to
    be reported (the code is then withdrawn).

    With no `user` the code is a decoy: nothing is sent (or `instead_of_decoy()` is
    run), taking about as long as a real send.
    """
    row, code = OneTimeCode.issue(purpose, mobile, user, _secret(), models.now())
    # No transaction around the provider call: a slow provider must not hold the
    # database's write lock.
    if user is not None:
        sent = sms.send_code(purpose, mobile, code, language)
    elif instead_of_decoy is not None:
        sent = instead_of_decoy()
    else:
        sms.take_as_long_as_sending()
        sent = True
    if not sent and report_failure:
        row.delete_instance()
        return False
    remember(row)
    return True


def remember(row: OneTimeCode) -> None:
    session[PENDING] = {"purpose": row.purpose, "id": row.id}
    session.pop(VERIFIED, None)


def pending(purpose: str, user: User | None = None) -> OneTimeCode | None:
    state = session.get(PENDING) or {}
    if state.get("purpose") != purpose:
        return None
    row = OneTimeCode.get_or_none(OneTimeCode.id == state.get("id"))
    if row is None or (user is not None and row.user_id != user.id):
        return None
    return row


def verified_user(purpose: str) -> User | None:
    state = session.get(VERIFIED) or {}
    if state.get("purpose") != purpose:
        return None
    at = models.now().timestamp()
    if not 0 <= at - state.get("at", 0) <= VERIFIED_FOR.total_seconds():
        return None
    user = User.get_or_none(User.id == state.get("user_id"))
    if user is None or user.mobile_verified_at is None:
        return None
    # A finished registration cannot choose its first password again.
    if purpose == OneTimeCode.REGISTER and user.password_hash is not None:
        return None
    return user


def mark_verified(purpose: str, user: User) -> None:
    session.pop(PENDING, None)
    session[VERIFIED] = {"purpose": purpose, "user_id": user.id, "at": models.now().timestamp()}


def forget_verified() -> None:
    session.pop(VERIFIED, None)


def _problem(check) -> str:
    if check.status == "wrong":
        return ngettext("The code is not right. You have %(num)d more try.",
                        "The code is not right. You have %(num)d more tries.", check.tries_left)
    if check.status == "exhausted":
        return _("You have typed a wrong code too many times. Ask for a new code.")
    return _("This code has expired. Ask for a new code.")


def shown_mobile(e164: str) -> str:
    # Isolated left-to-right, or an Arabic sentence would show 5001 2345 as 2345 5001.
    return f"\u2066{national_format(e164)}\u2069"


def render_code_page(row: OneTimeCode, form, *, heading: str, code_url: str, resend_url: str,
                     resend_problem: str | None = None, **context):
    problems = form_errors(form) + ([("resend", resend_problem)] if resend_problem else [])
    return render_template("accounts/code.html", form=form, heading=heading, problems=problems,
                  mobile=shown_mobile(row.mobile), code_url=code_url, resend_url=resend_url,
                  resend_problem=resend_problem, **context)


def check_code(row: OneTimeCode, form: CodeForm):
    """The result of the typed code, or None when the form itself is not valid."""
    if not form.validate_on_submit():
        return None
    check = row.verify(form.code.data, _secret(), models.now())
    if check.status != "ok":
        form.code.errors.append(_problem(check))
    return check


def resend(row: OneTimeCode):
    """A new code to the same number; returns a problem to show, or None when sent."""
    wait = row.seconds_until_resend(models.now())
    if wait:
        return ngettext("You can ask for a new code in %(num)d second.",
                        "You can ask for a new code in %(num)d seconds.", wait)
    rate_limits.spend(rate_limits.CODES_PER_ADDRESS, rate_limits.client_address())
    rate_limits.too_many_codes_for(row.mobile)
    user = row.user
    # A failed reset SMS is not reported: the answer would tell that the account exists.
    if not issue_and_send(row.purpose, row.mobile, user, user.language if user else "ar",
                          report_failure=row.purpose != OneTimeCode.RESET):
        return sms_failed()
    row.retire(models.now())
    return None


def sms_failed() -> str:
    return _("We could not send the SMS just now. Check the number and try again in a few minutes.")

