"""Who is logged in: the user in `g.user`, logging in and out, and `login_required`."""
import hmac
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from domain.passwords import make_hasher
from models import User


def load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = User.get_or_none(User.id == user_id)
    version = session.get("session_version", "")
    if user is not None and user.can_log_in and hmac.compare_digest(user.session_version, version):
        g.user = user
    else:
        # Signed out elsewhere (logout, new password): this cookie no longer counts.
        session.pop("user_id", None)
        session.pop("session_version", None)


def log_in(user: User) -> None:
    # A new session at login: nothing planted in the old cookie survives it,
    # and the CSRF token is new too.
    session.clear()
    session["sid"] = secrets.token_urlsafe(16)
    session["user_id"] = user.id
    session["session_version"] = user.session_version
    g.user = user


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
            here = request.full_path if request.query_string else request.path
            return redirect(url_for("accounts.login", next=here if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapped


def init_app(app) -> None:
    app.extensions["password_hasher"] = make_hasher(cheap=app.config["PASSWORD_HASH_CHEAP"])
    app.before_request(load_user)
