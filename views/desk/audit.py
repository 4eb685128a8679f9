"""Admins only: the audit log, newest first, a page at a time by key (services/audit_log.py),
or one request's events."""

from flask import render_template, request

import models
from models import InsuranceRequest
from services import audit_log as audit_pages
from views.desk.blueprints import desk_admin as bp
from web.staff_session import admin_required


def _event_id(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@bp.get("/audit")
@admin_required
def audit_log():
    before, after = _event_id("before"), _event_id("after")
    reference = request.args.get("reference", "").strip().upper()[:20]
    found = None
    request_id = None
    if reference:
        found = InsuranceRequest.get_or_none(InsuranceRequest.reference == reference)
        request_id = found.id if found else -1
    events, newer, older = audit_pages.page(request_id, before=before, after=None if before else after)
    models.audit(
        "desk.audit_viewed",
        ("audit", "-"),
        after={"before": before, "after": after, "reference": reference},
    )
    return render_template(
        "desk/audit.html",
        events=events,
        newer=newer,
        older=older,
        reference=reference,
        found=found,
    )
