"""When a log-in ends for lack of use (or its age): the person hears why on the log-in
page, what they had just posted to a request's question page is kept for them, and
logging in again takes them back to the page they were on, the answers put back.

The warning before it ends is static/js/tameen.js, which the base page loads
for a signed-in person; `seconds_left` tells it when.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, g, make_response, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

import clock
from services.saved_answers import keep_answers, take_answers
from web.htmx import is_htmx

ENDED_FOR = "ended_for"  # the user id of the log-in that ended, until the next page tells them
KEPT = "kept_answers"  # {"token", "path"}: the answers posted after it ended
# The pages whose posted answers are worth keeping: a request's questions.
KEEPING_BLUEPRINTS = {"request_steps"}

ENDED = _l("Your session ended because you were inactive. Log in again to go on.")
ENDED_AND_KEPT = _l("Your session ended because you were inactive; we saved your answers")
PUT_BACK = _l("We have put back the answers you had typed. Check them, then go on.")


def mark_ended(user_id: int) -> None:
    session[ENDED_FOR] = user_id


def has_ended() -> bool:
    return session.get(ENDED_FOR) is not None


def where_they_were() -> str | None:
    """The page to come back to: this one when it can be opened (a question page posts to
    its own address), else the page of this site that sent the form."""
    if request.method == "GET" or (request.url_rule and "GET" in request.url_rule.methods):
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return f"{referrer.path}?{referrer.query}" if referrer.query else referrer.path


def back_to_log_in(next_page: str | None):
    """The answer to a signed-in page asked for after the log-in ended: to the log-in page,
    with the answers posted to a question page kept. Under htmx the whole page goes."""
    user_id = session.pop(ENDED_FOR)
    token = None
    if request.method == "POST" and request.blueprint in KEEPING_BLUEPRINTS:
        token = keep_answers(user_id, request.path, list(request.form.items(multi=True)), clock.now())
    if token:
        session[KEPT] = {"token": token, "path": request.path}
    flash(ENDED_AND_KEPT if token else ENDED)
    address = url_for("accounts.login", next=next_page)
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = address
        return response
    return redirect(address)


def kept_answers_key() -> dict | None:
    return session.get(KEPT)


def keep_answers_key(kept: dict | None) -> None:
    if kept:
        session[KEPT] = kept


def restored_answers() -> MultiDict | None:
    """The answers kept for this page when the signed-in person's last log-in ended, once;
    None for anyone else, any other page, or nothing kept."""
    kept = session.get(KEPT)
    if not kept or g.get("user") is None or kept.get("path") != request.path:
        return None
    session.pop(KEPT)
    fields = take_answers(kept.get("token", ""), g.user.id, request.path, clock.now())
    if fields is None:
        return None
    flash(PUT_BACK)
    return MultiDict(fields)


def seconds_left() -> int:
    """How long the signed-in person's log-in lasts if nothing more is asked of the server:
    the idle limit from the last use recorded, or the most a log-in lasts, whichever is first."""
    config = current_app.config
    at = clock.now().replace(tzinfo=UTC).timestamp()
    idle = timedelta(minutes=config["APPLICANT_SESSION_IDLE_MINUTES"]).total_seconds()
    most = timedelta(hours=config["APPLICANT_SESSION_MAX_HOURS"]).total_seconds()
    ends = min(session.get("user_seen", 0) + idle, session.get("user_since", 0) + most)
    return max(0, int(ends - at))
