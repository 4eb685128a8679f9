"""The operator's desk, shared plumbing: who is at the desk (`g.staff`), kept under
session keys of its own, and the decorators that guard desk pages.

Applicants and staff never share a session: an applicant's `user_id` is not looked at
here, and `staff_id` is not looked at by web/applicant_session.py; logging in as either starts a
new session. Every web request also says who is acting, for the audit log.
"""

import hmac
import secrets
from datetime import timedelta
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

import models
from domain.iban import grouped, masked
from models import StaffMember
from web.applicant_session import now_timestamp, within_limits

STAFF_KEYS = ("staff_id", "staff_session_version", "staff_since", "staff_seen")


def load_staff() -> None:
    """The staff member of this session, while it is within STAFF_SESSION_IDLE_MINUTES of
    its last request and STAFF_SESSION_MAX_HOURS of its log-in (staff sign in each working
    day, and a desk left open ends soon)."""
    g.staff = None
    staff_id = session.get("staff_id")
    if staff_id is None:
        return
    staff = StaffMember.get_or_none(StaffMember.id == staff_id)
    version = session.get("staff_session_version", "")
    config = current_app.config
    if (
        staff is not None
        and staff.active
        and hmac.compare_digest(staff.session_version, version)
        and within_limits(
            "staff_since",
            "staff_seen",
            timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]),
            timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]),
        )
    ):
        g.staff = staff
    else:
        for key in STAFF_KEYS:
            session.pop(key, None)


def log_in_staff(staff: StaffMember) -> None:
    # A new session: whatever the cookie held before (an applicant's log-in too) is gone.
    session.clear()
    session["sid"] = secrets.token_urlsafe(16)
    session["staff_id"] = staff.id
    session["staff_session_version"] = staff.session_version
    session["staff_since"] = session["staff_seen"] = now_timestamp()
    g.staff, g.user = staff, None


def log_out_staff() -> None:
    """Sign the staff member out everywhere; a session that is not a desk session
    (an applicant's) is left as it is."""
    if g.get("staff") is None:
        return
    g.staff.rotate_session_version()  # every browser of this staff member is signed out
    StaffMember.update(session_version=g.staff.session_version).where(StaffMember.id == g.staff.id).execute()
    session.clear()
    g.staff = None


def staff_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("staff") is None:
            here = request.full_path if request.query_string else request.path
            return redirect(url_for("desk_login.login", next=here if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("staff") is not None and not g.staff.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return staff_required(wrapped)


def _not_for_search_engines(response):
    if request.blueprint and request.blueprint.startswith("desk_"):
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _act_for_this_request() -> None:
    if g.get("staff") is not None:
        actor = models.actor_of(g.staff)
    elif g.get("user") is not None:
        actor = models.actor_of(g.user)
    else:
        actor = None
    g.audit_token = models.acting_as(actor)


def _stop_acting(_exception=None) -> None:
    token = g.pop("audit_token", None)
    if token is not None:
        try:
            models.stop_acting(token)
        except ValueError:  # set in another context (a streamed response): nothing to undo
            pass


def init_app(app) -> None:
    """After auth.init_app: the applicant is loaded first, then the staff member."""
    app.before_request(load_staff)
    app.before_request(_act_for_this_request)
    app.teardown_request(_stop_acting)
    app.after_request(_not_for_search_engines)
    app.jinja_env.filters["iban"] = grouped
    app.jinja_env.filters["masked_iban"] = masked
