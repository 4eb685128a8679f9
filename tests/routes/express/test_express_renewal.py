"""Express asks "new or renewal?" on the years page: a renewal's cover starts the day
after the current cover ends (the fee, the passports, the double-cover check and the
receipt follow that start); the answers stay on the page after a problem."""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

import clock
from domain.dates import format_day
from models import InsuranceRequest
from tests.helpers import HX, civil_id_for, form_post, latest_code, mobile_for, use_outbox

SPONSOR = civil_id_for(43, born="700505")
MOBILE = mobile_for(43)
WORKER = civil_id_for(130, born="950101")


def row(expiry: date):
    return {
        "people-0-civil_id": WORKER,
        "people-0-name": "Maria Santos",
        "people-0-category": "domestic_worker",
        "people-0-passport_expiry": expiry.isoformat(),
    }


def until_years(client, expiry=None):
    client.get("/?lang=en")
    use_outbox(client.application)
    form_post(client, "/express", {"civil_id": SPONSOR, "mobile": MOBILE})
    assert form_post(client, "/express/code", {"code": latest_code("+965" + MOBILE)}).status_code == 302
    expiry = expiry or clock.today_in_kuwait() + timedelta(days=365 * 4)
    assert form_post(client, "/express/workers", {**row(expiry), "action": "continue"}).status_code == 302


def chosen(page: str, status: str) -> bool:
    found = re.search(rf'<input[^>]*name="insurance_status"[^>]*value="{status}"[^>]*>', page)
    return found is not None and "checked" in found[0]


def the_request() -> InsuranceRequest:
    return InsuranceRequest.select().order_by(InsuranceRequest.id.desc()).get()


def pay(client):
    confirmed = form_post(client, "/express/check", {"confirm": "y", "version": str(the_request().version)})
    assert confirmed.headers["Location"].endswith("/express/pay"), confirmed.text
    bank = form_post(client, "/express/pay")
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    shown = client.get(back.headers["Location"])
    return client.get(shown.headers["Location"]) if shown.status_code in (302, 303) else shown


def test_the_page_asks_new_or_renewal_with_the_date_revealed_by_script(client):
    until_years(client)
    page = client.get("/express/years").text
    assert "Is this new insurance or a renewal?" in page
    assert 'value="new"' in page and 'value="renewal"' in page
    assert 'data-reveal-for="insurance_status" data-reveal-value="renewal"' in page
    assert "js/tameen.js" in page
    assert 'id="current_cover_end"' in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_new_insurance_starts_today(client, headers):
    until_years(client)
    response = form_post(client, "/express/years", {"insurance_status": "new", "years": "1"}, headers=headers)
    assert response.headers["Location"].endswith("/express/check")
    stored = the_request()
    assert (stored.insurance_status, stored.current_cover_end, stored.years) == ("new", None, 1)
    assert "New insurance" in client.get("/express/check").text
    pay(client)
    today = clock.today_in_kuwait()
    assert the_request().cover_period()[0] == today


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_renewal_starts_the_day_after_the_current_cover_ends(client, headers):
    until_years(client)
    end = clock.today_in_kuwait() + timedelta(days=20)
    typed = end.strftime("%d/%m/%Y").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = form_post(
        client,
        "/express/years",
        {"insurance_status": "renewal", "current_cover_end": typed, "years": "1"},
        headers=headers,
    )
    assert response.headers["Location"].endswith("/express/check"), response.text
    stored = the_request()
    assert (stored.insurance_status, stored.current_cover_end) == ("renewal", end)
    check = client.get("/express/check").text
    assert "Renewal" in check and f'<bdi class="id">{format_day(end)}</bdi>' in check
    receipt = pay(client)
    assert receipt.status_code == 200
    first, last = the_request().cover_period()
    assert first == end + timedelta(days=1)
    assert last == date(first.year + 1, first.month, first.day) - timedelta(days=1)
    assert f'<bdi class="id">{format_day(first)}</bdi>' in receipt.text
    # The fee is one year's, whatever day it starts.
    assert the_request().total_fils == 5_000


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"years": "1"}, "insurance_status", "Choose the kind of insurance"),
        ({"insurance_status": "renewal", "years": "1"}, "current_cover_end", "Enter the date the current"),
        (
            {"insurance_status": "renewal", "current_cover_end": "31/02/2027", "years": "1"},
            "current_cover_end",
            "Enter a real date, like 31/03/2027",
        ),
    ],
    ids=["no-status", "no-date", "bad-date"],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_missing_or_wrong_answer_is_shown_and_the_answers_kept(client, form, field, message, headers):
    until_years(client)
    response = form_post(client, "/express/years", form, headers=headers)
    assert response.status_code == 200
    page = response.text
    assert f'<a href="#{field}">{message}' in page
    assert f'id="{field}-error"' in page
    assert 'value="1" checked' in page  # the years kept
    if form.get("current_cover_end"):
        assert 'value="31/02/2027"' in page
    if form.get("insurance_status") == "renewal":
        assert chosen(page, "renewal")
    assert the_request().years is None


def test_a_renewal_date_too_far_ahead_outruns_the_passport(client):
    expiry = clock.today_in_kuwait() + timedelta(days=500)
    until_years(client, expiry)
    far = clock.today_in_kuwait() + timedelta(days=400)
    response = form_post(
        client,
        "/express/years",
        {"insurance_status": "renewal", "current_cover_end": far.strftime("%d/%m/%Y"), "years": "1"},
    )
    assert response.status_code == 200
    assert "passport expires on" in response.text and 'href="#years"' in response.text
    assert far.strftime("%d/%m/%Y") in response.text  # kept
    assert the_request().years is None
    # As new insurance, the same passport is long enough.
    response = form_post(client, "/express/years", {"insurance_status": "new", "years": "1"})
    assert response.status_code == 302


def test_a_renewal_after_the_paid_cover_is_not_paying_twice_but_new_insurance_is(app, client):
    until_years(client)
    form_post(client, "/express/years", {"insurance_status": "new", "years": "1"})
    pay(client)
    old_end = the_request().cover_end
    again = app.test_client()
    until_years(again)
    form_post(again, "/express/years", {"insurance_status": "new", "years": "1"})
    assert "is already covered until" in again.get("/express/check").text
    renewal = {"insurance_status": "renewal", "current_cover_end": format_day(old_end), "years": "1"}
    assert form_post(again, "/express/years", renewal).status_code == 302
    assert "is already covered until" not in again.get("/express/check").text
    pay(again)
    assert the_request().cover_period()[0] == old_end + timedelta(days=1)


def test_a_renewal_from_the_paid_request_comes_answered(app, client):
    until_years(client)
    form_post(client, "/express/years", {"insurance_status": "new", "years": "1"})
    pay(client)
    paid = the_request()
    again = app.test_client()
    until_years(again)
    form_post(again, "/express/years", {"insurance_status": "new", "years": "1"})
    response = form_post(again, f"/express/renew-paid/{paid.reference}")
    assert response.headers["Location"].endswith("/express/check")
    page = again.get("/express/years").text
    assert f'value="{format_day(paid.cover_end)}"' in page
    assert chosen(page, "renewal")
