"""The public check behind a receipt's QR code. It tells whoever holds the receipt's
code only: paid, refunded or a refund waiting, when, how much, the request reference, and
for each person covered the name masked and the civil ID's last 4 digits, so that an
official can match the person in front of them."""

import re

from flask import abort, render_template

from models import InsuranceRequest, Receipt
from views.payments.blueprints import receipts as bp

_CODE = re.compile(r"[A-Za-z0-9_-]{16,32}")


def civil_id_end(civil_id: str) -> str:
    """Only the last 4 digits: "291030104196" -> "••••••••4196"."""
    return "•" * (len(civil_id) - 4) + civil_id[-4:]


def mask_name(name: str) -> str:
    """The first letter of each word, the rest hidden: "Ali Hassan" -> "A•• H•••••"."""
    return " ".join(word[0] + "•" * (len(word) - 1) for word in name.split())


@bp.get("/verify/<code>")
def verify(code):
    found = Receipt.get_or_none(Receipt.verify_code == code) if _CODE.fullmatch(code) else None
    if found is None:
        abort(404)
    insurance_request = found.request
    refund = insurance_request.latest_refund()
    response = render_template(
        "payments/verify.html",
        receipt=found,
        reference=insurance_request.reference,
        state=insurance_request.state,
        paid=insurance_request.state in InsuranceRequest.COVERING,
        refund=refund,
        people=[
            (mask_name(person.name), civil_id_end(person.civil_id)) for person in insurance_request.covered()
        ],
    )
    return response, 200, {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}
