"""A paid request's receipt, for its owner only, with the QR code that opens the public
check (verification.py)."""
import segno
from flask import redirect, render_template, url_for

from views.payments.blueprints import receipts as bp
from views.requests.my_requests import STATE_LABELS, owned_request
from web.applicant_session import login_required
from web.fee_schedules import schedule_of


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
    verify_url = url_for("receipts.verify", code=found.verify_code, _external=True)
    return render_template("payments/receipt.html", insurance_request=insurance_request,
                           receipt=found, payment=found.payment, verify_url=verify_url,
                           state_label=STATE_LABELS[insurance_request.state],
                           qr=qr_svg(verify_url),
                           schedule=schedule_of(insurance_request))
