"""The receipt page, for its owner (views/payments/receipts.py) and for an express
sponsor's secret link (views/express/payment.py) alike."""

import segno
from flask import render_template, url_for

from web.fee_schedules import schedule_of


def qr_svg(text: str) -> str:
    """The QR code as inline SVG: one path, no style attribute (the CSP forbids them)."""
    return segno.make(text, error="m").svg_inline(scale=4, svgclass="qr-code", lineclass=None)


def receipt_page(insurance_request, found, people, page=1, pages=1, people_count=None, **extra):
    """The receipt, for its owner and for an express sponsor's link alike."""
    verify_url = url_for("receipts.verify", code=found.verify_code, _external=True)
    return render_template(
        "payments/receipt.html",
        insurance_request=insurance_request,
        people=people,
        page=page,
        pages=pages,
        people_count=len(people) if people_count is None else people_count,
        receipt=found,
        payment=found.payment,
        verify_url=verify_url,
        qr=qr_svg(verify_url),
        schedule=schedule_of(insurance_request),
        cover=insurance_request.cover_period(),
        refund=insurance_request.latest_refund(),
        **extra,
    )
