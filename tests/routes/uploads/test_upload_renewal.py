"""An upload asks "new or renewal?" once for the whole file: a renewal's requests start the
day after the current cover ends, and people paid for until then are not flagged."""

import io
import re
from datetime import timedelta

import pytest

import clock
from domain.dates import format_day
from models import InsuranceRequest, Upload
from tests.helpers import HX, civil_id_for, form_post, paid_request

HEADINGS = "Civil ID,Full name,Category,Passport number,Passport expiry,Years\r\n"
EXPIRY = (clock.today_in_kuwait() + timedelta(days=6 * 366)).isoformat()
SPONSOR = {"sponsor_name": "Gulf Trading Company", "sponsor_civil_id": civil_id_for(40, born="800505")}


def line(serial, years="1", civil_id=None, expiry=EXPIRY):
    return (
        f"{civil_id or civil_id_for(serial * 3, born='850612')},Worker,worker,A1234567,{expiry},{years}\r\n"
    )


def upload(client, data: str, headers=None, **form):
    return form_post(
        client,
        "/uploads/new",
        {**SPONSOR, **form, "people_file": (io.BytesIO(data.encode()), "people.csv")},
        content_type="multipart/form-data",
        headers=headers or {},
    )


def chosen(page: str, status: str) -> bool:
    found = re.search(rf'<input[^>]*name="insurance_status"[^>]*value="{status}"[^>]*>', page)
    return found is not None and "checked" in found[0]


def test_the_form_asks_once_with_the_date_revealed_by_script(client, officer):
    page = client.get("/uploads/new").text
    assert "Is this new insurance or a renewal?" in page and "One answer for the whole file" in page
    assert 'data-reveal-for="insurance_status" data-reveal-value="renewal"' in page and "js/tameen.js" in page
    assert not chosen(page, "new") and not chosen(page, "renewal")


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_renewal_upload_makes_renewals_from_the_day_after(client, officer, headers):
    end = clock.today_in_kuwait() + timedelta(days=30)
    typed = end.strftime("%d/%m/%Y").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = upload(
        client, HEADINGS + line(1) + line(2), headers, insurance_status="renewal", current_cover_end=typed
    )
    assert response.status_code == 302, response.text
    check = client.get(response.headers["Location"]).text
    assert "Renewal" in check and f'<bdi class="id">{format_day(end)}</bdi>' in check
    form_post(client, response.headers["Location"] + "/requests")
    [made] = Upload.get().requests()
    assert (made.insurance_status, made.current_cover_end, made.years) == ("renewal", end, 1)


def test_a_new_upload_makes_new_insurance(client, officer):
    response = upload(client, HEADINGS + line(1), insurance_status="new", current_cover_end="01/01/2020")
    form_post(client, response.headers["Location"] + "/requests")
    [made] = Upload.get().requests()
    assert (made.insurance_status, made.current_cover_end) == ("new", None)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({}, "insurance_status", "Choose the kind of insurance"),
        ({"insurance_status": "renewal"}, "current_cover_end", "Enter the date the current insurance ends"),
        (
            {"insurance_status": "renewal", "current_cover_end": "32/01/2027"},
            "current_cover_end",
            "Enter a real date, like 31/03/2027",
        ),
    ],
    ids=["no-status", "no-date", "bad-date"],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_missing_or_wrong_answer_is_shown_and_the_answers_kept(
    client, officer, form, field, message, headers
):
    response = upload(client, HEADINGS + line(1), headers, **form)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}' in response.text and f'id="{field}-error"' in response.text
    assert 'value="Gulf Trading Company"' in response.text
    if "current_cover_end" in form:
        assert f'value="{form["current_cover_end"]}"' in response.text
    if form.get("insurance_status"):
        assert chosen(response.text, "renewal")
    assert Upload.select().count() == 0


def test_a_renewal_date_too_far_ahead_outruns_the_passport(client, officer):
    expiry = (clock.today_in_kuwait() + timedelta(days=500)).isoformat()
    far = clock.today_in_kuwait() + timedelta(days=400)
    response = upload(
        client,
        HEADINGS + line(1, expiry=expiry),
        insurance_status="renewal",
        current_cover_end=far.strftime("%d/%m/%Y"),
    )
    page = client.get(response.headers["Location"]).text
    assert "passport expires on" in page and re.search(r"data-bad>1<", page)


def test_people_paid_until_the_renewal_starts_are_not_flagged_as_paid_twice(client, officer):
    paid = InsuranceRequest.get(InsuranceRequest.reference == paid_request(client))
    adult = paid.covered()[0].civil_id
    data = HEADINGS + line(0, civil_id=adult)
    as_new = client.get(upload(client, data, insurance_status="new").headers["Location"]).text
    assert "One of your paid requests covers this person for this period already" in as_new
    renewal = {"insurance_status": "renewal", "current_cover_end": format_day(paid.cover_end)}
    as_renewal = client.get(upload(client, data, **renewal).headers["Location"]).text
    assert "covers this person for this period already" not in as_renewal
    assert re.search(r"data-ready>1<", as_renewal)
