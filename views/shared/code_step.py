"""The step every account journey shares: a code sent by SMS, typed back, then done.

services/codes.py issues, checks and resends codes. Here the code in progress is kept
in the session by its row id, sending is limited per client address, and the code page
shows the outcome in the person's language, and whether its SMS failed.
"""

import hmac
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

import clock
from domain.phone import national_format
from models import CodeCheck, OneTimeCode, User
from services import codes
from views.shared.forms import CodeForm
from web import rate_limits
from web.form_fields import form_errors

PENDING = "code"
VERIFIED = "verified"
VERIFIED_FOR = timedelta(minutes=15)
SPENT = _l("You have typed a wrong code too many times. Ask for a new code.")


def secret() -> bytes:
    """The key new codes are hashed with."""
    return current_app.secret_key.encode()


def secrets_accepted() -> tuple[bytes, ...]:
    """The keys a typed code is checked against: SECRET_KEY, then SECRET_KEY_FALLBACKS, so
    a code sent just before the key was rotated still verifies."""
    return (secret(), *(key.encode() for key in current_app.config.get("SECRET_KEY_FALLBACKS") or ()))


def sms_host() -> str | None:
    """The host name a code's SMS names for WebOTP: PUBLIC_URL's, or in development (no
    PUBLIC_URL) the one this request came to, so a phone on the local network fills it in."""
    return urlsplit(current_app.config.get("PUBLIC_URL") or request.host_url).hostname


def limit_sending(mobile: str, civil_id: str | None = None) -> None:
    """429 when this address, this account or this number has had its codes for now."""
    rate_limits.spend(rate_limits.CODES_PER_ADDRESS, rate_limits.client_address())
    if civil_id is not None:
        rate_limits.spend(rate_limits.CODES_PER_ACCOUNT, civil_id)
    rate_limits.too_many_codes_for(mobile)


# --- the code in progress, and then the verified one -----------------------


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


def mark_verified(purpose: str, user: User) -> None:
    session.pop(PENDING, None)
    # The session version read now is spent by the password chosen next (a conditional
    # UPDATE), so this state sets one password, however often the cookie is copied.
    session[VERIFIED] = {
        "purpose": purpose,
        "user_id": user.id,
        "at": clock.now().timestamp(),
        "version": user.session_version,
    }


def verified_user(purpose: str) -> tuple[User, str] | tuple[None, None]:
    """(user, the session version the code was verified under), or (None, None)."""
    state = session.get(VERIFIED) or {}
    if state.get("purpose") != purpose:
        return None, None
    at = clock.now().timestamp()
    if not 0 <= at - state.get("at", 0) <= VERIFIED_FOR.total_seconds():
        return None, None
    user = User.get_or_none(User.id == state.get("user_id"))
    version = state.get("version") or ""
    if user is None or user.mobile_verified_at is None or user.frozen_at is not None:
        return None, None
    if not hmac.compare_digest(user.session_version, version):
        return None, None  # spent: a password was chosen with it, or the account signed out
    # A finished registration cannot choose its first password again.
    if purpose == OneTimeCode.REGISTER and user.password_hash is not None:
        return None, None
    return user, version


def forget_verified() -> None:
    session.pop(VERIFIED, None)


# --- the code page ---------------------------------------------------------


def check_code(row: OneTimeCode, form: CodeForm) -> CodeCheck | None:
    """The result of the typed code, or None when the form itself is not valid."""
    if not form.validate_on_submit():
        return None
    check = codes.check(row, form.code.data, secrets_accepted(), clock.now())
    if check.status != "ok":
        form.code.errors.append(_problem(check))
    return check


def render_code_page(
    row: OneTimeCode,
    form,
    *,
    heading: str,
    code_url: str,
    resend_url: str,
    resend_problem: str | None = None,
    **context,
):
    if resend_problem is None and codes.send_failed(row):
        # The sender gave up on this code's SMS: say so where the new code is asked for.
        resend_problem = _(
            "We could not send the SMS with your code. Check the number, then send a new code."
        )
    # Five wrong codes spend this one: no box to type into, only the way to a new code.
    spent = row.attempts >= OneTimeCode.MAX_ATTEMPTS
    if spent:
        problems = [("resend", SPENT)]
    else:
        problems = form_errors(form)
    problems += [("resend", resend_problem)] if resend_problem else []
    # The wait before a new code may go, counted down on the page (static/js/countdown.js).
    waiting = resend_problem and not codes.send_failed(row)
    resend_wait = row.seconds_until_resend(clock.now()) if waiting else 0
    # A log-in code never shows the number: that would tell whose account it is, or that
    # the password was right.
    mobile = shown_mobile(row.mobile) if row.purpose != OneTimeCode.LOGIN else None
    return render_template(
        "accounts/code.html",
        form=form,
        heading=heading,
        problems=problems,
        mobile=mobile,
        code_url=code_url,
        resend_url=resend_url,
        resend_problem=resend_problem,
        code_spent=spent,
        resend_wait=resend_wait,
        **context,
    )


def code_page(purpose: str, *, start: str, resend_page: str, verified_page: str, heading: str, **context):
    """The page where the code is typed: on to `verified_page` once it is right."""
    row = pending(purpose)
    if row is None:
        return redirect(url_for(start))
    form = CodeForm()
    check = check_code(row, form)
    if check and check.status == "ok":
        mark_verified(purpose, row.user)
        return redirect(url_for(verified_page))
    return render_code_page(
        row,
        form,
        heading=heading,
        code_url=url_for(request.endpoint),
        resend_url=url_for(resend_page),
        **context,
    )


def resend(purpose: str, *, start: str, code_page: str, heading: str, user: User | None = None, **context):
    """The answer to "Send a new code": the code page again, with a new code or a problem."""
    row = pending(purpose, user)
    if row is None:
        return redirect(url_for(start))
    problem = send_again(row, lambda: codes.resend(row, secret(), clock.now(), host=sms_host()))
    if problem is None:
        return redirect(url_for(code_page))
    return render_code_page(
        row,
        CodeForm(formdata=None),
        heading=heading,
        code_url=url_for(code_page),
        resend_url=url_for(request.endpoint),
        resend_problem=problem,
        **context,
    )


def send_again(row: OneTimeCode, send) -> str | None:
    """ "Send a new code" for `row`, within the wait and the limits, through `send()` (which
    returns the new row): None when it went, else the problem to show on the code page."""
    try:
        codes.ensure_resend_due(row, clock.now())
        if row.purpose == OneTimeCode.LOGIN:
            # Per address only: a cap on the account or its number would tell a decoy
            # (no number) from a real code, and would let strangers use it up.
            rate_limits.spend(rate_limits.CODES_PER_ADDRESS, rate_limits.client_address())
        else:
            limit_sending(row.mobile)
        remember(send())
    except codes.ResendTooSoon as wait:
        return ngettext(
            "You can ask for a new code in %(num)d second.",
            "You can ask for a new code in %(num)d seconds.",
            wait.seconds,
        )
    flash(_("We have sent a new code."))
    return None


def send_express_again(row: OneTimeCode, language: str) -> str | None:
    """send_again for a code sent to an express sponsor's mobile (no account), in `language`."""
    return send_again(
        row, lambda: codes.resend_express(row, language, secret(), clock.now(), host=sms_host())
    )


def shown_mobile(e164: str) -> str:
    # Isolated left-to-right, or an Arabic sentence would show 5001 2345 as 2345 5001.
    return f"\u2066{national_format(e164)}\u2069"


def _problem(check: CodeCheck) -> str:
    if check.status == "wrong":
        return ngettext(
            "The code is not right. You have %(num)d more try.",
            "The code is not right. You have %(num)d more tries.",
            check.tries_left,
        )
    if check.status == "exhausted":
        return SPENT
    return _("This code has expired. Ask for a new code.")
