"""The refund queue at the desk: a reviewer opens a refund, then approves or rejects it
(services/refunds.py does either); a refusal shows as a message with its status."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import models
from models import Refund, RefundRefused
from services import refunds
from services.double_cover import other_payments
from views.desk.forms import ApproveForm, RejectForm
from views.desk.labels import labels as desk_labels
from views.shared.refund_form import REASONS
from web.staff_session import staff_required

bp = Blueprint("desk_refunds", __name__, url_prefix="/desk/refunds")
bp.context_processor(desk_labels)

REFUSALS = {
    "own_request": (
        403,
        _l(
            "You cannot decide on this refund: the request is yours, you "
            "sponsor it or it covers you. Another reviewer must decide."
        ),
    ),
    "not_waiting": (409, _l("This refund has already been decided.")),
    "already": (409, _l("This request has already been refunded.")),
    "not_paid": (409, _l("The payment of this request is not recorded as paid: nothing can be refunded.")),
    "nothing_paid": (409, _l("Nothing was paid for this request: nothing can be refunded.")),
    "more_than_paid": (409, _l("The refund is more than is left of the amount paid: refused.")),
    "other_gateway": (
        409,
        _l("This payment was taken by another gateway than the one running now: refund it by bank transfer."),
    ),
}


def _refund(refund_id: int) -> Refund:
    refund = Refund.get_or_none(Refund.id == refund_id)
    if refund is None:
        abort(404)
    return refund


def _page(refund: Refund, approve=None, reject=None, problem=None, status=200):
    insurance_request = refund.request
    return render_template(
        "desk/refund.html",
        refund=refund,
        insurance_request=insurance_request,
        payment=refund.payment,
        approve=approve or ApproveForm(formdata=None),
        reject=reject or RejectForm(formdata=None),
        problem=problem,
        own=not g.staff.may_decide_on(insurance_request),
        reasons=REASONS,
        others=other_payments(insurance_request) if refund.reason == "paid_twice" else [],
    ), status


def _refused(refund: Refund, refusal: RefundRefused, **forms):
    status, message = REFUSALS[refusal.reason]
    return _page(Refund.get_by_id(refund.id), problem=message, status=status, **forms)


@bp.get("")
@staff_required
def queue():
    decided = list(
        Refund.select()
        .where(Refund.state.not_in((Refund.REQUESTED, Refund.PROCESSING)))
        .order_by(Refund.id.desc())
        .limit(20)
    )
    return render_template("desk/refunds.html", waiting=Refund.queue(), decided=decided)


@bp.get("/<int:refund_id>")
@staff_required
def show(refund_id):
    refund = _refund(refund_id)
    models.audit("desk.refund_viewed", refund)
    return _page(refund)


@bp.post("/<int:refund_id>/approve")
@staff_required
def approve(refund_id):
    refund = _refund(refund_id)
    if not g.staff.may_decide_on(refund.request):
        return _refused(refund, RefundRefused("own_request"))
    form = ApproveForm()
    if not form.validate_on_submit():
        return _page(refund, approve=form)
    try:
        done = refunds.approve(
            refund, g.staff, form.method.data, form.bank_reference.data, form.note.data, form.amount_fils()
        )
    except RefundRefused as refusal:
        return _refused(refund, refusal, approve=form)
    if done:
        flash(_("Refund made. The applicant can see it on their request."))
    else:
        flash(_("The gateway did not make the refund. It is back in the queue: see the error."))
    return redirect(url_for(".show", refund_id=refund.id), 303)


@bp.post("/<int:refund_id>/reject")
@staff_required
def reject(refund_id):
    refund = _refund(refund_id)
    if not g.staff.may_decide_on(refund.request):
        return _refused(refund, RefundRefused("own_request"))
    form = RejectForm()
    if not form.validate_on_submit():
        return _page(refund, reject=form)
    try:
        refunds.reject(refund, g.staff, form.reason.data)
    except RefundRefused as refusal:
        return _refused(refund, refusal, reject=form)
    flash(_("Refund rejected. The applicant can see your note."))
    return redirect(url_for(".show", refund_id=refund.id), 303)
