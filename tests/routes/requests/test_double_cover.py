"""Never paying twice for the same cover, in an account: check answers stops a person
whose paid cover overlaps the new period (and confirming refuses it too, so a POST cannot
pass), offering renewal from the day after; a renewed request offers no Renew but names
the request that renewed it; Renew comes only near the end, after the receipt."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from domain.dates import format_day
from domain.renewals import RENEWAL_OPENS_DAYS_BEFORE
from models import InsuranceRequest, Renewal
from services.double_cover import AlreadyCovered
from services.requests import freeze_request
from tests.helpers import (
    APPLICANT,
    HX,
    fill_until_check,
    form_post,
    login,
    paid_request,
    start_request,
    stored,
)


@pytest.fixture
def reference(client, user, clock):
    return paid_request(client)


def version_of(page: str) -> str:
    return re.search(r'name="version" value="([0-9]+)"', page).group(1)


def renew_and_pay(client, reference) -> str:
    check = form_post(client, f"/requests/{reference}/renew").headers["Location"]
    version = version_of(client.get(check).text)
    bank = form_post(client, check, {"confirm": "y", "version": version})
    assert bank.status_code == 303, bank.text
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    client.get(back.headers["Location"])
    [link] = Renewal.select().where(Renewal.previous == stored(reference))
    assert stored(link.request.reference).state == InsuranceRequest.PAID
    return link.request.reference


def near_the_end(client, clock, reference):
    """The clock moved to the renewal window (the session has expired meanwhile)."""
    end = stored(reference).cover_end
    clock.at = clock.at.replace(year=end.year, month=end.month, day=end.day) - timedelta(
        days=RENEWAL_OPENS_DAYS_BEFORE - 1
    )
    login(client, APPLICANT)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_check_answers_stops_a_person_covered_already_and_offers_renewal(client, reference, headers):
    paid = stored(reference)
    again = start_request(client)
    fill_until_check(client, again)
    page = client.get(f"/requests/{again}/check", headers=headers)
    assert page.status_code == 200
    end, next_day = format_day(paid.cover_end), format_day(paid.cover_end + timedelta(days=1))
    assert f"Ali is already covered until {end} by request {reference}" in page.text
    assert f"Mona is already covered until {end} by request {reference}" in page.text
    assert f'action="/requests/{reference}/renew"' in page.text
    assert f"Renew {reference} from" in page.text and next_day in page.text
    assert 'name="confirm"' not in page.text  # nothing to confirm


def test_confirming_anyway_freezes_nothing(client, reference):
    again = start_request(client)
    fill_until_check(client, again)
    version = str(stored(again).version)
    for headers in ({}, HX):
        response = form_post(
            client, f"/requests/{again}/check", {"confirm": "y", "version": version}, headers=headers
        )
        assert response.status_code == 200 and "is already covered until" in response.text
    assert stored(again).is_draft and not stored(again).payments.exists()


def test_the_freeze_itself_refuses_an_overlapping_cover(client, app, reference):
    again = start_request(client)
    fill_until_check(client, again)
    schedule = app.extensions["fee_schedules"][app.config["FEE_SCHEDULE"]]
    with pytest.raises(AlreadyCovered) as refused:
        freeze_request(stored(again), schedule, stored(reference).cover_start)
    assert {cover.reference for cover in refused.value.covers} == {reference}
    assert stored(again).is_draft


def test_a_new_request_after_the_cover_ends_goes_through(client, reference, clock):
    clock.at = clock.at.replace(year=stored(reference).cover_end.year + 1)
    login(client, APPLICANT)
    again = start_request(client)
    fill_until_check(client, again)
    assert "is already covered" not in client.get(f"/requests/{again}/check").text


def test_right_after_paying_the_page_offers_no_renew(client, reference):
    page = client.get(f"/requests/{reference}").text
    assert "/renew" not in page
    assert f'action="/requests/{reference}/renew"' not in client.get("/requests").text


def test_near_the_end_renew_comes_after_the_receipt_and_refund(client, reference, clock):
    near_the_end(client, clock, reference)
    page = client.get(f"/requests/{reference}").text
    renew = page.index(f'action="/requests/{reference}/renew"')
    assert page.index("/receipt") < renew and page.index("/refund") < renew
    assert f'action="/requests/{reference}/renew"' in client.get("/requests").text


def test_a_renewed_request_offers_no_renew_and_names_its_renewal(client, reference, clock):
    near_the_end(client, clock, reference)
    renewal = renew_and_pay(client, reference)
    end = format_day(stored(renewal).cover_end)
    for url in (f"/requests/{reference}", "/requests", f"/requests/{reference}/renew"):
        page = client.get(url).text
        assert f'action="/requests/{reference}/renew"' not in page, url
        assert "Renewed by request" in page and f'href="/requests/{renewal}"' in page and end in page, url
    # Pressing an old Renew button (an old tab) starts nothing.
    response = form_post(client, f"/requests/{reference}/renew")
    assert response.status_code == 302
    assert "renewed already" in client.get(response.headers["Location"]).text
    assert Renewal.select().where(Renewal.previous == stored(reference)).count() == 1


def test_the_renewed_request_in_arabic(client, reference, clock):
    near_the_end(client, clock, reference)
    renewal = renew_and_pay(client, reference)
    page = client.get(f"/requests/{reference}?lang=ar").text
    assert "جُدِّد بالطلب" in page and renewal in page
