"""A refund of an express payment, asked for from its receipt link: a code goes to the
mobile the sponsor proved when paying, and the right code opens the refund form for a
short while. Holding the link alone is not enough: it travels by SMS and may be
forwarded; the refund's money goes to an IBAN that whoever asks types."""

from datetime import timedelta

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _

import clock
from models import InsuranceRequest, OneTimeCode
from services import codes
from views.express.journey import bp
from views.express.payment import sponsor_by_token
from views.shared import code_step
from views.shared.forms import CodeForm
from views.shared.refund_form import RefundForm, take_refund_request

PROVED = "express_refund"
PROVED_FOR = timedelta(minutes=15)


def _can_ask(insurance_request: InsuranceRequest) -> bool:
    return insurance_request.state == InsuranceRequest.PAID and bool(insurance_request.total_fils)


def _proved(sponsor) -> bool:
    state = session.get(PROVED) or {}
    at = clock.now().timestamp()
    return state.get("sponsor") == sponsor.id and 0 <= at - state.get("at", 0) <= PROVED_FOR.total_seconds()


def _pending(sponsor) -> OneTimeCode | None:
    row = code_step.pending(OneTimeCode.EXPRESS_REFUND)
    return row if row is not None and row.mobile == sponsor.mobile else None


@bp.route("/receipts/<token>/refund", methods=["GET", "POST"])
def refund_start(token):
    sponsor = sponsor_by_token(token)
    if not _can_ask(sponsor.request):
        return redirect(url_for(".receipt", token=token), 303)
    if _proved(sponsor):
        return redirect(url_for(".refund_ask", token=token))
    problem = None
    if request.method == "POST":  # CSRFProtect has checked the token
        code_step.limit_sending(sponsor.mobile, sponsor.civil_id)
        row = codes.issue_for_express(
            OneTimeCode.EXPRESS_REFUND,
            sponsor.mobile,
            sponsor.language,
            code_step.secret(),
            clock.now(),
            host=code_step.sms_host(),
        )
        code_step.remember(row)
        return redirect(url_for(".refund_code", token=token))
    return render_template(
        "express/refund_start.html",
        sponsor=sponsor,
        token=token,
        insurance_request=sponsor.request,
        problem=problem,
        mobile_end=sponsor.mobile[-3:],
    )


def _code_page(row, form, token, resend_problem=None):
    return code_step.render_code_page(
        row,
        form,
        heading=_("Check your phone"),
        code_url=url_for(".refund_code", token=token),
        resend_url=url_for(".refund_resend", token=token),
        resend_problem=resend_problem,
    )


@bp.route("/receipts/<token>/refund/code", methods=["GET", "POST"])
def refund_code(token):
    sponsor = sponsor_by_token(token)
    row = _pending(sponsor)
    if row is None:
        return redirect(url_for(".refund_start", token=token))
    form = CodeForm()
    check = code_step.check_code(row, form)
    if check and check.status == "ok":
        session.pop(code_step.PENDING, None)
        session[PROVED] = {"sponsor": sponsor.id, "at": clock.now().timestamp()}
        return redirect(url_for(".refund_ask", token=token))
    return _code_page(row, form, token)


@bp.post("/receipts/<token>/refund/code/resend")
def refund_resend(token):
    sponsor = sponsor_by_token(token)
    row = _pending(sponsor)
    if row is None:
        return redirect(url_for(".refund_start", token=token))
    problem = code_step.send_express_again(row, sponsor.language)
    if problem is None:
        return redirect(url_for(".refund_code", token=token))
    return _code_page(row, CodeForm(formdata=None), token, problem)


@bp.route("/receipts/<token>/refund/ask", methods=["GET", "POST"])
def refund_ask(token):
    sponsor = sponsor_by_token(token)
    insurance_request = sponsor.request
    if not _can_ask(insurance_request):
        return redirect(url_for(".receipt", token=token), 303)
    if not _proved(sponsor):
        return redirect(url_for(".refund_start", token=token))
    form = RefundForm()
    if form.validate_on_submit():
        if take_refund_request(insurance_request, form):
            session.pop(PROVED, None)
        return redirect(url_for(".receipt", token=token), 303)
    return render_template(
        "refunds/ask.html",
        form=form,
        insurance_request=insurance_request,
        receipt=insurance_request.receipt(),
        token=token,
    )
