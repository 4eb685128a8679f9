"""What the desk calls each actor, record, audit action and message with the bank (states are named in
web/state_labels.py, for every page). Every desk blueprint adds `labels` as a context processor."""

from flask_babel import lazy_gettext as _l

ACTORS = {"staff": _l("Staff"), "applicant": _l("Applicant"), "system": _l("System")}
RECORDS = {
    "request": _l("Request"),
    "payment": _l("Payment"),
    "refund": _l("Refund"),
    "staff": _l("Staff account"),
    "applicant": _l("Applicant account"),
    # What a desk action concerns when it is no one record: ("search", "-") and the like.
    "search": _l("Payment search"),
    "audit": _l("Audit log"),
    "claim": _l("Civil ID claim"),
    "export": _l("Export"),
}
# Where the system acted from, when the audit names it (models.Actor's label); "system"
# itself says nothing more than the actor's name.
SYSTEM_SOURCES = {"system": None, "desk login": _l("the desk's log-in form")}
# How a payment was made: the bank's name, or the test bank that takes no real money.
GATEWAYS = {"sandbox": _l("Test bank, no real money"), "knet": _l("K-Net")}
ACTIONS = {
    "request.frozen": _l("Answers confirmed, awaiting payment"),
    "request.reopened": _l("Answers reopened for changes by the applicant"),
    "request.paid": _l("Request marked paid"),
    "request.refund_requested": _l("Request waiting for a refund"),
    "request.refunded": _l("Request refunded"),
    "payment.started": _l("Payment started"),
    "payment.paid": _l("Payment captured"),
    "payment.failed": _l("Payment failed"),
    "payment.cancelled": _l("Payment cancelled"),
    "payment.mismatch": _l("Payment recorded as a mismatch"),
    "refund.requested": _l("Refund asked for"),
    "refund.withdrawn": _l("Refund withdrawn"),
    "refund.approved": _l("Refund approved"),
    "refund.refunded": _l("Refund made"),
    "refund.failed": _l("Refund failed at the gateway"),
    "refund.rejected": _l("Refund rejected"),
    "staff.created": _l("Staff account created"),
    "staff.login": _l("Staff log-in"),
    "staff.login_failed": _l("Failed staff log-in"),
    "staff.logout": _l("Staff log-out"),
    "desk.search": _l("Payments searched"),
    "desk.request_viewed": _l("Request viewed"),
    "desk.refund_viewed": _l("Refund viewed"),
    "desk.export": _l("Export downloaded"),
    "desk.audit_viewed": _l("Audit log viewed"),
    "desk.claim_lookup": _l("Account looked up for a civil ID claim"),
    "account.civil_id_released": _l("Civil ID released to its owner, account frozen"),
}

# A payment's history: each message to and from the bank (models.PaymentEvent).
BANK_MESSAGES = {
    "request_sent": _l("Sent to the bank's payment page"),
    "notice": _l("Result posted by the bank's server"),
    "browser": _l("Browser back from the bank"),
    "inquiry_sent": _l("Inquiry sent to the bank"),
    "inquiry_answer": _l("Inquiry answered by the bank"),
    "inquiry_failed": _l("Inquiry not answered"),
    "refund_sent": _l("Refund sent to the bank"),
    "refund_answer": _l("Refund answered by the bank"),
}


def labels():
    """Every desk page's labels for actors, records and audit actions."""
    return {
        "actor_labels": ACTORS,
        "record_labels": RECORDS,
        "action_labels": ACTIONS,
        "bank_message_labels": BANK_MESSAGES,
        "system_source_labels": SYSTEM_SOURCES,
        "gateway_labels": GATEWAYS,
    }
