"""What every page calls a request's, a payment's, a refund's and an SMS's state: one table each,
Jinja globals for every template, the applicant's pages and the desk alike. A page that
says more than a state's name (a sentence on a receipt, a notice after a failed payment)
words it in its own template."""

from flask_babel import lazy_gettext as _l

from models import InsuranceRequest, Payment, Refund, SmsMessage

REQUEST_STATES = {
    InsuranceRequest.DRAFT: _l("Not paid yet"),
    InsuranceRequest.AWAITING_PAYMENT: _l("Awaiting payment"),
    InsuranceRequest.PAID: _l("Paid"),
    InsuranceRequest.REFUND_REQUESTED: _l("Refund requested"),
    InsuranceRequest.REFUNDED: _l("Refunded"),
}
PAYMENT_STATES = {
    Payment.AWAITING: _l("Awaiting the bank"),
    Payment.PAID: _l("Paid"),
    Payment.FAILED: _l("Failed"),
    Payment.CANCELLED: _l("Cancelled"),
    Payment.MISMATCH: _l("Mismatch: needs a look"),
}
REFUND_STATES = {
    Refund.REQUESTED: _l("Waiting for review"),
    Refund.PROCESSING: _l("Being refunded"),
    Refund.REFUNDED: _l("Refunded"),
    Refund.REJECTED: _l("Rejected"),
    Refund.WITHDRAWN: _l("Withdrawn by the applicant"),
}

SMS_STATES = {
    SmsMessage.PENDING: _l("Waiting to be sent"),
    SmsMessage.SENT: _l("Sent"),
    SmsMessage.FAILED: _l("Failed"),
}


def init_app(app) -> None:
    app.jinja_env.globals.update(
        request_states=REQUEST_STATES,
        payment_states=PAYMENT_STATES,
        refund_states=REFUND_STATES,
        sms_states=SMS_STATES,
    )
