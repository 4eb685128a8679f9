"""A new receipt link once the old one has expired (EXPRESS_LINK_DAYS): a code goes to
the mobile the sponsor proved when paying, and the right code replaces the link. The new
one comes by SMS too, to keep; the old one then opens nothing."""

from flask import redirect, session, url_for
from flask_babel import gettext as _

import clock
from models import OneTimeCode
from services import codes, express, messages
from views.express.journey import bp
from views.express.payment import sponsor_by_token
from views.shared import code_step
from views.shared.forms import CodeForm


def _expired_sponsor(token: str):
    """The sponsor of this expired link; a live one needs no new link: to its receipt."""
    return sponsor_by_token(token, live=False)


def _pending(sponsor) -> OneTimeCode | None:
    row = code_step.pending(OneTimeCode.EXPRESS_LINK)
    return row if row is not None and row.mobile == sponsor.mobile else None


@bp.post("/receipts/<token>/new-link")
def new_link_send(token):
    sponsor = _expired_sponsor(token)
    if not express.link_expired(sponsor):
        return redirect(url_for(".receipt", token=token), 303)
    code_step.limit_sending(sponsor.mobile, sponsor.civil_id)
    row = codes.issue_for_express(
        OneTimeCode.EXPRESS_LINK,
        sponsor.mobile,
        sponsor.language,
        code_step.secret(),
        clock.now(),
        host=code_step.sms_host(),
    )
    code_step.remember(row)
    return redirect(url_for(".new_link_code", token=token), 303)


def _code_page(row, form, token, resend_problem=None):
    return code_step.render_code_page(
        row,
        form,
        heading=_("Check your phone"),
        code_url=url_for(".new_link_code", token=token),
        resend_url=url_for(".new_link_resend", token=token),
        resend_problem=resend_problem,
    )


@bp.route("/receipts/<token>/new-link/code", methods=["GET", "POST"])
def new_link_code(token):
    sponsor = _expired_sponsor(token)
    row = _pending(sponsor)
    if row is None or not express.link_expired(sponsor):
        return redirect(url_for(".receipt", token=token))
    form = CodeForm()
    check = code_step.check_code(row, form)
    if check and check.status == "ok":
        session.pop(code_step.PENDING, None)
        renewed = express.new_link(sponsor)
        messages.send_express_new_link(renewed)
        return redirect(url_for(".receipt", token=renewed.receipt_token), 303)
    return _code_page(row, form, token)


@bp.post("/receipts/<token>/new-link/code/resend")
def new_link_resend(token):
    sponsor = _expired_sponsor(token)
    row = _pending(sponsor)
    if row is None:
        return redirect(url_for(".receipt", token=token))
    problem = code_step.send_express_again(row, sponsor.language)
    if problem is None:
        return redirect(url_for(".new_link_code", token=token))
    return _code_page(row, CodeForm(formdata=None), token, problem)
