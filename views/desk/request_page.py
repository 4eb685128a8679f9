"""A request's whole story at the desk: answers, payments (with every message to and from
the bank), receipt, refunds and history."""

from flask import abort, g, render_template

import models
from models import AuditEvent, InsuranceRequest, Payment, PaymentEvent, Refund
from views.desk.blueprints import desk_search as bp
from web.fee_schedules import all_schedules
from web.staff_session import staff_required


@bp.get("/requests/<reference>")
@staff_required
def request_detail(reference):
    insurance_request = InsuranceRequest.get_or_none(InsuranceRequest.reference == reference.upper())
    if insurance_request is None:
        abort(404)
    models.audit("desk.request_viewed", insurance_request)
    payments = list(insurance_request.payments.order_by(Payment.id))
    return render_template(
        "desk/request.html",
        insurance_request=insurance_request,
        payments=payments,
        bank_messages={payment.id: PaymentEvent.of_payment(payment.id) for payment in payments},
        receipt=insurance_request.receipt(),
        cover=insurance_request.cover_period(),
        refunded=insurance_request.state == InsuranceRequest.REFUNDED,
        refunds=list(insurance_request.refunds.order_by(Refund.id)),
        history=AuditEvent.about_request(insurance_request),
        schedule=all_schedules().get(insurance_request.schedule_id),
        own=not g.staff.may_decide_on(insurance_request),
    )
