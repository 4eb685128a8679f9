"""Uploading a list of people: the form and templates, every kind of bad file and bad row,
the problem page, going on without the bad rows, and the requests it makes."""

import gzip
import io
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import openpyxl
import pytest

import clock
from models import InsuranceRequest, Upload, UploadedRequest
from tests.helpers import civil_id_for, form_post, make_app, mobile_for, paid_request, register_and_login

HEADINGS = "Civil ID,Full name,Category,Passport number,Passport expiry,Years\r\n"
EXPIRY = (clock.today_in_kuwait() + timedelta(days=6 * 366)).isoformat()
SPONSOR = {
    "sponsor_name": "Gulf Trading Company",
    "sponsor_civil_id": civil_id_for(40, born="800505"),
    "insurance_status": "new",
}


def person_id(serial: int) -> str:
    """A distinct valid civil ID for each serial up to 3,000 (civil_id_for moves past
    serials without a check digit, so neighbours can share one)."""
    return civil_id_for(serial * 3, born="850612")


def line(serial, name="Worker", category="worker", passport="A1234567", expiry=EXPIRY, years="2"):
    return f"{person_id(serial)},{name},{category},{passport},{expiry},{years}\r\n"


def upload(client, data: bytes, name="people.csv", **form):
    return form_post(
        client,
        "/uploads/new",
        {**SPONSOR, **form, "people_file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def uploaded(client, data: bytes, name="people.csv"):
    response = upload(client, data, name)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_only_organisations_upload(client, officer):
    assert "Upload a list of people" in client.get("/requests").text
    assert client.get("/uploads/new").status_code == 200


def test_personal_accounts_have_no_upload(client, user):
    assert "Upload a list of people" not in client.get("/requests").text
    assert client.get("/uploads/new").status_code == 404
    assert client.get("/uploads/template-en.csv").status_code == 404


def test_templates_in_arabic_and_english(client, officer):
    for language, heading in (("en", "Civil ID"), ("ar", "الرقم المدني")):
        response = client.get(f"/uploads/template-{language}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.data.startswith("\ufeff".encode())
        assert response.data.decode("utf-8-sig").startswith(heading)
    assert client.get("/uploads/template-fr.csv").status_code == 404
    assert client.get("/uploads/template-en.pdf").status_code == 404


def test_the_excel_templates_read_back_as_their_headings(client, officer):
    for language, heading in (("en", "Civil ID"), ("ar", "الرقم المدني")):
        response = client.get(f"/uploads/template-{language}.xlsx")
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
        sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
        assert next(sheet.iter_rows(values_only=True))[0] == heading
        # Uploaded as it comes, with no people yet:
        assert "no people in it" in upload(client, response.data, f"people-{language}.xlsx").text


def test_good_rows_become_requests_that_go_to_check_answers(client, officer):
    data = (HEADINGS + line(1) + line(2, category="Domestic worker") + line(3, years="1")).encode()
    page = client.get(uploaded(client, data))
    assert page.status_code == 200
    assert re.search(r"data-ready>3<", page.text) and re.search(r"data-bad>0<", page.text)
    done = form_post(client, urlsplit(page.request.url).path + "/requests")
    assert done.status_code == 302
    listing = client.get(done.headers["Location"])
    references = re.findall(r"data-upload-request>(TM-[^<]+)<", listing.text)
    assert len(references) == 2  # two years, one year: one request each
    made = {InsuranceRequest.get(InsuranceRequest.reference == r).years: r for r in references}
    check = client.get(f"/requests/{made[2]}/check")
    assert check.status_code == 200 and "Gulf Trading Company" in check.text
    assert InsuranceRequest.get(InsuranceRequest.reference == made[2]).first_unanswered_step() == "check"
    # A second press makes nothing more.
    again = form_post(client, urlsplit(page.request.url).path + "/requests")
    assert again.status_code == 302 and UploadedRequest.select().count() == 2


def test_xlsx_uploads_like_csv(client, officer):
    book = openpyxl.Workbook()
    book.active.append(
        ["الرقم المدني", "الاسم الكامل", "الفئة", "رقم الجواز", "تاريخ انتهاء الجواز", "عدد السنوات"]
    )
    book.active.append(
        [
            int(person_id(1)),
            "علي حسن",
            "عمالة منزلية",
            "A1234567",
            clock.today_in_kuwait() + timedelta(days=6 * 366),
            2,
        ]
    )
    out = io.BytesIO()
    book.save(out)
    page = client.get(uploaded(client, out.getvalue(), "people.xlsx"))
    assert re.search(r"data-ready>1<", page.text), page.text


BAD_ROWS = {
    # name of the case: (line, column shown, part of the message)
    "no civil ID": ("," + line(1).split(",", 1)[1], "Civil ID", "Enter the person&#39;s civil ID"),
    "civil ID format": ("12345," + line(1).split(",", 1)[1], "Civil ID", "12 digits"),
    "civil ID check digit": (
        line(1).replace(person_id(1), person_id(1)[:11] + str((int(person_id(1)[11]) + 1) % 10)),
        "Civil ID",
        "civil ID number",
    ),
    "no name": (line(1, name=""), "Full name", "Enter the person&#39;s full name"),
    "hidden character": (line(1, name="Ali\u202eHassan"), "Full name", ""),
    "unknown category": (line(1, category="astronaut"), "Category", "residency category from the list"),
    "no category": (line(1, category=""), "Category", "Choose the residency category"),
    "no passport": (line(1, passport=""), "Passport number", "Enter the passport number"),
    "bad passport": (line(1, passport="A1"), "Passport number", "5 to 20 letters"),
    "bad expiry": (line(1, expiry="31/02/2030"), "Passport expiry", "real date"),
    "expired": (line(1, expiry="2020-01-01"), "Passport expiry", "has expired"),
    "short of cover": (
        line(1, expiry=(clock.today_in_kuwait() + timedelta(days=400)).isoformat()),
        "Passport expiry",
        "before the cover would end",
    ),
    "no years": (line(1, years=""), "Years", "Choose between 1 and"),
    "too many years": (line(1, years="9"), "Years", "Choose between 1 and"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_each_kind_of_bad_row_is_listed_with_its_row_column_and_message(client, officer, case):
    bad, column, message = BAD_ROWS[case]
    page = client.get(uploaded(client, (HEADINGS + line(2) + bad).encode()))
    assert page.status_code == 200
    assert page.text.startswith("<!") and "<title>Error:" in page.text
    row = re.search(
        r"<tbody>\s*<tr><td>(\d+)</td><td>([^<]+)</td>.*?</td><td>(.*?)</td></tr>", page.text, re.S
    )
    assert row and row.group(1) == "3" and row.group(2) == column and message in row.group(3), page.text
    assert re.search(r"data-ready>1<", page.text) and re.search(r"data-bad>1<", page.text)


def test_duplicates_and_people_paid_for_already_are_flagged(client, officer):
    paid = paid_request(client)  # ADULT and SECOND, paid for two years from today
    adult = InsuranceRequest.get(InsuranceRequest.reference == paid).covered()[0].civil_id
    data = HEADINGS + line(1) + line(1) + f"{adult},Ali,worker,A1234567,{EXPIRY},1\r\n"
    page = client.get(uploaded(client, data.encode()))
    assert "This civil ID is on row 2 of the file too" in page.text
    assert "One of your paid requests covers this person for this period already" in page.text
    assert re.search(r"data-ready>1<", page.text) and re.search(r"data-bad>2<", page.text)


def test_someone_elses_paid_request_is_never_revealed_and_ones_own_still_is(client, officer):
    other = client.application.test_client()
    register_and_login(other, civil_id_for(42, born="800505"), mobile_for(42))
    theirs = InsuranceRequest.get(InsuranceRequest.reference == paid_request(other))
    adult = theirs.covered()[0].civil_id
    data = (HEADINGS + f"{adult},Ali,worker,A1234567,{EXPIRY},1\r\n").encode()

    def flagged() -> bool:
        page = client.get(uploaded(client, data))
        assert page.status_code == 200
        return "paid request" in page.text or not re.search(r"data-ready>1<", page.text)

    assert not flagged()  # another account's
    InsuranceRequest.update(owner=None).where(InsuranceRequest.id == theirs.id).execute()
    assert not flagged()  # an express payment's: no account at all
    paid_request(client)  # the officer's own, for the same people
    assert flagged()


def test_problems_in_the_readers_language(client, officer):
    page = client.get(uploaded(client, (HEADINGS + line(1, passport="")).encode()) + "?lang=ar")
    assert "أدخل رقم جواز السفر" in page.text
    assert "Enter the passport number" not in page.text


def test_going_on_drops_the_bad_rows(client, officer):
    data = HEADINGS + line(1) + line(2, passport="") + line(3, years="0") + line(4)
    address = urlsplit(uploaded(client, data.encode())).path
    page = client.get(address)
    assert "Drop the 2 rows with problems and go on with 2 people" in page.text
    form_post(client, address + "/requests")
    [made] = Upload.get().requests()
    assert [p.civil_id for p in made.covered()] == [person_id(1), person_id(4)]


def test_nothing_to_go_on_with(client, officer):
    address = urlsplit(uploaded(client, (HEADINGS + line(1, years="x")).encode())).path
    page = client.get(address)
    assert re.search(r"data-ready>0<", page.text) and "button-start" not in page.text
    response = form_post(client, address + "/requests")
    assert response.status_code == 302 and not UploadedRequest.select().exists()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


BAD_FILES = {
    "empty": (b"", "no people in it"),
    "headings only": (HEADINGS.encode(), "no people in it"),
    "an image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 10, "not a spreadsheet"),
    "wrong columns": (b"Name,Phone\nAli,5000\n", "lacks these columns: Civil ID, Category"),
    "old excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Excel file"),
    "password": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le"),
        "protected with a password",
    ),
    "too big": (HEADINGS.encode() + b"x" * (210 * 1024), "too big"),
    "empty workbook": (xlsx_bytes(), "no people in it"),
    "too many rows": ((HEADINGS + line(1) * 1001).encode(), "more than 1000 people"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_each_kind_of_bad_file_gets_a_clear_message(client, officer, case):
    data, message = BAD_FILES[case]
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'"), response.text
    assert "<title>Error:" in response.text and not Upload.select().exists()


def test_a_zip_bomb_is_refused(client, officer):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (40 * 1024 * 1024))
    response = upload(client, out.getvalue(), "people.xlsx")
    assert response.status_code == 400 and "far more than a list of people" in response.text


def far_cell_xlsx() -> bytes:
    """The review's 4.9 KB workbook: one person, and one cell at Excel's last row."""
    book = openpyxl.Workbook()
    book.active.append(HEADINGS.strip().split(","))
    book.active.append(line(1).strip().split(","))
    book.active.cell(row=1048576, column=1, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "The sheet reaches down to row 1048576, far past the 1000 people a file may have"),
        ("ar", "تمتد الورقة إلى الصف 1048576"),
    ],
)
def test_a_workbook_declaring_a_million_rows_gets_a_clear_message_at_once(client, officer, language, message):
    data = far_cell_xlsx()
    assert len(data) < 5 * 1024
    client.get(f"/?lang={language}")
    started = time.monotonic()
    response = upload(client, data, "people.xlsx", sponsor_name="Gulf Trading Company W.L.L.")
    assert time.monotonic() - started < 1
    assert response.status_code == 400 and "<title>" in response.text
    beside_the_field = r'<span class="error-message" id="people_file-error">(.*?)</span>\s*<input'
    error = re.search(beside_the_field, response.text, re.S)
    assert error and message in error.group(1), response.text
    assert 'value="Gulf Trading Company W.L.L."' in response.text  # the other answers kept
    assert not Upload.select().exists()


def test_no_file_chosen(client, officer):
    response = form_post(client, "/uploads/new", SPONSOR)
    assert response.status_code == 400 and "no people in it" in response.text


def test_a_file_past_every_request_limit_gets_the_too_large_page(client, officer):
    response = upload(client, b"x" * (300 * 1024))
    assert response.status_code == 413


def test_sponsor_is_checked(client, officer):
    response = upload(client, (HEADINGS + line(1)).encode(), sponsor_civil_id="123")
    assert response.status_code == 400 and "12 digits" in response.text


def test_someone_elses_upload_is_404(client, officer):
    address = urlsplit(uploaded(client, (HEADINGS + line(1)).encode())).path
    client.post("/logout", data={})
    other = client.application.test_client()
    register_and_login(other, civil_id_for(41, born="800505"), mobile_for(41), account_kind="university")
    assert other.get(address).status_code == 404
    assert form_post(other, address + "/requests").status_code == 404


def thousand_rows() -> bytes:
    categories = ["worker", "domestic_worker", "commercial", "student"]
    lines = [
        line(n, name=f"Worker {n}", category=categories[n % 4], years=str(1 + n % 3)) for n in range(1, 1001)
    ]
    return (HEADINGS + "".join(lines)).encode()


def test_a_thousand_rows_split_under_the_payment_limit_and_add_up(tmp_path):
    app = make_app(tmp_path, MAX_PAYMENT_FILS="400000")
    client = app.test_client()
    register_and_login(client, civil_id_for(40, born="800505"), mobile_for(40), account_kind="government")
    data = thousand_rows()
    page = client.get(uploaded(client, data))
    assert re.search(r"data-ready>1000<", page.text), page.text[:3000]
    form_post(client, urlsplit(page.request.url).path + "/requests")
    from web.fee_schedules import active_schedule

    with app.test_request_context():
        schedule = active_schedule()
    made = Upload.get().requests()
    totals = [r.quote(schedule, clock.today_in_kuwait()).total_fils for r in made]
    assert all(total <= 400_000 for total in totals)
    assert all(len(r.covered()) <= 20 for r in made)
    expected = sum(
        schedule.category(c).annual_fils * (1 + n % 3)
        for n, c in (
            (n, ["worker", "domestic_worker", "commercial", "student"][n % 4]) for n in range(1, 1001)
        )
    )
    assert sum(totals) == expected
    assert sum(len(r.covered()) for r in made) == 1000


def test_the_problem_page_of_a_thousand_bad_rows_is_small_on_the_wire(client, officer):
    data = (HEADINGS + "".join(line(n, passport="", years="0") for n in range(1, 1001))).encode()
    address = uploaded(client, data)
    page = client.get(address, headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
    assert len(page.data) < 100 * 1024, len(page.data)
    assert gzip.decompress(page.data).count(b"<tr><td>") == 2000


def test_the_form_offers_the_organisation_as_sponsor_first(client, officer):
    page = client.get("/uploads/new").text
    assert re.search(r'<input checked[^>]*value="company"', page)
    assert 'id="company_file_number"' in page and 'id="sponsor_civil_id"' in page


def test_a_company_sponsor_with_its_file_number_goes_onto_every_request(client, officer):
    company = {
        "sponsor_kind": "company",
        "company_name": "Gulf Trading Company",
        "company_file_number": "٤٥٦-٧٨٩",
        "insurance_status": "new",
    }
    response = form_post(
        client,
        "/uploads/new",
        {
            **company,
            "people_file": (io.BytesIO((HEADINGS + line(1) + line(2, years="1")).encode()), "people.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    done = form_post(client, urlsplit(response.headers["Location"]).path + "/requests")
    references = re.findall(r"data-upload-request>(TM-[^<]+)<", client.get(done.headers["Location"]).text)
    assert len(references) == 2
    for reference in references:
        made = InsuranceRequest.get(InsuranceRequest.reference == reference)
        assert (made.sponsor_kind, made.sponsor_name, made.sponsor_file_number, made.sponsor_civil_id) == (
            "company",
            "Gulf Trading Company",
            "456789",
            None,
        )
        assert made.first_unanswered_step() == "check"
        check = client.get(f"/requests/{reference}/check").text
        assert 'File or licence number: <bdi class="id">456789</bdi>' in check


def test_a_company_sponsor_needs_its_file_number(client, officer):
    response = upload(
        client, (HEADINGS + line(1)).encode(), sponsor_kind="company", company_name="Gulf Trading Company"
    )
    assert response.status_code == 400
    assert '<a href="#company_file_number">Enter the file or licence number</a>' in response.text
    assert 'value="Gulf Trading Company"' in response.text
