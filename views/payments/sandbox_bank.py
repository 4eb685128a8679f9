"""The sandbox bank's pages (PAYMENT_GATEWAY=sandbox only): a hosted card page where a
person approves, declines or cancels a test payment. It asks for no card details, so
nobody types a real card number into a test page."""

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l

from gateways.payments.sandbox import CANCELED, CAPTURED, CHOICES, NOT_CAPTURED, SandboxGateway
from gateways.payments.sandbox_books import SandboxPayment

bp = Blueprint("sandbox_bank", __name__, url_prefix="/sandbox-bank")
# The bank's own result codes, as K-Net spells them, read out in the page's language.
RESULTS = {CAPTURED: _l("approved"), NOT_CAPTURED: _l("declined"), CANCELED: _l("cancelled")}


def _bank() -> SandboxGateway:
    bank = current_app.extensions["payment_gateway"]
    if not isinstance(bank, SandboxGateway):
        abort(404)  # with a real gateway, this test bank does not exist
    return bank


def _payment(payment_id: str) -> SandboxPayment:
    row = SandboxPayment.get_or_none(SandboxPayment.payment_id == payment_id[:40])
    if row is None:
        abort(404)
    return row


@bp.get("/pay/<payment_id>")
def page(payment_id):
    bank = _bank()
    row = _payment(payment_id)
    return render_template(
        "sandbox_bank/pay.html",
        row=row,
        result=RESULTS.get(row.result, row.result),
        result_url=bank.result_url(row) if row.result else None,
    )


@bp.post("/pay/<payment_id>")
def decide(payment_id):
    bank = _bank()
    row = _payment(payment_id)
    choice = CHOICES.get(request.form.get("choice", ""))
    if choice is None:
        abort(400)
    row.decide(choice)  # a second click changes nothing: the first choice stands
    return redirect(bank.result_url(row), 303)
