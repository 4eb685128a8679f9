"""Never paying twice by express: a sponsor paying again for a worker their earlier
express payment covers (the same civil ID and mobile) is stopped at check answers, with
the end date and a renewal from the day after; another sponsor is not told."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

import clock
from domain.dates import format_day
from models import ExpressSponsor, InsuranceRequest
from tests.helpers import HX, civil_id_for, form_post, latest_code, mobile_for, use_outbox

SPONSOR = civil_id_for(41, born="700505")
MOBILE = mobile_for(41)
EXPIRY = (clock.today_in_kuwait() + timedelta(days=365 * 4)).isoformat()
WORKER = civil_id_for(100, born="950101")
ROW = {
    "people-0-civil_id": WORKER,
    "people-0-name": "Maria Santos",
    "people-0-category": "domestic_worker",
    "people-0-passport_expiry": EXPIRY,
}


def until_check(client, civil_id=SPONSOR, mobile=MOBILE):
    use_outbox(client.application)
    form_post(client, "/express", {"civil_id": civil_id, "mobile": mobile})
    assert form_post(client, "/express/code", {"code": latest_code("+965" + mobile)}).status_code == 302
    assert form_post(client, "/express/workers", {**ROW, "action": "continue"}).status_code == 302
    assert form_post(client, "/express/years", {"insurance_status": "new", "years": "1"}).status_code == 302


def the_request() -> InsuranceRequest:
    return InsuranceRequest.select().order_by(InsuranceRequest.id.desc()).get()


def confirm(client, headers=None):
    return form_post(
        client, "/express/check", {"confirm": "y", "version": str(the_request().version)}, headers=headers
    )


def pay(client):
    assert confirm(client).headers["Location"].endswith("/express/pay")
    bank = form_post(client, "/express/pay")
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    client.get(back.headers["Location"])


@pytest.fixture
def paid(client):
    client.get("/?lang=en")
    until_check(client)
    pay(client)
    return the_request()


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_same_sponsor_is_stopped_with_the_end_date(app, paid, headers):
    again = app.test_client()
    again.get("/?lang=en")
    until_check(again)
    page = again.get("/express/check", headers=headers)
    end = format_day(paid.cover_end)
    assert f"Maria Santos is already covered until {end} by request {paid.reference}" in page.text
    assert f'action="/express/renew-paid/{paid.reference}"' in page.text
    assert format_day(paid.cover_end + timedelta(days=1)) in page.text
    # Confirming anyway (a POST made by hand) freezes nothing.
    response = confirm(again, headers=headers)
    assert response.status_code == 200 and "is already covered until" in response.text
    assert the_request().is_draft


def test_renewing_from_the_message_starts_the_day_after(app, paid):
    again = app.test_client()
    again.get("/?lang=en")
    until_check(again)
    response = form_post(again, f"/express/renew-paid/{paid.reference}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/express/check")
    renewal = the_request()
    assert renewal.insurance_status == "renewal" and renewal.current_cover_end == paid.cover_end
    assert ExpressSponsor.of_request(renewal).civil_id == SPONSOR
    page = again.get("/express/check").text
    assert "is already covered" not in page and 'name="confirm"' in page


def test_another_sponsor_is_not_told_nor_can_renew_it(app, paid):
    other = app.test_client()
    other.get("/?lang=en")
    until_check(other, civil_id_for(42, born="700505"), mobile_for(42))
    assert "is already covered" not in other.get("/express/check").text
    assert form_post(other, f"/express/renew-paid/{paid.reference}").status_code == 404
