"""Admins only: CSV exports of payments and refunds over a period, safe to open in a
spreadsheet (domain.spreadsheet: a byte order mark for Arabic; no cell runs as a formula),
streamed a batch of rows at a time (services/exports.py)."""

from datetime import UTC, timedelta

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

import models
from domain.dates import KUWAIT, kuwait_day_in_utc
from domain.money import fils_to_decimal
from domain.spreadsheet import csv_chunks
from models import Payment, StaffMember
from services import exports
from views.desk.blueprints import desk_admin as bp
from views.desk.forms import ExportForm
from web.staff_session import admin_required

LONGEST_EXPORT = timedelta(days=366)


def _kuwait_time(at) -> str:
    if at is None:
        return ""
    return at.replace(tzinfo=UTC).astimezone(KUWAIT).strftime("%Y-%m-%d %H:%M:%S")


def _kwd(fils) -> str:
    return "" if fils is None else f"{fils_to_decimal(fils):.3f}"


def payment_rows(start, end):
    yield [
        "track_id",
        "request_reference",
        "state",
        "amount_kwd",
        "refunded_kwd",
        "gateway",
        "created_kuwait",
        "paid_kuwait",
        "payment_id",
        "transaction_id",
        "auth_code",
        "reference_number",
        "result_code",
        "applicant_civil_id",
        "applicant_name_ar",
        "applicant_name_en",
        "sponsor_name",
        "note",
    ]
    for payment, given_back in exports.each_payment(start, end):
        owner = _holder(payment.request)
        yield [
            payment.track_id,
            payment.request.reference,
            _state_for_finance(payment, given_back),
            _kwd(payment.amount_fils),
            _kwd(given_back),
            payment.gateway,
            _kuwait_time(payment.created_at),
            _kuwait_time(payment.paid_at),
            payment.payment_id,
            payment.transaction_id,
            payment.auth_code,
            payment.reference_number,
            payment.result_code,
            owner.civil_id,
            owner.name_ar,
            owner.name_en,
            payment.request.sponsor_name,
            payment.note,
        ]


def _state_for_finance(payment, given_back: int) -> str:
    """A paid payment whose money went back, in whole or in part, says so: finance sums
    the paid lines and must not count a refunded one as income."""
    if payment.state != Payment.PAID or given_back <= 0:
        return payment.state
    return "refunded" if given_back >= payment.amount_fils else "partly_refunded"


class _Unnamed:
    """An express payment's holder: the sponsor's civil ID, no account and so no names."""

    def __init__(self, civil_id):
        self.civil_id, self.name_ar, self.name_en = civil_id or "", "", ""


def _holder(insurance_request):
    if insurance_request.owner_id is None:
        return _Unnamed(insurance_request.sponsor_civil_id)
    return insurance_request.owner


def refund_rows(start, end):
    yield [
        "refund_id",
        "request_reference",
        "state",
        "amount_kwd",
        "reason",
        "details",
        "requested_kuwait",
        "decided_kuwait",
        "completed_kuwait",
        "decided_by",
        "method",
        "refund_reference",
        "decision_note",
        "iban",
        "account_holder",
        "track_id",
        "applicant_civil_id",
        "applicant_name_ar",
        "applicant_name_en",
    ]
    staff = {member.id: member.login for member in StaffMember.select()}
    for refund in exports.each_refund(start, end):
        owner = _holder(refund.request)
        payment = Payment.get_or_none(Payment.id == refund.payment_id)
        yield [
            refund.id,
            refund.request.reference,
            refund.state,
            _kwd(refund.amount_fils),
            refund.reason,
            refund.details,
            _kuwait_time(refund.requested_at),
            _kuwait_time(refund.decided_at),
            _kuwait_time(refund.completed_at),
            staff.get(refund.decided_by_id, ""),
            refund.method,
            refund.refund_reference,
            refund.decision_note,
            refund.iban,
            refund.account_holder,
            payment.track_id if payment else "",
            owner.civil_id,
            owner.name_ar,
            owner.name_en,
        ]


@bp.get("/export")
@admin_required
def export():
    form = ExportForm()
    if request.args and form.validate():
        first, last = form.date_from.parsed, form.date_to.parsed
        if last - first > LONGEST_EXPORT:
            form.date_to.errors.append(_l("Export at most a year at a time"))
        else:
            start, end = kuwait_day_in_utc(first)[0], kuwait_day_in_utc(last)[1]
            rows = payment_rows if form.kind.data == "payments" else refund_rows
            models.audit(
                "desk.export",
                ("export", form.kind.data),
                after={"kind": form.kind.data, "from": first.isoformat(), "to": last.isoformat()},
            )
            name = f"tameen-{form.kind.data}-{first.isoformat()}-to-{last.isoformat()}.csv"
            return Response(
                # Streamed as read: constant memory whatever the period holds.
                exports.on_own_connection(csv_chunks(rows(start, end))),
                mimetype="text/csv",
                headers={
                    "Content-Disposition": f'attachment; filename="{name}"',
                    "Cache-Control": "no-store",
                    "Vary": "HX-Request",
                },
            )
    elif not request.args:
        form = ExportForm(formdata=None)
    return render_template("desk/export.html", form=form)
