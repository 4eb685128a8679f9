"""What the applicant's pages and the desk call each state of a request."""

from flask_babel import lazy_gettext as _l

from models import InsuranceRequest

STATE_LABELS = {
    InsuranceRequest.DRAFT: _l("Draft"),
    InsuranceRequest.AWAITING_PAYMENT: _l("Awaiting payment"),
    InsuranceRequest.PAID: _l("Paid"),
    InsuranceRequest.REFUND_REQUESTED: _l("Refund requested"),
    InsuranceRequest.REFUNDED: _l("Refunded"),
}
