"""Starting a request: the start page's and the calculator's link (GET /requests/new),
the "Start a new request" button (POST), signed in or not."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from models import InsuranceRequest
from tests.helpers import ADULT, HX, SECOND, fill_until_check, form_post, person, start_request

CALCULATOR = "/requests/new?years=2&people-0-category=worker&people-1-category=domestic_worker&people-1-born="


def started(response) -> str:
    assert response.status_code == 302, response.text
    path = urlsplit(response.headers["Location"]).path
    assert path.startswith("/requests/TM-") and path.endswith("/people"), path
    return path.split("/")[2]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_signed_out_the_link_goes_to_registration_and_comes_back(client, headers):
    response = client.get(CALCULATOR + SECOND, headers=headers)
    assert response.status_code == 302
    address = urlsplit(response.headers["Location"])
    assert address.path == "/register"
    assert parse_qs(address.query)["next"] == [CALCULATOR + SECOND]
    assert client.get("/requests/new").headers["Location"] == "/register?next=/requests/new"
    assert InsuranceRequest.select().count() == 0
    # The button posts, and needs a log-in as before.
    assert "/login" in form_post(client, "/requests/new").headers["Location"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_signed_in_a_repeated_or_prefetched_link_makes_one_draft(client, user, headers):
    first = started(client.get("/requests/new", headers=headers))
    assert started(client.get("/requests/new", headers=headers)) == first
    assert InsuranceRequest.select().count() == 1
    # Something typed but never saved valid is no answer yet: the same draft, as left.
    form_post(client, f"/requests/{first}/people", {"people-0-name": "Ali"}, headers=HX)
    assert started(client.get("/requests/new")) == first
    assert 'value="Ali"' in client.get(f"/requests/{first}/people").text


def test_a_draft_with_answers_is_not_reused(client, user):
    first = started(client.get("/requests/new"))
    fill_until_check(client, first, people=person(0, ADULT, "Ali"))
    second = started(client.get("/requests/new"))
    assert second != first and started(client.get("/requests/new")) == second
    assert InsuranceRequest.select().count() == 2


def test_the_button_still_starts_a_new_request_each_time(client, user):
    assert start_request(client) != start_request(client)
    assert InsuranceRequest.select().count() == 2


def test_the_calculators_answers_become_the_drafts_rows_and_years(client, user):
    reference = started(client.get(CALCULATOR + SECOND))
    draft = InsuranceRequest.get(InsuranceRequest.reference == reference)
    assert draft.years == 2 and draft.version == 0
    assert [(row["category"], row["civil_id"], row["name"]) for row in draft.draft_rows()] == [
        ("worker", "", ""),
        ("domestic_worker", SECOND, ""),
    ]
    page = client.get(f"/requests/{reference}/people?lang=en").text
    assert 'value="worker" selected' in page and 'value="domestic_worker" selected' in page
    assert f'value="{SECOND}"' in page and 'name="people-2-civil_id"' not in page
    assert 'class="error-summary"' not in page
    # Every name and passport still to type; then the years asked are the calculator's.
    rows = {
        **person(0, ADULT, "Ali"),
        **person(1, SECOND, "Mona", category="domestic_worker"),
        "action": "continue",
    }
    assert form_post(client, f"/requests/{reference}/people", rows).status_code == 302
    years = re.search(
        r'<select[^>]*name="years".*?</select>', client.get(f"/requests/{reference}/cover").text, re.S
    )
    assert re.search(r'<option (selected value="2"|value="2" selected)', years.group(0))


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_add_myself_after_the_calculator_fills_the_first_person(client, user, headers):
    """The calculator opened a row with only a category: "Add myself" fills it, keeping
    the category, rather than adding a second person."""
    reference = started(client.get("/requests/new?years=1&people-0-category=worker"))
    path = f"/requests/{reference}/people"
    rows = {"people-0-category": "worker", "action": "add-me"}
    response = form_post(client, path, rows, headers=headers)
    assert response.status_code == 200
    assert f'value="{user.civil_id}"' in response.text and 'name="people-1-civil_id"' not in response.text
    assert 'value="worker" selected' in response.text
    passport = response.text.split('id="people-0-passport_number"')[1].split(">")[0]
    assert "autofocus" in passport  # the first answer still missing


def test_a_date_of_birth_or_nonsense_from_the_calculator_is_left_out(client, user):
    reference = started(
        client.get("/requests/new?years=99&people-0-category=nonsense&people-0-born=2015-03-31")
    )
    draft = InsuranceRequest.get(InsuranceRequest.reference == reference)
    assert draft.years is None
    assert draft.draft_rows() == [
        {"civil_id": "", "name": "", "category": "", "passport_number": "", "passport_expiry": ""}
    ]


def test_from_the_calculator_through_sign_up_or_log_in_and_back(app, client):
    from tests.helpers import APPLICANT, PASSWORD, latest_code, login, mobile_for, use_outbox

    use_outbox(app)
    link = CALCULATOR + SECOND
    register_page = client.get(link).headers["Location"]
    assert (
        form_post(client, register_page, {"civil_id": APPLICANT, "mobile": mobile_for(1)}).status_code == 302
    )
    assert (
        form_post(client, "/register/code", {"code": latest_code("+965" + mobile_for(1))}).status_code == 302
    )
    done = form_post(
        client, "/register/password", {"full_name": "Sara Ahmed", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert done.status_code == 302 and done.headers["Location"] == link
    reference = started(client.get(done.headers["Location"]))
    assert [
        row["category"] for row in InsuranceRequest.get(InsuranceRequest.reference == reference).draft_rows()
    ] == ["worker", "domestic_worker"]

    # Another day, logged out: the same link, through log-in, reuses that empty draft.
    form_post(client, "/logout")
    assert urlsplit(client.get(link).headers["Location"]).path == "/register"
    logged_in = login(client, APPLICANT, query_string={"next": link})
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == link
    assert started(client.get(link)) == reference


def test_two_tabs_opening_the_link_at_once_make_one_draft(app, client, user, monkeypatch):
    """Each start pauses between finding no empty draft and making one, where the other
    can get in; the lock makes the second find the first's. Run on PostgreSQL too."""
    import threading
    import time

    from tests.helpers import APPLICANT, login

    other = app.test_client()
    assert login(other, APPLICANT).status_code == 302
    real = InsuranceRequest.empty_draft_of.__func__

    def slow(cls, owner):
        found = real(cls, owner)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(InsuranceRequest, "empty_draft_of", classmethod(slow))
    for _ in range(5):
        answers = []
        tabs = [
            threading.Thread(target=lambda c=c: answers.append(started(c.get("/requests/new"))))
            for c in (client, other)
        ]
        for tab in tabs:
            tab.start()
        for tab in tabs:
            tab.join()
        assert len(answers) == 2 and answers[0] == answers[1]
        assert InsuranceRequest.select().count() == 1
