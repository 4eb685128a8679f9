"""Finding a payment at the desk (by reference, civil ID, track ID or Kuwait date) and a
request's page: its payment and its history."""

import pytest

from models import AuditEvent
from tests.helpers import (
    ADULT,
    APPLICANT,
    HX,
    SECOND,
    ask_refund,
    civil_id_for,
    login,
    paid_request,
    staff_login,
    stored,
)


def test_search_by_reference_civil_id_track_id_and_date(client, applicant, desk, clock):
    reference = paid_request(client)
    payment = stored(reference).latest_payment()
    for query in (
        reference,
        reference.lower(),
        APPLICANT,
        ADULT,
        SECOND,
        payment.track_id,
        "٢" + APPLICANT[1:] if APPLICANT.startswith("2") else APPLICANT,
    ):
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
    login(client, APPLICANT)  # over 12 hours after the fixture's log-in, which has ended
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
    for text in (
        payment.track_id,
        payment.auth_code,
        "Paid",
        "سارة أحمد",
        APPLICANT,
        "Answers confirmed, awaiting payment",
        "Payment started",
        "Payment captured",
        "Request marked paid",
        "Refund asked for",
        "Waiting for review",
    ):
        assert text in page.text, text
    # Staff looking at it are in the audit log, not in the request's own history.
    assert "Request viewed" not in desk.get(f"/desk/requests/{reference}").text
    assert AuditEvent.select().where(AuditEvent.action == "desk.request_viewed").count() == 2
    assert desk.get("/desk/requests/TM-NONE-NONE").status_code == 404
