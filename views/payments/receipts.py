"""A paid request's receipt (its owner only) and the public check behind its QR code,
which tells whoever holds the receipt's code only: paid or not, when, how much, and
the names masked."""
import re

import segno
from flask import Blueprint, abort, redirect, render_template, url_for

from models import InsuranceRequest, Receipt
from web.applicant_session import login_required
from views.requests.my_requests import STATE_LABELS, owned_request
from web.fee_schedules import schedule_of

bp = Blueprint("receipts", __name__)

_CODE = re.compile(r"[A-Za-z0-9_-]{16,32}")
PAID_STATES = (InsuranceRequest.PAID, InsuranceRequest.REFUND_REQUESTED)


def mask_name(name: str) -> str:
    """The first letter of each word, the rest hidden: "Ali Hassan" -> "A•• H•••••"."""
    return " ".join(word[0] + "•" * (len(word) - 1) for word in name.split())


def qr_svg(text: str) -> str:
    """The QR code as inline SVG: one path, no style attribute (the CSP forbids them)."""
    return segno.make(text, error="m").svg_inline(scale=4, svgclass="qr-code", lineclass=None)


@bp.get("/requests/<reference>/receipt")
@login_required
def receipt(reference):
    insurance_request = owned_request(reference)
    found = insurance_request.receipt()
    if found is None:
        return redirect(url_for("requests.show", reference=insurance_request.reference))
    verify_url = url_for(".verify", code=found.verify_code, _external=True)
    return render_template("payments/receipt.html", insurance_request=insurance_request,
                           receipt=found, payment=found.payment, verify_url=verify_url,
                           state_label=STATE_LABELS[insurance_request.state],
                           qr=qr_svg(verify_url),
                           schedule=schedule_of(insurance_request))


@bp.get("/verify/<code>")
def verify(code):
    found = Receipt.get_or_none(Receipt.verify_code == code) if _CODE.fullmatch(code) else None
    if found is None:
        abort(404)
    insurance_request = found.request
    response = render_template("payments/verify.html", receipt=found,
                               paid=insurance_request.state in PAID_STATES,
                               names=[mask_name(person.name) for person in insurance_request.covered()])
    return response, 200, {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}
