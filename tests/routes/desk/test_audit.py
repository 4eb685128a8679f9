"""The audit log: every step of a payment and a refund, by whom, before and after; only
admins read it, and nothing, in the code or the database, changes or deletes an event."""

import re

import peewee
import pytest

import models
from models import AuditEvent
from tests.helpers import (
    APPLICANT,
    PAID_TOTAL,
    approve,
    ask_refund,
    form_post,
    frozen_request,
    paid_request,
    staff_login,
    stored,
)


def actions() -> list[tuple[str, str, str]]:
    return [(e.action, e.actor_kind, e.actor_label) for e in AuditEvent.select().order_by(AuditEvent.id)]


def test_every_step_lands_in_the_audit_log(client, applicant, desk, admin_desk, reviewer):
    reference = paid_request(client)
    ask_refund(client, reference)
    form_post(client, f"/requests/{reference}/refund/withdraw")
    ask_refund(client, reference)
    refund = stored(reference).latest_refund()
    form_post(desk, f"/desk/refunds/{refund.id}/reject", {"reason": "No grounds"})
    ask_refund(client, reference)
    refund = stored(reference).latest_refund()
    desk.get(f"/desk/payments?q={reference}")
    desk.get(f"/desk/requests/{reference}")
    desk.get(f"/desk/refunds/{refund.id}")
    approve(desk, refund)
    form_post(desk, "/desk/logout")
    admin_desk.get("/desk/export?kind=refunds&date_from=2026-01-01&date_to=2026-01-31")
    admin_desk.get("/desk/audit")
    staff_login(app_client(desk), reviewer, password="wrong password")
    seen = actions()
    by_action = {}
    for action, kind, label in seen:
        by_action.setdefault(action, set()).add((kind, label))
    expected = {
        "request.frozen": {("applicant", APPLICANT)},
        "payment.started": {("applicant", APPLICANT)},
        "payment.paid": {("system", "system")},
        "request.paid": {
            ("system", "system"),
            ("applicant", APPLICANT),
        },  # paid, and paid again after withdraw/reject
        "refund.requested": {("applicant", APPLICANT)},
        "request.refund_requested": {("applicant", APPLICANT)},
        "refund.withdrawn": {("applicant", APPLICANT)},
        "refund.rejected": {("staff", "reviewer1")},
        "desk.search": {("staff", "reviewer1")},
        "desk.request_viewed": {("staff", "reviewer1")},
        "desk.refund_viewed": {("staff", "reviewer1")},
        "refund.approved": {("staff", "reviewer1")},
        "refund.refunded": {("staff", "reviewer1")},
        "request.refunded": {("staff", "reviewer1")},
        "staff.login": {("staff", "reviewer1"), ("staff", "admin1")},
        "staff.logout": {("staff", "reviewer1")},
        "staff.login_failed": {("system", "desk login")},
        "desk.export": {("staff", "admin1")},
        "desk.audit_viewed": {("staff", "admin1")},
    }
    for action, who in expected.items():
        assert who <= by_action.get(action, set()), (action, by_action.get(action))
    assert by_action["request.paid"] >= {("staff", "reviewer1")}  # rejected: paid again
    # Before and after are kept as JSON, the IBAN masked.
    event = AuditEvent.get(AuditEvent.action == "refund.refunded")
    assert event.values("before")["state"] == "processing"
    assert event.values("after")["state"] == "refunded" and event.values("after")["iban"] == "KW81 •••• 0101"
    assert event.request_id == stored(reference).id and event.record_kind == "refund"
    frozen = AuditEvent.get(AuditEvent.action == "request.frozen")
    assert frozen.values("before") == {"state": "draft"}
    assert frozen.values("after")["total_fils"] == PAID_TOTAL


def app_client(client):
    return client.application.test_client()


def test_failed_payments_are_audited_too(client, applicant):
    from urllib.parse import urlsplit

    reference = frozen_request(client)
    bank = form_post(client, f"/requests/{reference}/pay").headers["Location"]
    back = form_post(client, urlsplit(bank).path, {"choice": "decline"}).headers["Location"]
    client.get(back)
    event = AuditEvent.get(AuditEvent.action == "payment.failed")
    assert event.values("before")["state"] == "awaiting" and event.values("after")["state"] == "failed"
    assert event.actor_kind == "system"


def test_the_audit_log_shows_history_to_admins(client, applicant, admin_desk, waiting):
    reference, refund = waiting
    page = admin_desk.get("/desk/audit")
    assert page.status_code == 200 and "Refund asked for" in page.text and APPLICANT in page.text
    only = admin_desk.get(f"/desk/audit?reference={reference}")
    assert "Refund asked for" in only.text and "Staff log-in" not in only.text
    assert "No request has this reference" in admin_desk.get("/desk/audit?reference=TM-NONE-NONE").text
    assert admin_desk.get("/desk/audit?page=abc").status_code == 200


def test_the_audit_log_is_append_only(applicant):
    models.audit("test.event", ("test", 1), after={"a": 1})
    event = AuditEvent.get(AuditEvent.action == "test.event")
    with pytest.raises(models.AuditLogIsAppendOnly):
        AuditEvent.update(action="changed").execute()
    with pytest.raises(models.AuditLogIsAppendOnly):
        AuditEvent.delete().execute()
    with pytest.raises(models.AuditLogIsAppendOnly):
        event.delete_instance()
    event.action = "changed"
    with pytest.raises(models.AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(models.AuditLogIsAppendOnly):
        AuditEvent.bulk_update([event], fields=[AuditEvent.action])
    # The database refuses too, whatever the code tries.
    table = AuditEvent._meta.table_name
    for statement in (f"UPDATE {table} SET action = 'changed'", f"DELETE FROM {table}"):
        with pytest.raises(peewee.DatabaseError):
            with models.db.atomic():
                models.db.execute_sql(statement)
    assert AuditEvent.get_by_id(event.id).action == "test.event"


def test_no_code_updates_or_deletes_audit_events():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    sources = [
        *root.glob("*.py"),
        *root.glob("models/*.py"),
        *root.glob("views/**/*.py"),
        *root.glob("web/*.py"),
        *root.glob("services/*.py"),
        *root.glob("gateways/**/*.py"),
        *root.glob("domain/*.py"),
        *root.glob("migrations/*.py"),
    ]
    pattern = re.compile(
        r"AuditEvent\s*\.\s*(update|delete|bulk_update|replace|insert_many\(.*on_conflict)"
        r"|auditevent.*\b(UPDATE|DELETE)\b",
        re.IGNORECASE,
    )
    found = []
    for path in sources:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line) and "raise AuditLogIsAppendOnly" not in line and "def " not in line:
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_the_log_pages_by_key_older_and_newer(admin_desk):
    for n in range(120):
        models.audit("test.filler", ("search", str(n)))

    def fillers(page) -> list[int]:
        return [int(n) for n in re.findall(r'<bdi class="id">(\d+)</bdi>', page.text)]

    def link(page, label: str) -> str | None:
        found = re.search(rf'href="([^"]*)">{label}</a>', page.text)
        return found.group(1).replace("&amp;", "&") if found else None

    first = admin_desk.get("/desk/audit")
    assert fillers(first)[:50] == list(range(119, 69, -1)) and link(first, "Newer") is None
    second = admin_desk.get(link(first, "Older"))
    assert fillers(second) == list(range(69, 19, -1))
    third = admin_desk.get(link(second, "Older"))
    assert fillers(third)[:20] == list(range(19, -1, -1))
    back = admin_desk.get(link(third, "Newer"))
    assert fillers(back) == fillers(second) and link(back, "Newer") and link(back, "Older")
    assert admin_desk.get("/desk/audit?before=abc&after=-1").status_code == 200
