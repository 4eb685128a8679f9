"""A log-in that ends for lack of use: the warning before it, the message after it, the
answers posted meanwhile kept for their own person, and the way back to the same page."""

import re

import pytest

from models import SavedAnswers
from tests.helpers import (
    ADULT,
    APPLICANT,
    HX,
    PASSWORD,
    form_post,
    login,
    mobile_for,
    person,
    register_and_login,
    start_request,
)

IDLE = {"minutes": 31}


def log_in_again(client, next_page, civil_id=APPLICANT):
    return form_post(client, f"/login?next={next_page}", {"civil_id": civil_id, "password": PASSWORD})


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_answers_posted_after_the_end_come_back_after_logging_in(client, clock, user, headers):
    reference = start_request(client)
    page = f"/requests/{reference}/people"
    clock.advance(**IDLE)
    typed = {**person(0, ADULT, "Typed before lunch"), "action": "continue", "password": "never kept"}
    ended = form_post(client, page, typed, headers=headers)
    if headers:
        assert ended.status_code == 204 and ended.headers["HX-Redirect"] == f"/login?next={page}"
    else:
        assert ended.status_code == 302 and ended.headers["Location"] == f"/login?next={page}"
    kept = SavedAnswers.get()
    assert "Typed before lunch" in kept.fields and "never kept" not in kept.fields
    assert "csrf_token" not in kept.fields
    login_page = client.get(f"/login?next={page}&lang=en")
    assert "Your session ended because you were inactive; we saved your answers" in login_page.text
    back = log_in_again(client, page)
    assert back.headers["Location"] == page
    shown = client.get(page + "?lang=en")
    assert 'value="Typed before lunch"' in shown.text
    assert "We have put back the answers you had typed." in shown.text
    assert SavedAnswers.select().count() == 0  # taken once
    assert 'value="Typed before lunch"' not in client.get(page).text


def test_the_arabic_message(client, clock, user):
    reference = start_request(client)
    clock.advance(**IDLE)
    client.get("/?lang=ar")
    form_post(client, f"/requests/{reference}/people", person(0, ADULT, "Ali"))
    assert "انتهت جلستك لعدم النشاط؛ حفظنا إجاباتك" in client.get("/login?lang=ar").text


def test_a_page_asked_for_after_the_end_says_so_and_returns_there(client, clock, user):
    reference = start_request(client)
    clock.advance(**IDLE)
    response = client.get(f"/requests/{reference}/cover")
    assert response.headers["Location"] == f"/login?next=/requests/{reference}/cover"
    page = client.get(response.headers["Location"] + "&lang=en")
    assert "Your session ended because you were inactive. Log in again to go on." in page.text
    assert log_in_again(client, f"/requests/{reference}/cover").headers["Location"].endswith("/cover")
    assert SavedAnswers.select().count() == 0


def test_the_sponsor_and_cover_answers_come_back_too(client, clock, user):
    reference = start_request(client)
    clock.advance(**IDLE)
    form_post(
        client, f"/requests/{reference}/sponsor", {"sponsor_name": "Kept Sponsor", "sponsor_civil_id": ADULT}
    )
    log_in_again(client, f"/requests/{reference}/sponsor")
    page = client.get(f"/requests/{reference}/sponsor")
    assert 'value="Kept Sponsor"' in page.text and f'value="{ADULT}"' in page.text


def test_another_person_logging_in_on_that_browser_gets_nothing(client, clock, user):
    reference = start_request(client)
    clock.advance(**IDLE)
    form_post(client, f"/requests/{reference}/people", person(0, ADULT, "Private name"))
    other = "279040907388"
    register_and_login(client, other, mobile_for(2))
    assert "Private name" not in client.get(f"/requests/{reference}/people").text
    assert SavedAnswers.select().count() == 1  # still there for its own person, for a day
    clock.advance(days=1, minutes=1)
    from models import prune_security_records

    prune_security_records(clock.at)
    assert SavedAnswers.select().count() == 0


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_way_back_is_never_another_site(client, clock, user, target):
    reference = start_request(client)
    clock.advance(**IDLE)
    response = form_post(
        client, f"/requests/{reference}/change-answers", {}, headers={"Referer": "https://evil.example/x"}
    )
    assert response.headers["Location"] == "/login"
    response = log_in_again(client, target)
    assert response.headers["Location"] == "/requests"


def test_a_post_only_page_returns_to_the_page_that_sent_it(client, clock, user):
    reference = start_request(client)
    clock.advance(**IDLE)
    response = form_post(client, "/logout-elsewhere-not-a-route", {})  # an unknown page is a 404 whoever asks
    assert response.status_code in (404, 405)
    sent_from = f"http://localhost/requests/{reference}"
    response = form_post(client, f"/requests/{reference}/change-answers", {}, headers={"Referer": sent_from})
    assert response.headers["Location"] == f"/login?next=/requests/{reference}"


def test_signing_out_elsewhere_is_not_called_inactivity(client, user):
    user.rotate_session_version()
    user.save()
    client.get("/requests")
    assert "inactive" not in client.get("/login?lang=en").text


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_warning_is_on_signed_in_pages_only(client, clock, user, headers):
    page = client.get("/requests?lang=en", headers=headers)
    assert "You will be signed out soon" in page.text
    match = re.search(r'data-seconds-left="([0-9]+)"', page.text)
    assert 1790 <= int(match.group(1)) <= 1800
    assert re.search(r'<div class="session-warning"[^>]*\n?[^>]*hidden', page.text)
    assert '<script src="/static/js/tameen.js' in page.text
    form_post(client, "/logout")
    assert "session-warning" not in client.get("/?lang=en").text


def test_stay_signed_in_starts_the_idle_time_again(client, clock, user):
    clock.advance(minutes=29)
    assert form_post(client, "/session/stay", {}, headers={"X-Requested-With": "fetch"}).status_code == 204
    clock.advance(minutes=29)
    assert client.get("/requests").status_code == 200


def test_stay_signed_in_without_script_goes_back_and_only_for_the_signed_in(client, clock, user):
    assert form_post(client, "/session/stay", {"next": "/account"}).headers["Location"] == "/account"
    assert form_post(client, "/session/stay", {"next": "//evil.example"}).headers["Location"] == "/requests"
    clock.advance(**IDLE)
    assert form_post(client, "/session/stay", {}, headers={"X-Requested-With": "fetch"}).status_code == 401


def test_logging_in_normally_after_the_end_still_works(client, clock, user):
    clock.advance(**IDLE)
    client.get("/requests")
    assert login(client, APPLICANT).status_code == 302


def test_one_set_of_answers_per_person_however_often_the_ended_cookie_posts(client, clock, user):
    reference = start_request(client)
    clock.advance(**IDLE)
    with client.session_transaction() as session:
        ended = dict(session)
    for name in ("First", "Second", "Third"):
        with client.session_transaction() as session:
            session.update(ended)
        form_post(client, f"/requests/{reference}/people", person(0, ADULT, name))
    assert SavedAnswers.select().count() == 1 and "Third" in SavedAnswers.get().fields
