"""The operator's desk: staff log-in with a second factor, keeping staff and applicants
apart, roles, search, the refund queue and its rules, the audit log, exports."""
import csv
import io
import re

import peewee
import pytest

import models
from models import AuditEvent, InsuranceRequest, Refund, SandboxPayment, StaffMember
from tests.conftest import HX, civil_id_for, form_post, mobile_for, register_and_login
from tests.routes.requests.refund_helpers import (ADMIN_CIVIL_ID, PAID_TOTAL, STAFF_PASSWORD, ask_refund,
                                         code_now, make_staff, paid_request, staff_login, stored)

APPLICANT = civil_id_for(1)


@pytest.fixture
def applicant(client, clock):
    user = register_and_login(client, APPLICANT, mobile_for(1))
    client.get("/?lang=en")
    return user


@pytest.fixture
def reviewer(app):
    return make_staff(app)


@pytest.fixture
def admin(app):
    return make_staff(app, login="admin1", civil_id=ADMIN_CIVIL_ID, role="admin")


@pytest.fixture
def desk(app, reviewer, clock):
    """A second browser: the reviewer, logged in at the desk."""
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, reviewer).status_code == 302
    return desk


@pytest.fixture
def admin_desk(app, admin, clock):
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, admin).status_code == 302
    return desk


@pytest.fixture
def waiting(client, applicant):
    """A paid request (through the sandbox bank) whose refund waits for review."""
    reference = paid_request(client)
    assert ask_refund(client, reference).status_code == 303
    return reference, Refund.get(Refund.request == stored(reference))


def approve(desk, refund, method="gateway", headers=None, **extra):
    return form_post(desk, f"/desk/refunds/{refund.id}/approve", {"method": method, **extra},
                     headers=headers or {})


# --- logging in -------------------------------------------------------------------

def test_staff_log_in_with_password_and_totp(app, reviewer, clock):
    desk = app.test_client()
    page = desk.get("/desk/login?lang=en")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    response = staff_login(desk, reviewer)
    assert response.status_code == 302 and response.headers["Location"] == "/desk/"
    home = desk.get("/desk/")
    assert home.status_code == 200 and "Staff reviewer1" in home.text
    assert StaffMember.get_by_id(reviewer.id).last_login_at == clock.at


def test_next_page_after_log_in_stays_on_the_desk(app, reviewer, clock):
    desk = app.test_client()
    assert desk.get("/desk/refunds").headers["Location"] == "/desk/login?next=/desk/refunds"
    response = form_post(desk, "/desk/login?next=/desk/refunds",
                         {"login": "reviewer1", "password": STAFF_PASSWORD, "code": code_now(reviewer)})
    assert response.headers["Location"] == "/desk/refunds"
    other = app.test_client()
    clock.advance(seconds=30)
    response = form_post(other, "/desk/login?next=https://evil.example/",
                         {"login": "reviewer1", "password": STAFF_PASSWORD, "code": code_now(reviewer)})
    assert response.headers["Location"] == "/desk/"


@pytest.mark.parametrize("code, message", [
    ("", "Enter the 6-digit code from your authenticator app"),
    ("12345", "The code has 6 digits"),
])
def test_the_second_factor_is_required(app, reviewer, clock, code, message):
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    response = staff_login(desk, reviewer, code=code)
    assert response.status_code == 200 and message in response.text
    assert desk.get("/desk/").status_code == 302


def test_a_wrong_code_or_password_is_refused_with_one_message(app, reviewer, clock):
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    right = code_now(reviewer)
    wrong = f"{(int(right) + 1) % 10 ** 6:06d}"
    for response in (staff_login(desk, reviewer, code=wrong),
                     staff_login(desk, reviewer, password="not the password"),
                     form_post(desk, "/desk/login", {"login": "nobody", "password": STAFF_PASSWORD,
                                                     "code": right})):
        assert response.status_code == 200
        assert "The user name, password or code is not right" in response.text
    assert desk.get("/desk/").status_code == 302
    # A wrong password did not spend the code: it still works.
    assert staff_login(desk, reviewer, code=right).status_code == 302


def test_a_totp_code_works_once(app, reviewer, clock):
    first, second = app.test_client(), app.test_client()
    second.get("/desk/login?lang=en")
    code = code_now(reviewer)
    assert staff_login(first, reviewer, code=code).status_code == 302
    replay = staff_login(second, reviewer, code=code)
    assert replay.status_code == 200 and "not right" in replay.text
    clock.advance(seconds=10)  # still the same 30-second window
    assert staff_login(second, reviewer, code=code).status_code == 200
    # An older code is no good either, even within the drift allowed.
    assert staff_login(second, reviewer, code=code_now(reviewer, seconds_later=-30)).status_code == 200
    clock.advance(seconds=30)
    assert staff_login(second, reviewer, code=code_now(reviewer)).status_code == 302


def test_a_code_from_a_phone_slightly_off_is_accepted(app, reviewer, clock):
    desk = app.test_client()
    assert staff_login(desk, reviewer, code=code_now(reviewer, seconds_later=-25)).status_code == 302
    clock.advance(minutes=5)
    other = app.test_client()
    assert staff_login(other, reviewer, code=code_now(reviewer, seconds_later=-120)).status_code == 200


def test_staff_log_in_has_the_applicants_limits(app, reviewer, clock):
    desk = app.test_client()
    for _ in range(5):
        assert staff_login(desk, reviewer, password="wrong password").status_code == 200
    blocked = staff_login(desk, reviewer)
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    clock.advance(minutes=16)
    assert staff_login(desk, reviewer).status_code == 302


def test_inactive_staff_cannot_log_in_and_are_signed_out(app, desk, reviewer, clock):
    StaffMember.update(active=False).where(StaffMember.id == reviewer.id).execute()
    assert desk.get("/desk/").status_code == 302
    clock.advance(seconds=30)
    assert staff_login(app.test_client(), reviewer).status_code == 200


def test_log_out_signs_out_every_browser(app, desk, reviewer, clock):
    copy = app.test_client()
    with desk.session_transaction() as session:
        saved = dict(session)
    with copy.session_transaction() as session:
        session.update(saved)
    assert copy.get("/desk/").status_code == 200
    response = form_post(desk, "/desk/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/desk/login"
    assert desk.get("/desk/").status_code == 302
    assert copy.get("/desk/").status_code == 302


def test_a_desk_session_ends_after_twelve_hours(desk, clock):
    assert desk.get("/desk/").status_code == 200
    clock.advance(hours=12, seconds=1)
    assert desk.get("/desk/").status_code == 302


# --- staff and applicants kept apart ----------------------------------------------------

def desk_routes(app) -> list[tuple[str, str]]:
    """(method, address) of every desk route but the log-in page, placeholders filled."""
    values = {"reference": "TM-AAAA-AAAA", "refund_id": 1}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/desk") or rule.endpoint == "desk_login.login":
            continue
        address = rule.build({name: values[name] for name in rule.arguments})[1]
        found += [(method, address) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_an_applicant_cannot_reach_any_staff_page(app, client, waiting):
    routes = desk_routes(app)
    assert len(routes) >= 10
    for method, address in routes:
        if method == "GET":
            response = client.get(address)
        else:
            response = form_post(client, address, {"method": "gateway", "reason": "no"})
        if address == "/desk/logout":  # logging out of a desk session one does not have
            continue
        assert response.status_code == 302, (method, address)
        assert response.headers["Location"].startswith("/desk/login"), (method, address)
    assert Refund.get().state == Refund.REQUESTED
    assert client.get("/requests").status_code == 200  # still the applicant
    # Logging in at the desk with the applicant's own credentials gets nowhere either.
    response = form_post(client, "/desk/login", {"login": APPLICANT, "password": "a long enough passphrase",
                                                 "code": "123456"})
    assert response.status_code == 200 and "not right" in response.text


def test_a_stranger_cannot_reach_any_staff_page(app):
    stranger = app.test_client()
    for method, address in desk_routes(app):
        if method == "GET":
            response = stranger.get(address)
            assert response.status_code == 302 and response.headers["Location"].startswith("/desk/login")


def test_a_staff_session_is_not_an_applicant(app, desk):
    for url in ("/requests", "/account/"):
        response = desk.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "My requests" not in desk.get("/fees?lang=en").text


def test_logging_in_as_an_applicant_ends_the_desk_session(app, desk):
    register_and_login(desk, civil_id_for(5), mobile_for(5))
    assert desk.get("/requests").status_code == 200
    assert desk.get("/desk/").status_code == 302


def test_logging_in_at_the_desk_ends_the_applicant_session(app, client, applicant, reviewer, clock):
    assert client.get("/requests").status_code == 200
    assert staff_login(client, reviewer).status_code == 302
    assert client.get("/requests").status_code == 302
    assert client.get("/desk/").status_code == 200


# --- roles ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/desk/audit", "/desk/export", "/desk/schedules",
                                 "/desk/export?kind=payments&date_from=2026-01-01&date_to=2026-01-31"])
def test_a_reviewer_cannot_see_admin_pages(desk, admin_desk, url):
    assert desk.get(url).status_code == 403
    assert admin_desk.get(url).status_code == 200


def test_admin_links_only_for_admins(desk, admin_desk):
    assert "/desk/audit" not in desk.get("/desk/").text
    assert "/desk/audit" in admin_desk.get("/desk/").text


# --- search and a request's story -----------------------------------------------------------

def test_search_by_reference_civil_id_track_id_and_date(client, applicant, desk, clock):
    reference = paid_request(client)
    payment = stored(reference).latest_payment()
    from tests.routes.requests.test_requests import ADULT, SECOND

    for query in (reference, reference.lower(), APPLICANT, ADULT, SECOND, payment.track_id,
                  "٢" + APPLICANT[1:] if APPLICANT.startswith("2") else APPLICANT):
        page = desk.get(f"/desk/payments?q={query}")
        assert page.status_code == 200 and payment.track_id in page.text, query
    today = clock.at.date().isoformat()
    assert payment.track_id in desk.get(f"/desk/payments?on={today}").text
    assert payment.track_id not in desk.get("/desk/payments?on=2025-01-01").text
    assert payment.track_id not in desk.get(f"/desk/payments?q={civil_id_for(77)}").text
    assert "1 payment found" in desk.get(f"/desk/payments?q={reference}&on={today}").text


def test_search_by_kuwait_date_near_midnight(app, client, applicant, reviewer, clock):
    from datetime import datetime

    clock.at = datetime(2026, 1, 10, 22, 30)  # 01:30 on the 11th in Kuwait
    reference = paid_request(client)
    desk = app.test_client()
    assert staff_login(desk, reviewer).status_code == 302
    track_id = stored(reference).latest_payment().track_id
    assert track_id in desk.get("/desk/payments?on=2026-01-11").text
    assert track_id not in desk.get("/desk/payments?on=2026-01-10").text


@pytest.mark.parametrize("headers", [{}, HX])
def test_search_problems(desk, headers):
    page = desk.get("/desk/payments", headers=headers)
    assert "Enter a reference, a civil ID, a track ID or a date" in page.text
    assert "<!doctype html>" in page.text
    bad = desk.get("/desk/payments?on=2026-02-30", headers=headers)
    assert "Enter a real date" in bad.text and "<title>Error:" in bad.text


def test_a_request_its_payment_and_history(client, applicant, desk):
    reference = paid_request(client)
    ask_refund(client, reference)
    page = desk.get(f"/desk/requests/{reference}")
    assert page.status_code == 200
    payment = stored(reference).latest_payment()
    for text in (payment.track_id, payment.auth_code, "Paid", "سارة أحمد", APPLICANT,
                 "Answers confirmed, awaiting payment", "Payment started", "Payment captured",
                 "Request marked paid", "Refund asked for", "Waiting for review"):
        assert text in page.text, text
    # Staff looking at it are in the audit log, not in the request's own history.
    assert "Request viewed" not in desk.get(f"/desk/requests/{reference}").text
    assert AuditEvent.select().where(AuditEvent.action == "desk.request_viewed").count() == 2
    assert desk.get("/desk/requests/TM-NONE-NONE").status_code == 404


# --- the refund queue -------------------------------------------------------------------------

def test_queue_lists_waiting_refunds(desk, waiting):
    reference, refund = waiting
    page = desk.get("/desk/refunds")
    assert f"/desk/refunds/{refund.id}" in page.text and reference in page.text
    detail = desk.get(f"/desk/refunds/{refund.id}")
    assert "KW81 CBKU 0000 0000 0000 1234 5601 01" in detail.text
    assert "The people covered left Kuwait before the cover started" in detail.text
    assert "Approve and refund KWD\u00a0110.000" in detail.text
    assert "Money is not refunded when the data the applicant entered was wrong." in detail.text


def test_approve_through_the_sandbox_gateway(client, desk, waiting):
    reference, refund = waiting
    response = approve(desk, refund, note="Left before cover")
    assert response.status_code == 303 and response.headers["Location"] == f"/desk/refunds/{refund.id}"
    refund = Refund.get_by_id(refund.id)
    assert refund.state == Refund.REFUNDED and refund.method == Refund.GATEWAY
    assert refund.refund_reference.startswith("RF") and refund.done_for == refund.request_id
    assert refund.decided_by.login == "reviewer1" and refund.open_for is None
    assert stored(reference).state == InsuranceRequest.REFUNDED
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == PAID_TOTAL
    assert "Refund made" in desk.get(f"/desk/refunds/{refund.id}").text
    # The applicant sees it refunded; the receipt's public check says not paid any more.
    page = client.get(f"/requests/{reference}")
    assert "Refunded" in page.text and "KWD\u00a0110.000 was refunded" in page.text
    assert refund.refund_reference in page.text
    assert "Ask for a refund" not in page.text


def test_approve_by_bank_transfer_needs_its_reference(client, desk, waiting):
    reference, refund = waiting
    missing = approve(desk, refund, method="bank_transfer")
    assert missing.status_code == 200
    assert "Enter the reference of the bank transfer you made" in missing.text
    assert Refund.get_by_id(refund.id).state == Refund.REQUESTED
    assert "Choose how the money goes back" in approve(desk, refund, method="").text
    done = approve(desk, refund, method="bank_transfer", bank_reference="NBK-٢٠٢٦-0042")
    assert done.status_code == 303
    refund = Refund.get_by_id(refund.id)
    assert (refund.state, refund.method, refund.refund_reference) == (
        Refund.REFUNDED, Refund.BANK_TRANSFER, "NBK-2026-0042")
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == 0
    assert "sent by bank transfer to KW81 •••• 0101" in client.get(f"/requests/{reference}").text


def test_reject_with_a_note_the_applicant_reads(client, desk, waiting):
    reference, refund = waiting
    assert "Say why the refund is rejected" in form_post(desk, f"/desk/refunds/{refund.id}/reject",
                                                         {"reason": ""}).text
    response = form_post(desk, f"/desk/refunds/{refund.id}/reject",
                         {"reason": "The residency was renewed after the request."})
    assert response.status_code == 303
    assert Refund.get_by_id(refund.id).state == Refund.REJECTED
    assert stored(reference).state == InsuranceRequest.PAID
    page = client.get(f"/requests/{reference}")
    assert "Your last refund request was rejected." in page.text
    assert "The residency was renewed after the request." in page.text
    assert "Ask for a refund" in page.text
    # A decided refund cannot be approved after all.
    late = approve(desk, refund)
    assert late.status_code == 409 and "already been decided" in late.text
    assert stored(reference).state == InsuranceRequest.PAID


def test_a_double_approval_refunds_once(desk, waiting):
    reference, refund = waiting
    assert approve(desk, refund).status_code == 303
    again = approve(desk, refund)
    assert again.status_code == 409 and "already been decided" in again.text
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == PAID_TOTAL
    assert AuditEvent.select().where(AuditEvent.action == "refund.refunded").count() == 1


def test_two_reviewers_at_once_refund_once(app, desk, waiting, clock):
    reference, refund = waiting
    second = make_staff(app, login="reviewer2", civil_id=civil_id_for(902, born="810404"))
    assert Refund.get_by_id(refund.id).claim(second)
    assert not Refund.get_by_id(refund.id).claim(StaffMember.get(StaffMember.login == "reviewer1"))
    assert approve(desk, refund).status_code == 409


def test_no_second_refund_of_a_refunded_request(client, desk, waiting):
    reference, refund = waiting
    approve(desk, refund)
    # The applicant cannot ask again, and a second refund row cannot be made to count.
    assert client.get(f"/requests/{reference}/refund").status_code == 303
    with pytest.raises(models.RefundRefused):
        Refund.ask(stored(reference), reason="other", details="again", iban_text=refund.iban,
                   account_holder="x")
    forged = Refund.create(request=refund.request_id, payment=refund.payment_id, amount_fils=PAID_TOTAL,
                           reason="other", iban=refund.iban, account_holder="x")
    refused = approve(desk, forged)
    assert refused.status_code == 409 and "already been refunded" in refused.text
    with pytest.raises(models.IntegrityError):
        with models.db.atomic():
            Refund.update(done_for=refund.request_id).where(Refund.id == forged.id).execute()
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == PAID_TOTAL


@pytest.mark.parametrize("amount, message", [
    (PAID_TOTAL - 1, "Only the whole amount can be refunded"),
    (PAID_TOTAL // 2, "Only the whole amount can be refunded"),
    (PAID_TOTAL + 1, "more than was paid"),
])
def test_part_of_the_amount_or_more_than_paid_is_refused(desk, waiting, amount, message):
    reference, refund = waiting
    Refund.update(amount_fils=amount).where(Refund.id == refund.id).execute()
    refused = approve(desk, refund)
    assert refused.status_code == 409 and message in refused.text
    assert Refund.get_by_id(refund.id).state == Refund.REQUESTED
    payment = stored(reference).latest_payment()
    assert SandboxPayment.get(SandboxPayment.track_id == payment.track_id).refunded_fils == 0


def test_the_sandbox_bank_refuses_part_and_excess_refunds_too(client, applicant):
    reference = paid_request(client)
    track_id = stored(reference).latest_payment().track_id
    assert not SandboxPayment.refund(track_id, PAID_TOTAL + 1)
    assert not SandboxPayment.refund(track_id, 0)
    assert SandboxPayment.refund(track_id, PAID_TOTAL)
    assert not SandboxPayment.refund(track_id, 1)


@pytest.mark.parametrize("whose", ["owner", "sponsor", "covered"])
def test_a_reviewer_cannot_approve_their_own_request(app, client, waiting, clock, whose):
    reference, refund = waiting
    from tests.routes.requests.test_requests import ADULT, SECOND

    # fill_until_check: the sponsor is ADULT, who is covered too, with SECOND.
    civil_id = {"owner": APPLICANT, "sponsor": ADULT, "covered": SECOND}[whose]
    own = make_staff(app, login="conflicted", civil_id=civil_id)
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, own).status_code == 302
    page = desk.get(f"/desk/refunds/{refund.id}")
    assert "you cannot decide on its refunds" in page.text and "Approve and refund" not in page.text
    refused = approve(desk, refund)
    assert refused.status_code == 403 and "Another reviewer must decide" in refused.text
    rejected = form_post(desk, f"/desk/refunds/{refund.id}/reject", {"reason": "mine"})
    assert rejected.status_code == 403
    assert Refund.get_by_id(refund.id).state == Refund.REQUESTED
    assert stored(reference).state == InsuranceRequest.REFUND_REQUESTED
    with pytest.raises(models.RefundRefused):
        Refund.get_by_id(refund.id).check_approvable(own)


def test_a_declining_gateway_puts_the_refund_back_in_the_queue(app, desk, waiting):
    reference, refund = waiting
    payment = stored(reference).latest_payment()
    SandboxPayment.update(result="NOT CAPTURED").where(SandboxPayment.track_id == payment.track_id).execute()
    response = approve(desk, refund)
    assert response.status_code == 303
    refund = Refund.get_by_id(refund.id)
    assert refund.state == Refund.REQUESTED and "declined" in refund.last_error
    assert "The gateway did not make the refund" in desk.get(f"/desk/refunds/{refund.id}").text
    assert stored(reference).state == InsuranceRequest.REFUND_REQUESTED


def test_an_unreachable_gateway_puts_the_refund_back_in_the_queue(app, desk, waiting, monkeypatch):
    from gateways.payments import GatewayUnavailable

    reference, refund = waiting
    gateway = app.extensions["payment_gateway"]

    def unreachable(*args):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(gateway, "refund", unreachable)
    assert approve(desk, refund).status_code == 303
    refund = Refund.get_by_id(refund.id)
    assert refund.state == Refund.REQUESTED and "could not be reached" in refund.last_error


def test_the_applicant_withdrawing_first_wins(client, desk, waiting):
    reference, refund = waiting
    form_post(client, f"/requests/{reference}/refund/withdraw")
    assert approve(desk, refund).status_code == 409
    assert stored(reference).state == InsuranceRequest.PAID


# --- the audit log -------------------------------------------------------------------------

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
        "request.paid": {("system", "system"), ("applicant", APPLICANT)},  # paid, and paid again after withdraw/reject
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

    from tests.routes.requests.test_requests import fill_until_check, start_request

    reference = start_request(client)
    fill_until_check(client, reference)
    form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
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
    sources = [root / "app.py", *root.glob("models*.py"), *root.glob("models/*.py"),
               *root.glob("views/**/*.py"), *root.glob("web/*.py"), *root.glob("services/*.py"),
               *root.glob("gateways/**/*.py"), *root.glob("domain/*.py"), *root.glob("migrations/*.py")]
    pattern = re.compile(r"AuditEvent\s*\.\s*(update|delete|bulk_update|replace|insert_many\(.*on_conflict)"
                         r"|auditevent.*\b(UPDATE|DELETE)\b", re.IGNORECASE)
    found = []
    for path in sources:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line) and "raise AuditLogIsAppendOnly" not in line and "def " not in line:
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


# --- exports and schedules --------------------------------------------------------------

def read_csv(response) -> list[list[str]]:
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte order mark spreadsheets look for
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_payments_as_csv_with_arabic_intact(client, applicant, admin_desk, clock):
    reference = paid_request(client)
    payment = stored(reference).latest_payment()
    response = admin_desk.get("/desk/export?kind=payments&date_from=2026-01-10&date_to=2026-01-10")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    header, line = rows[0], rows[1]
    assert len(rows) == 2
    record = dict(zip(header, line))
    assert record["track_id"] == payment.track_id and record["request_reference"] == reference
    assert record["amount_kwd"] == "110.000" and record["state"] == "paid"
    assert record["applicant_name_ar"] == "سارة أحمد" and record["applicant_name_en"] == "Sara Ahmed"
    assert record["applicant_civil_id"] == APPLICANT
    outside = admin_desk.get("/desk/export?kind=payments&date_from=2026-01-11&date_to=2026-02-01")
    assert len(read_csv(outside)) == 1


def test_export_refunds_as_csv(client, applicant, admin_desk, waiting):
    reference, refund = waiting
    Refund.update(account_holder="=HYPERLINK(\"http://evil\")").where(Refund.id == refund.id).execute()
    rows = read_csv(admin_desk.get("/desk/export?kind=refunds&date_from=2026-01-01&date_to=2026-01-31"))
    record = dict(zip(rows[0], rows[1]))
    assert record["request_reference"] == reference and record["iban"] == "KW81CBKU0000000000001234560101"
    assert record["state"] == "requested" and record["amount_kwd"] == "110.000"
    assert record["applicant_name_ar"] == "سارة أحمد"
    # A cell a spreadsheet would run as a formula is written as text.
    assert record["account_holder"].startswith("'=")


@pytest.mark.parametrize("headers", [{}, HX])
def test_export_form_and_its_problems(admin_desk, headers):
    page = admin_desk.get("/desk/export", headers=headers)
    assert page.status_code == 200 and "Download CSV" in page.text
    assert "<!doctype html>" in page.text
    assert "Error:" not in page.text
    bad = admin_desk.get("/desk/export?kind=&date_from=2026-13-01&date_to=", headers=headers)
    assert bad.status_code == 200
    for message in ("Choose payments or refunds", "Enter a real date", "Enter the last date"):
        assert message in bad.text
    backwards = admin_desk.get("/desk/export?kind=payments&date_from=2026-02-01&date_to=2026-01-01")
    assert "The last date must be on or after the first date" in backwards.text
    too_long = admin_desk.get("/desk/export?kind=payments&date_from=2024-01-01&date_to=2026-01-01")
    assert "Export at most a year at a time" in too_long.text


def test_fee_schedules_page(admin_desk):
    page = admin_desk.get("/desk/schedules?lang=en")
    assert page.status_code == 200
    assert page.text.count('class="desk-schedule"') == 2
    assert 'id="schedule-seed"' in page.text and 'id="schedule-decision-306-2025"' in page.text
    assert page.text.index("schedule-seed") < page.text.index("schedule-decision-306-2025")
    assert "In force" in page.text


# --- every desk page with and without htmx ------------------------------------------------

@pytest.mark.parametrize("headers", [{}, HX])
def test_every_desk_page_is_whole_with_or_without_htmx(client, waiting, admin_desk, headers):
    reference, refund = waiting
    for url in ("/desk/login", "/desk/", f"/desk/payments?q={reference}", f"/desk/requests/{reference}",
                "/desk/refunds", f"/desk/refunds/{refund.id}", "/desk/audit", "/desk/export",
                "/desk/schedules"):
        page = admin_desk.get(url, headers=headers)
        assert page.status_code == 200, url
        assert "<!doctype html>" in page.text, url
        assert "<title>" in page.text and page.headers["X-Robots-Tag"] == "noindex", url
    for post in (approve(admin_desk, refund, method="bank_transfer", headers=headers),
                 form_post(admin_desk, f"/desk/refunds/{refund.id}/reject", {"reason": ""}, headers=headers)):
        assert "<!doctype html>" in post.text
    done = approve(admin_desk, refund, headers=headers)
    assert done.status_code == 303
    assert form_post(admin_desk, "/desk/logout", headers=headers).status_code == 302
    login = form_post(admin_desk, "/desk/login", {"login": "admin1", "password": "x", "code": "1"},
                      headers=headers)
    assert login.status_code == 200 and "<!doctype html>" in login.text


def test_desk_pages_in_arabic(admin_desk, waiting):
    reference, refund = waiting
    page = admin_desk.get(f"/desk/refunds/{refund.id}?lang=ar")
    assert 'lang="ar" dir="rtl"' in page.text


# --- the create-staff command ---------------------------------------------------------------

def test_create_staff_prints_the_totp_secret_once(app, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-staff", "reviewer9", "--name", "Noura", "--civil-id",
                                 "٢٩١٠٣٠١٠٤١٩٦", "--password-stdin"], input=STAFF_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    secret = re.search(r"TOTP secret: ([A-Z2-7]+)", result.output).group(1)
    assert "otpauth://totp/Tameen:reviewer9?secret=" + secret in result.output
    staff = StaffMember.get(StaffMember.login == "reviewer9")
    assert (staff.role, staff.civil_id, staff.name) == ("reviewer", "291030104196", "Noura")
    assert staff.password_hash.startswith("$argon2id$") and STAFF_PASSWORD not in staff.password_hash
    assert AuditEvent.get(AuditEvent.action == "staff.created").record_id == str(staff.id)
    desk = app.test_client()
    assert staff_login(desk, staff).status_code == 302


def test_create_staff_with_a_civil_id_login_and_admin_role(app, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-staff", "279040907388", "--name", "Fahad", "--role", "admin"],
                           input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    staff = StaffMember.get(StaffMember.login == "279040907388")
    assert staff.is_admin and staff.civil_id == "279040907388"


@pytest.mark.parametrize("args, stdin, message", [
    (["staffer", "--name", "X Y"], STAFF_PASSWORD, "--civil-id is required"),
    (["290011500180", "--name", "X Y"], STAFF_PASSWORD, "not a valid civil ID"),
    (["a", "--name", "X Y", "--civil-id", "291030104196"], STAFF_PASSWORD, "user name is 2 to 40"),
    (["staffer", "--name", "X Y", "--civil-id", "291030104196", "--role", "boss"], STAFF_PASSWORD, "boss"),
    (["staffer", "--name", "X Y", "--civil-id", "291030104196"], "password", "password refused"),
])
def test_create_staff_refusals(app, args, stdin, message):
    result = app.test_cli_runner().invoke(args=["create-staff", *args, "--password-stdin"], input=stdin + "\n")
    assert result.exit_code != 0 and message in result.output
    assert not StaffMember.select().exists()


def test_create_staff_twice_is_refused(app):
    runner = app.test_cli_runner()
    args = ["create-staff", "staffer", "--name", "X Y", "--civil-id", "291030104196", "--password-stdin"]
    assert runner.invoke(args=args, input=STAFF_PASSWORD + "\n").exit_code == 0
    again = runner.invoke(args=args, input=STAFF_PASSWORD + "\n")
    assert again.exit_code != 0 and "exists already" in again.output
