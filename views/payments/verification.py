"""The public check behind a receipt's QR code. It tells whoever holds the receipt's
code only: paid or not, when, how much, and the names masked."""
import re

from flask import abort, render_template

from models import InsuranceRequest, Receipt
from views.payments.blueprints import receipts as bp

_CODE = re.compile(r"[A-Za-z0-9_-]{16,32}")
PAID_STATES = (InsuranceRequest.PAID, InsuranceRequest.REFUND_REQUESTED)


def mask_name(name: str) -> str:
    """The first letter of each word, the rest hidden: "Ali Hassan" -> "A•• H•••••"."""
    return " ".join(word[0] + "•" * (len(word) - 1) for word in name.split())


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
