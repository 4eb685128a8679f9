"""The public check behind a receipt's QR code. It tells whoever holds the receipt's
code only: paid, refunded or a refund waiting, when, how much, the request reference, and
for each person covered the name masked (domain.name_mask), the civil ID's last 4 digits,
the residency category with its article and the cover period, so that an official can
match the person in front of them and see what the payment covers."""

import re

from flask import abort, render_template

from domain.name_mask import mask_name
from models import InsuranceRequest, Receipt
from views.payments.blueprints import receipts as bp
from web.fee_schedules import schedule_of
from web.language import select_locale

_CODE = re.compile(r"[A-Za-z0-9_-]{16,32}")


def civil_id_end(civil_id: str) -> str:
    """Only the last 4 digits: "291030104196" -> "••••••••4196"."""
    return "•" * (len(civil_id) - 4) + civil_id[-4:]


@bp.get("/verify/<code>")
def verify(code):
    found = Receipt.get_or_none(Receipt.verify_code == code) if _CODE.fullmatch(code) else None
    if found is None:
        abort(404)
    insurance_request = found.request
    refund = insurance_request.latest_refund()
    schedule, locale = schedule_of(insurance_request), select_locale()
    response = render_template(
        "payments/verify.html",
        receipt=found,
        reference=insurance_request.reference,
        state=insurance_request.state,
        paid=insurance_request.state in InsuranceRequest.COVERING,
        refund=refund,
        cover=insurance_request.cover_period(),
        people=[
            (mask_name(person.name), civil_id_end(person.civil_id), _category(schedule, person, locale))
            for person in insurance_request.covered()
        ],
    )
    return response, 200, {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def _category(schedule, person, locale) -> str:
    """The category with its residency article ("Domestic worker (Art. 20)")."""
    category = schedule.category(person.category_code) if schedule else None
    return category.label(locale) if category else person.category_code
