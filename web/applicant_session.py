"""Who is logged in: the user in `g.user`, logging in and out, and `login_required`.

A log-in ends after APPLICANT_SESSION_IDLE_MINUTES without a request, and after
APPLICANT_SESSION_MAX_HOURS whatever happens: the times are kept in the signed session
and checked here on every request, so a copied cookie ends with them too.
"""

import hmac
import secrets
from datetime import UTC, timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

import clock
from domain.passwords import make_hasher
from models import User
from web import session_expiry

USER_KEYS = ("user_id", "session_version", "user_since", "user_seen")
# "Last seen" is written back at most this often: not a new cookie on every request.
SEEN_EVERY = 60


def now_timestamp() -> float:
    return clock.now().replace(tzinfo=UTC).timestamp()


def within_limits(since_key: str, seen_key: str, idle: timedelta, most: timedelta) -> bool:
    """True while the session's log-in is younger than `most` and was last used less than
    `idle` ago; the last use is then moved to now."""
    at = now_timestamp()
    since, seen = session.get(since_key, 0), session.get(seen_key, 0)
    # Only our own signed cookie sets these; a time ahead of ours is another server's clock.
    if not (at - since < most.total_seconds() and at - seen < idle.total_seconds()):
        return False
    if at - seen >= SEEN_EVERY:
        session[seen_key] = at
    return True


def load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = User.get_or_none(User.id == user_id)
    version = session.get("session_version", "")
    config = current_app.config
    still_signed_in = (
        user is not None and user.can_log_in and hmac.compare_digest(user.session_version, version)
    )
    if still_signed_in and within_limits(
        "user_since",
        "user_seen",
        timedelta(minutes=config["APPLICANT_SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["APPLICANT_SESSION_MAX_HOURS"]),
    ):
        g.user = user
        return
    # Signed out elsewhere (logout, new password), or too long idle or logged in.
    for key in USER_KEYS:
        session.pop(key, None)
    if still_signed_in:
        session_expiry.mark_ended(user.id)


def log_in(user: User) -> None:
    # A new session at login: nothing planted in the old cookie survives it, and the CSRF
    # token is new too; only the key to answers kept when the last log-in ended, which
    # opens them to their own person alone.
    kept = session_expiry.kept_answers_key()
    session.clear()
    session_expiry.keep_answers_key(kept)
    session["sid"] = secrets.token_urlsafe(16)
    session["user_id"] = user.id
    session["session_version"] = user.session_version
    session["user_since"] = session["user_seen"] = now_timestamp()
    g.user = user


def still_here() -> None:
    """The signed-in person said they are still there: their idle time starts again."""
    session["user_seen"] = now_timestamp()


def log_out() -> None:
    if g.get("user") is not None:
        # Flask's session lives in the cookie: a copy of it stays valid until the
        # version it carries changes, so logging out signs out every browser.
        g.user.rotate_session_version()
        g.user.save(only=[User.session_version])
    session.clear()
    g.user = None


def password_hasher():
    return current_app.extensions["password_hasher"]


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(character) < 32 or character == "\\" for character in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            if session_expiry.has_ended():
                return session_expiry.back_to_log_in(safe_next(session_expiry.where_they_were()))
            here = request.full_path if request.query_string else request.path
            return redirect(url_for("accounts.login", next=here if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapped


def init_app(app) -> None:
    app.extensions["password_hasher"] = make_hasher(cheap=app.config["PASSWORD_HASH_CHEAP"])
    app.before_request(load_user)
    app.jinja_env.globals["session_seconds_left"] = session_expiry.seconds_left
