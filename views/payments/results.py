"""The gateway's results: the browser coming back from the bank's pages, and the
gateway's own server-to-server notice. services/payments.py decides what a result
is worth; these pages only say where the person goes next."""

import logging
import re
from urllib.parse import parse_qsl

from flask import redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from models import Payment
from services import payments
from views.payments.blueprints import payments as bp
from views.shared.paying import after_payment, started_here
from web import rate_limits

log = logging.getLogger("tameen.payments")

_HEX_BODY = re.compile(rb"\s*([0-9A-Fa-f]{32,8192})\s*")
_TRACK_ID = re.compile(r"[0-9A-Za-z]{1,40}")


@bp.route("/payments/return", methods=["GET", "POST"])
def gateway_return():
    """The browser back from the gateway. Its track id names a payment and is no key:
    only the session that started the payment goes on to the request or its receipt.
    K-Net posts the browser back across sites, and SameSite=Lax leaves the session
    cookie out of that POST: it comes back here as a GET, which carries the cookie.
    Without one, a neutral page that names nothing (the receipt's link is in the SMS).

    Only that neutral page counts against the address's limit: people paying come back
    with their session (and a cookieless POST only turns into the GET), and many of
    them may share one address behind a mobile carrier's NAT."""
    payment = payments.receive(request.values.to_dict())
    if payment is None:
        return render_template("payments/problem.html"), 400
    if started_here(payment.request_id):
        return redirect(after_payment(payment.request_id), 303)
    if request.method == "POST":
        return redirect(url_for(".gateway_return", trackid=payment.track_id), 303)
    rate_limits.spend(rate_limits.PAYMENT_RETURNS_PER_ADDRESS, rate_limits.client_address())
    page = render_template("payments/returned.html", paid=payment.state == Payment.PAID)
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/payments/notify")
def notify():
    """The gateway's server posting a result (K-Net's responseURL in its current flow).

    It wants HTTP 200 and one line, `REDIRECT=<absolute address>`, where it then sends
    the browser; anything else, or a slow answer, makes the bank void the payment and
    send the browser to the error URL. So this always answers that line, at once: to
    the receipt, to where the browser's arrival asks the bank (a capture to confirm,
    or clear fields only) or tells the person a decline, to the request page, or to a
    page that explains the problem.
    Authenticated by the result's encryption (or signature), not by a session."""
    fields = {}
    # What the bank really sends is one of the unknowns (knet-check); the log says.
    log.info("payment notice received: Content-Type %r", request.headers.get("Content-Type", "")[:80])
    try:
        fields = _notice_fields()
        payment = payments.take_notice(fields)
    except HTTPException:  # a body over the size limit, or one that is not a form
        log.warning("payment notice unreadable")
        payment = None
    except Exception:  # the bank voids the payment unless it gets the line: answer anyway
        log.exception("payment notice could not be handled; the browser is sent to ask again")
        return _redirect_line(_ask_again_url(fields.get("trackid", "")))
    if payment is None:
        return _redirect_line(
            _ask_again_url(fields.get("trackid", ""))
            if _ours(fields)
            else url_for("payments.problem", _external=True)
        )
    if payment.state in (Payment.AWAITING, *Payment.CLOSED):
        # A capture is confirmed, and a decline or cancel told to the person, when the
        # browser arrives there: never while the bank waits for this answer.
        return _redirect_line(_ask_again_url(payment.track_id))
    return _redirect_line(after_payment(payment.request_id, external=True))


@bp.get("/payments/problem")
def problem():
    """Where a notice we could not read sends the browser."""
    return render_template("payments/problem.html")


def _notice_fields() -> dict:
    """The notice's fields: a form (`trandata=<HEX>` beside paymentid, trackid, Error,
    ErrorText in clear), or a bare hex body, which is the trandata alone."""
    body = request.get_data(cache=True)  # before the form is parsed, which would consume it
    fields = request.form.to_dict()
    if not fields.get("trandata") and b"trandata=" in body:
        # A form sent without a form Content-Type: still a form.
        fields = dict(parse_qsl(body.decode("ascii", "replace")))
    if not fields.get("trandata"):
        bare = _HEX_BODY.fullmatch(body)
        if bare:
            fields = {"trandata": bare.group(1).decode("ascii")}
    return fields


def _ours(fields: dict) -> bool:
    """A notice we could not read whose clear track id names a payment of ours."""
    track_id = str(fields.get("trackid", ""))
    return bool(_TRACK_ID.fullmatch(track_id)) and Payment.by_track_id(track_id) is not None


def _ask_again_url(track_id: str) -> str:
    """The browser's return address naming the payment: its arrival asks the bank."""
    if not _TRACK_ID.fullmatch(str(track_id)):
        return url_for("payments.problem", _external=True)
    return url_for("payments.gateway_return", trackid=track_id, _external=True)


def _redirect_line(target: str):
    return (
        f"REDIRECT={target}",
        200,
        {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
    )
