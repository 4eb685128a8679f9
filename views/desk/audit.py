"""Admins only: the audit log, newest first, a page at a time, or one request's events."""

from flask import render_template, request

import models
from models import AuditEvent, InsuranceRequest
from views.desk.blueprints import desk_admin as bp
from web.staff_session import admin_required

PER_PAGE = 50


@bp.get("/audit")
@admin_required
def audit_log():
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1
    reference = request.args.get("reference", "").strip().upper()[:20]
    query = AuditEvent.select()
    found = None
    if reference:
        found = InsuranceRequest.get_or_none(InsuranceRequest.reference == reference)
        query = query.where(AuditEvent.request_id == (found.id if found else -1))
    events = list(query.order_by(AuditEvent.id.desc()).paginate(page, PER_PAGE + 1))
    models.audit("desk.audit_viewed", ("audit", "-"), after={"page": page, "reference": reference})
    return render_template(
        "desk/audit.html",
        events=events[:PER_PAGE],
        page=page,
        more=len(events) > PER_PAGE,
        reference=reference,
        found=found,
    )
