"""Receipts for many people: a page of people at a time, a printable table of all, and a
CSV export that Excel opens as Arabic."""

import csv
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import clock
from models import InsuranceRequest, Upload
from tests.helpers import civil_id_for, form_post

HEADINGS = "Civil ID,Full name,Category,Passport number,Passport expiry,Years\r\n"
EXPIRY = (clock.today_in_kuwait() + timedelta(days=6 * 366)).isoformat()
SPONSOR = {
    "sponsor_name": "Gulf Trading Company",
    "sponsor_civil_id": civil_id_for(40, born="800505"),
    "insurance_status": "new",
}


def names(n: int) -> str:
    special = {5: "=HYPERLINK()", 7: "Ali;=1+2"}
    return special.get(n) or ("علي حسن" if n % 2 else f"Worker {n}")


def paid_upload(client, count=20) -> str:
    lines = "".join(
        f"{civil_id_for(n * 3, born='850612')},{names(n)},worker,A1234567,{EXPIRY},1\r\n"
        for n in range(1, count + 1)
    )
    response = form_post(
        client,
        "/uploads/new",
        {**SPONSOR, "people_file": (io.BytesIO((HEADINGS + lines).encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    form_post(client, urlsplit(response.headers["Location"]).path + "/requests")
    [made] = Upload.get().requests()
    reference = made.reference
    bank = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})  # and on to the bank
    assert bank.status_code == 303
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    client.get(back.headers["Location"])
    assert InsuranceRequest.get(InsuranceRequest.reference == reference).state == "paid"
    return reference


def test_the_receipt_lists_people_a_page_at_a_time(client, officer):
    reference = paid_upload(client)
    first = client.get(f"/requests/{reference}/receipt")
    assert "page 1 of 2" in first.text and 'rel="next"' in first.text
    assert first.text.count("Worker ") == 5  # ten people a page, every second one in Arabic
    second = client.get(f"/requests/{reference}/receipt?page=2")
    assert "page 2 of 2" in second.text and 'rel="prev"' in second.text
    assert "Worker 20" in second.text and "Worker 2<" not in second.text
    assert client.get(f"/requests/{reference}/receipt?page=99").status_code == 200


def test_the_printable_table_has_everyone(client, officer):
    reference = paid_upload(client)
    table = client.get(f"/requests/{reference}/receipt/people")
    assert table.status_code == 200
    assert len(re.findall(r"<tr><td>\d+</td>", table.text)) == 20


def test_the_csv_export_is_utf8_with_a_bom_and_no_formulas(client, officer):
    reference = paid_upload(client)
    response = client.get(f"/requests/{reference}/receipt.csv")
    assert response.mimetype == "text/csv"
    assert f"receipt-{reference}.csv" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 21 and lines[0].startswith("Request reference,Civil ID")
    assert "علي حسن" in lines[1] and lines[1].endswith(",1,50.000")
    assert ",'=HYPERLINK()," in response.data.decode("utf-8-sig")


def test_a_formula_after_a_semicolon_comes_out_as_text(client, officer):
    """Spreadsheets in Arabic locales split lines on semicolons: `Ali;=1+2` must not give
    them a cell `=1+2`."""
    reference = paid_upload(client, count=7)
    text = client.get(f"/requests/{reference}/receipt.csv").data.decode("utf-8-sig")
    assert ',"Ali;\'=1+2",' in text
    for separator in (",", ";", "\t"):
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            assert not any(cell.lstrip()[:1] in ("=", "+", "-", "@") for cell in line), line


def test_a_small_receipt_has_no_pages_but_the_same_exports(client, officer):
    reference = paid_upload(client, count=3)
    page = client.get(f"/requests/{reference}/receipt")
    assert "page 1 of" not in page.text and f"/requests/{reference}/receipt.csv" in page.text


def test_no_receipt_no_exports(client, officer):
    from tests.helpers import start_request

    reference = start_request(client)
    assert client.get(f"/requests/{reference}/receipt.csv").status_code == 302
    assert client.get(f"/requests/{reference}/receipt/people").status_code == 302
