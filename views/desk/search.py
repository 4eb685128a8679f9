"""The desk's front page, payment search (reference, civil ID, track ID, date) and a
request's whole story: answers, payments, receipt, refunds and history."""
from datetime import datetime, time, timedelta, timezone

from flask import render_template, Blueprint, abort, g
from flask_babel import lazy_gettext as _l

import models
from domain.dates import KUWAIT
from models import AuditEvent, InsuranceRequest, InsuredPerson, Payment, Refund, User
from web.staff_session import staff_required
from views.desk.forms import SearchForm
from web.fee_schedules import all_schedules
from views.requests.my_requests import STATE_LABELS

bp = Blueprint("desk_search", __name__, url_prefix="/desk")
RESULTS = 100

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
ACTORS = {"staff": _l("Staff"), "applicant": _l("Applicant"), "system": _l("System")}
RECORDS = {"request": _l("Request"), "payment": _l("Payment"), "refund": _l("Refund"),
           "staff": _l("Staff account")}
ACTIONS = {
    "request.frozen": _l("Answers confirmed, awaiting payment"),
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
}


@bp.context_processor
def labels():
    return {"payment_states": PAYMENT_STATES, "refund_states": REFUND_STATES,
            "state_labels": STATE_LABELS, "actor_labels": ACTORS, "record_labels": RECORDS,
            "action_labels": ACTIONS}


def kuwait_day_in_utc(day) -> tuple[datetime, datetime]:
    """The UTC instants (naive, as stored) where a Kuwait calendar day starts and ends."""
    start = datetime.combine(day, time(), tzinfo=KUWAIT).astimezone(timezone.utc).replace(tzinfo=None)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=KUWAIT).astimezone(timezone.utc)
    return start, end.replace(tzinfo=None)


def search_payments(text: str, day) -> list[Payment]:
    """Payments whose request reference, track ID, holder's, sponsor's or covered person's
    civil ID is `text`, made on `day` (Kuwait) when given; newest first."""
    query = (Payment.select(Payment, InsuranceRequest, User)
             .join(InsuranceRequest).join(User).switch(Payment))
    if text:
        upper = text.upper()
        covered = InsuredPerson.select(InsuredPerson.request).where(InsuredPerson.civil_id == text)
        query = query.where((InsuranceRequest.reference == upper) | (Payment.track_id == text)
                            | (User.civil_id == text) | (InsuranceRequest.sponsor_civil_id == text)
                            | (InsuranceRequest.id.in_(covered)))
    if day:
        start, end = kuwait_day_in_utc(day)
        query = query.where((Payment.created_at >= start) & (Payment.created_at < end))
    return list(query.order_by(Payment.id.desc()).limit(RESULTS))


@bp.get("/")
@staff_required
def home():
    waiting = Refund.select().where(Refund.state == Refund.REQUESTED).count()
    mismatches = list(Payment.select().where(Payment.state == Payment.MISMATCH)
                      .order_by(Payment.id.desc()).limit(20))
    return render_template("desk/home.html", form=SearchForm(formdata=None), waiting=waiting,
                  mismatches=mismatches)


@bp.get("/payments")
@staff_required
def payments():
    form = SearchForm()
    results = None
    if form.validate():
        day = getattr(form.on, "parsed", None)
        results = search_payments(form.q.data or "", day)
        models.audit("desk.search", ("search", "-"),
                     after={"q": form.q.data or "", "on": day.isoformat() if day else "",
                            "found": len(results)})
    return render_template("desk/payments.html", form=form, results=results, limit=RESULTS)


@bp.get("/requests/<reference>")
@staff_required
def request_detail(reference):
    insurance_request = InsuranceRequest.get_or_none(InsuranceRequest.reference == reference.upper())
    if insurance_request is None:
        abort(404)
    models.audit("desk.request_viewed", insurance_request)
    return render_template("desk/request.html", insurance_request=insurance_request,
                  payments=list(insurance_request.payments.order_by(Payment.id)),
                  receipt=insurance_request.receipt(),
                  refunds=list(insurance_request.refunds.order_by(Refund.id)),
                  history=AuditEvent.about_request(insurance_request),
                  schedule=all_schedules().get(insurance_request.schedule_id),
                  own=not g.staff.may_decide_on(insurance_request))
