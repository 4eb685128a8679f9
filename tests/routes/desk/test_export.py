"""CSV exports of payments and refunds for admins: Arabic intact, formulas defused, and the
form's problems in place."""

import csv
import io

import pytest

from models import Refund
from tests.helpers import APPLICANT, HX, approve, other_people, paid_request, stored


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
    Refund.update(account_holder='=HYPERLINK("http://evil")').where(Refund.id == refund.id).execute()
    rows = read_csv(admin_desk.get("/desk/export?kind=refunds&date_from=2026-01-01&date_to=2026-01-31"))
    record = dict(zip(rows[0], rows[1]))
    assert record["request_reference"] == reference and record["iban"] == "KW81CBKU0000000000001234560101"
    assert record["state"] == "requested" and record["amount_kwd"] == "110.000"
    assert record["applicant_name_ar"] == "سارة أحمد"
    # A cell a spreadsheet would run as a formula is written as text.
    assert record["account_holder"].startswith("'=")


def test_a_formula_after_a_semicolon_is_exported_as_text(client, applicant, admin_desk, waiting):
    """Spreadsheets in Arabic locales split lines on semicolons."""
    _reference, refund = waiting
    Refund.update(account_holder="Ali;=1+2").where(Refund.id == refund.id).execute()
    response = admin_desk.get("/desk/export?kind=refunds&date_from=2026-01-01&date_to=2026-01-31")
    rows = read_csv(response)
    assert dict(zip(rows[0], rows[1]))["account_holder"] == "Ali;'=1+2"
    assert ',"Ali;\'=1+2",' in response.data.decode("utf-8-sig")


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


def test_a_long_export_streams_in_batches_in_order(client, applicant, admin_desk, clock, monkeypatch):
    from services import exports

    references = [paid_request(client, other_people(500 + 10 * n)) for n in range(5)]
    monkeypatch.setattr(exports, "BATCH", 2)  # five payments: three batches, the last short
    response = admin_desk.get(
        "/desk/export?kind=payments&date_from=2026-01-01&date_to=2026-01-31", buffered=False
    )
    assert response.is_streamed and "Content-Length" not in response.headers
    rows = read_csv(response)
    assert [row[1] for row in rows[1:]] == references


def _exported_payment(admin_desk) -> dict:
    rows = read_csv(admin_desk.get("/desk/export?kind=payments&date_from=2026-01-01&date_to=2026-01-31"))
    return dict(zip(rows[0], rows[1]))


def test_a_refunded_payment_is_exported_as_refunded_not_paid(desk, admin_desk, waiting):
    """Finance sums the paid lines: a payment whose money went back must not be one."""
    _reference, refund = waiting
    assert _exported_payment(admin_desk)["state"] == "paid"  # asked for, not yet made
    assert _exported_payment(admin_desk)["refunded_kwd"] == "0.000"
    assert approve(desk, refund).status_code == 303
    record = _exported_payment(admin_desk)
    assert record["state"] == "refunded" and record["refunded_kwd"] == "110.000"
    assert record["amount_kwd"] == "110.000"


def test_a_partly_refunded_payment_says_how_much_went_back(desk, admin_desk, waiting):
    _reference, refund = waiting
    assert approve(desk, refund, amount="55").status_code == 303
    record = _exported_payment(admin_desk)
    assert record["state"] == "partly_refunded" and record["refunded_kwd"] == "55.000"
