"""The upload's rough edges: where it is offered, the file label's reading order, the file
to choose again after a problem, the problems on a phone, and counting people in Arabic."""

import io
import re
from datetime import timedelta

import pytest

import clock
from tests.helpers import HX, civil_id_for, form_post

HEADINGS = "Civil ID,Full name,Category,Passport number,Passport expiry,Years\r\n"
EXPIRY = (clock.today_in_kuwait() + timedelta(days=6 * 366)).isoformat()
SPONSOR = {
    "sponsor_name": "Gulf Trading Company",
    "sponsor_civil_id": civil_id_for(40, born="800505"),
    "insurance_status": "new",
}


def line(serial, name="Worker", category="worker", years="2"):
    return f"{civil_id_for(serial * 3, born='850612')},{name},{category},A1234567,{EXPIRY},{years}\r\n"


def upload(client, data: bytes, name="people.csv", headers=None, **form):
    return form_post(
        client,
        "/uploads/new",
        {**SPONSOR, **form, "people_file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=headers or {},
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_account_page_offers_the_upload_to_an_organisation(client, officer, headers):
    assert 'href="/uploads/new"' in client.get("/account", headers=headers).text
    assert 'href="/uploads/new"' in client.get("/requests", headers=headers).text


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_personal_account_hears_where_the_upload_is(client, user, headers):
    for page in ("/account", "/requests"):
        text = client.get(page, headers=headers).text
        assert "Paying for many people at once?" in text and "/account/details#account_kind" in text
        assert 'href="/uploads/new"' not in text


def test_the_file_label_isolates_its_latin_names(client, officer):
    page = client.get("/uploads/new?lang=ar")
    assert '(<bdi dir="ltr">CSV</bdi> أو <bdi dir="ltr">Excel .xlsx</bdi>)' in page.text
    assert "Choose the file again" not in client.get("/uploads/new?lang=en").text


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_after_a_problem_the_file_is_asked_again_and_the_other_answers_kept(client, officer, headers):
    response = upload(client, b"%PDF-1.4 not a sheet\x00", "people.pdf", headers=headers)
    assert response.status_code == 400
    assert "Choose the file again: a browser does not keep a chosen file after a problem." in response.text
    assert 'value="Gulf Trading Company"' in response.text
    arabic = upload(client, b"\x00", "people.pdf")
    assert arabic.status_code == 400
    client.get("/?lang=ar")
    assert "اختر الملف مرة أخرى" in upload(client, b"\x00", "people.pdf").text


def test_the_problems_stack_on_a_phone(client, officer):
    data = (HEADINGS + line(1) + line(2, category="astronaut")).encode()
    page = client.get(upload(client, data).headers["Location"])
    assert '<table class="upload-problems">' in page.text
    css = client.get(re.search(r'href="(/static/css/tameen[^"]+)"', page.text).group(1)).text
    assert ".upload-problems tr { display: grid;" in css
    assert ".upload-problems td:nth-child(4) { grid-column: 1 / -1; }" in css


@pytest.mark.parametrize("ready, words", [(4, "4 أشخاص"), (11, "11 شخصًا"), (2, "شخصين"), (1, "شخص واحد")])
def test_the_people_are_counted_in_arabic(client, officer, ready, words):
    people = "".join(line(n) for n in range(1, ready + 1))
    data = (HEADINGS + people + line(90, category="astronaut")).encode()
    location = upload(client, data).headers["Location"]
    page = client.get(location + "?lang=ar")
    assert words in page.text
    assert "4 شخصًا" not in page.text
