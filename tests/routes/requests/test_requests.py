"""The insurance request: question pages, saving, check answers, freezing, ownership."""

import re
from datetime import timedelta

import pytest

import clock
from models import InsuranceRequest, InsuredPerson
from tests.helpers import (
    ADULT,
    HX,
    SECOND,
    civil_id_for,
    fill_until_check,
    form_post,
    mobile_for,
    person,
    register_and_login,
    start_request,
)

CHILD = civil_id_for(13, born="200101", century="3")  # born 2020: 12 or under for years


def total_fils(body: str) -> int:
    return int(re.search(r'data-total-fils="([0-9]+)"', body).group(1))


def test_requests_need_login(client):
    response = client.get("/requests")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert form_post(client, "/requests/new").status_code == 302


def test_start_a_request_with_a_readable_reference(client, user):
    reference = start_request(client)
    assert re.fullmatch(r"TM-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
    page = client.get(f"/requests/{reference}/people?lang=en")
    assert page.status_code == 200
    assert reference in page.text
    assert "<h1>Who is covered by this insurance?</h1>" in page.text
    assert "Step 1 of 4" in page.text
    # No individual-or-group question: one row to start with, and a way to add more.
    assert 'name="people-0-civil_id"' in page.text and 'name="people-1-civil_id"' not in page.text
    assert 'value="add"' in page.text and 'value="remove-0"' not in page.text


def test_an_old_link_to_the_service_question_goes_to_the_people(client, user):
    reference = start_request(client)
    response = client.get(f"/requests/{reference}/service")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/requests/{reference}/people"
    )


def test_a_draft_that_chose_individual_before_still_works(client, user):
    reference = start_request(client)
    stored_request = InsuranceRequest.get(InsuranceRequest.reference == reference)
    assert stored_request.choose_service_type("individual")
    assert client.get(f"/requests/{reference}").headers["Location"].endswith(f"/requests/{reference}/people")
    fill_until_check(client, reference)  # two people now: a group, not refused as an individual
    stored_request = InsuranceRequest.get(InsuranceRequest.reference == reference)
    assert stored_request.service_type == "group"
    assert client.get(f"/requests/{reference}/check").status_code == 200


def test_the_service_type_follows_the_number_of_people(client, user):
    reference = start_request(client)
    fill_until_check(client, reference, people=person(0, ADULT, "Ali"))
    assert InsuranceRequest.get(InsuranceRequest.reference == reference).service_type == "individual"
    two = {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona", "domestic_worker"), "action": "continue"}
    assert form_post(client, f"/requests/{reference}/people", two).status_code == 302
    assert InsuranceRequest.get(InsuranceRequest.reference == reference).service_type == "group"
    one = {**person(0, ADULT, "Ali"), "action": "continue"}
    assert form_post(client, f"/requests/{reference}/people", one).status_code == 302
    assert InsuranceRequest.get(InsuranceRequest.reference == reference).service_type == "individual"


def test_full_journey_to_check_answers_and_the_quote_matches_the_schedule(client, user):
    reference = start_request(client)
    fill_until_check(client, reference)
    page = client.get(f"/requests/{reference}/check?lang=en")
    assert page.status_code == 200
    assert total_fils(page.text) == (50_000 + 5_000) * 2
    assert "Money is not refunded when the data you entered was wrong." in page.text
    assert "Confirm and continue to payment" in page.text
    assert "Service type" not in page.text
    assert page.text.count(">Change<") >= 4


def test_each_step_is_saved_and_resume_goes_to_the_first_unanswered_question(client, user):
    reference = start_request(client)
    form_post(client, f"/requests/{reference}/people", {"people-0-name": "Ali"}, headers=HX)
    # A dropped connection: the person comes back later, from the list.
    listing = client.get("/requests?lang=en")
    assert reference in listing.text and "Not paid yet" in listing.text
    resume = client.get(f"/requests/{reference}")
    assert resume.headers["Location"].endswith(f"/requests/{reference}/people")


def test_people_typed_but_not_valid_are_kept(client, user):
    reference = start_request(client)
    rows = {**person(0, ADULT, "Ali"), **person(1, "123", "Mona")}
    response = form_post(client, f"/requests/{reference}/people", {**rows, "action": "continue"})
    assert response.status_code == 200
    assert 'id="people-1-civil_id-error"' in response.text
    again = client.get(f"/requests/{reference}/people")
    assert 'value="Mona"' in again.text and 'value="123"' in again.text


def test_people_rules(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    past = (clock.today_in_kuwait() - timedelta(days=1)).isoformat()
    rows = {
        **person(0, ADULT, "Ali"),
        **person(1, ADULT, "Ali again", expiry=past),
        **person(2, CHILD, "Little", category="family_first_degree"),
    }
    response = form_post(client, f"/requests/{reference}/people", {**rows, "action": "continue"})
    body = response.text
    assert "This person is already on this request" in body
    assert "This passport has expired" in body
    assert "aged 12 or under" in body
    assert body.count('class="error-summary"') == 1
    assert body.startswith("<!doctype html>") and "<title>Error:" in body


def test_the_error_summary_names_the_person_when_there_are_several(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    rows = {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona", category="")}
    response = form_post(client, f"/requests/{reference}/people", {**rows, "action": "continue"})
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#people-1-category">Person 2: Choose the residency category.</a>' in summary
    # Beside the field, the message alone: the fieldset already names the person.
    assert 'id="people-1-category-error"' in response.text
    assert (
        "Person 2: Choose"
        not in response.text.split('id="people-1-category-error"')[1].split("</span></span>")[0]
    )
    alone = form_post(
        client,
        f"/requests/{reference}/people",
        {**person(0, ADULT, "Ali", category=""), "action": "continue"},
    )
    assert '<a href="#people-0-category">Choose the residency category.</a>' in alone.text


def test_add_and_remove_people_without_javascript(client, user):
    reference = start_request(client)
    path = f"/requests/{reference}/people"
    response = form_post(client, path, {**person(0, ADULT), "action": "add"})
    # The whole page again, but at the new person rather than at its top.
    assert response.status_code == 303 and response.headers["Location"] == f"{path}#person-2"
    added = client.get(path)
    assert added.text.startswith("<!doctype html>")
    assert 'name="people-1-civil_id"' in added.text and 'value="remove-1"' in added.text
    assert '<fieldset class="person" id="person-2" tabindex="-1">' in added.text
    assert 'class="error-summary"' not in added.text
    two = {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona")}
    removed = form_post(client, f"/requests/{reference}/people", {**two, "action": "remove-0"})
    assert 'name="people-1-civil_id"' not in removed.text and 'value="Mona"' in removed.text
    assert 'value="remove-0"' not in removed.text  # the last row stays


def test_adding_a_person_while_changing_returns_to_the_change(client, user):
    reference = start_request(client)
    path = f"/requests/{reference}/people?change=1"
    response = form_post(client, path, {**person(0, ADULT), "action": "add"})
    assert response.headers["Location"] == f"{path}#person-2"


def test_a_person_just_added_does_not_make_the_total_incomplete(client, user):
    """Without JavaScript the total is worked out on each page: the empty row that
    "Add another person" opens is not a missing answer of the fee."""
    client.get("/?lang=en")
    reference = start_request(client)
    path = f"/requests/{reference}/people"
    two = {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona", "domestic_worker")}
    form_post(client, path, {**two, "action": "add"})
    page = client.get(path).text
    quote = page.split('id="quote-region"')[1].split("</section>")[0]
    assert "not complete" not in quote and total_fils(quote) == 55_000
    assert 'name="people-2-civil_id"' in page
    # A row with something typed in but no category still makes it incomplete.
    half = form_post(client, path, {**two, "people-2-name": "Omar", "action": "add"}, headers=HX)
    assert "not complete" in half.text


def test_add_and_remove_people_in_place_with_htmx(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    path = f"/requests/{reference}/people"
    page = client.get(path)
    assert f'data-hx-post="{path}" data-hx-target="#people-rows" data-hx-swap="outerHTML"' in page.text
    added = form_post(client, path, {**person(0, ADULT, "Ali"), "action": "add"}, headers=HX)
    assert added.status_code == 200 and "<html" not in added.text
    assert added.text.lstrip().startswith('<div id="people-rows">')
    assert 'name="people-1-civil_id"' in added.text and 'value="Ali"' in added.text
    assert 'id="people-1-civil_id"' in added.text.split("autofocus")[0].rsplit("<input", 1)[1]
    assert 'value="remove-0"' in added.text and 'value="remove-1"' in added.text
    assert 'id="quote-region"' in added.text and 'data-hx-swap-oob="true"' in added.text
    assert 'class="error-summary"' not in added.text
    two = {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona")}
    removed = form_post(client, path, {**two, "action": "remove-0"}, headers=HX)
    assert "<html" not in removed.text and 'value="Mona"' in removed.text
    assert 'value="Ali"' not in removed.text and 'value="remove-0"' not in removed.text
    # Kept as the draft: the page shows the rows as they were left.
    assert 'value="Mona"' in client.get(path).text


def test_add_myself(client, user):
    reference = start_request(client)
    response = form_post(client, f"/requests/{reference}/people", {"action": "add-me"})
    assert f'value="{user.civil_id}"' in response.text
    assert "autofocus" in response.text
    # With someone on the first row already, a new row for the person signed in.
    other = form_post(
        client, f"/requests/{reference}/people", {**person(0, SECOND, "Mona"), "action": "add-me"}, headers=HX
    )
    assert "<html" not in other.text
    assert 'value="Mona"' in other.text and f'value="{user.civil_id}"' in other.text


def test_the_add_myself_button_in_arabic(client, user):
    client.get("/?lang=ar")
    reference = start_request(client)
    assert "أضف بياناتي" in client.get(f"/requests/{reference}/people").text


def test_live_quote_on_the_people_page(client, user):
    reference = start_request(client)
    rows = {**person(0, ADULT), **person(1, SECOND, category="joining_wife")}
    response = form_post(client, f"/requests/{reference}/people", rows, headers=HX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert total_fils(response.text) == 80_000
    assert len(response.data) <= 2048
    # What was typed is kept as the draft, even before the page is submitted.
    assert 'value="joining_wife" selected' in client.get(f"/requests/{reference}/people").text


def test_sponsor_shortcut_and_validation(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    bad = form_post(
        client, f"/requests/{reference}/sponsor", {"sponsor_name": "X", "sponsor_civil_id": "290011500180"}
    )
    assert "is not right" in bad.text and 'value="X"' in bad.text
    me = form_post(client, f"/requests/{reference}/sponsor", {"action": "me"})
    assert me.status_code == 302
    stored = InsuranceRequest.get(InsuranceRequest.reference == reference)
    assert stored.sponsor_civil_id == user.civil_id and stored.sponsor_name == "Sara Ahmed"


def test_years_limited_by_passport(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    soon = (clock.today_in_kuwait() + timedelta(days=400)).isoformat()
    fill_until_check(client, reference, people=person(0, ADULT, "Ali", expiry=soon), years="1")
    response = form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "3"})
    assert response.status_code == 200
    assert "passport expires on" in response.text and 'id="years-error"' in response.text


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_passport_too_short_for_one_year_says_to_renew_it_and_where(client, user, lang):
    """With 1 year chosen, fewer years would not help: renew the passport, and change its
    date on step 1, linked. The answers stay chosen and the dates read dd/mm/yyyy."""
    reference = start_request(client)
    soon = clock.today_in_kuwait() + timedelta(days=200)
    fill_until_check(client, reference, people=person(0, ADULT, "Ali"), years="1")
    form_post(
        client,
        f"/requests/{reference}/people",
        {**person(0, ADULT, "Ali", expiry=soon.isoformat()), "action": "continue"},
    )
    client.get(f"/?lang={lang}")
    response = form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "1"})
    page = response.text
    assert response.status_code == 200 and 'id="years-error"' in page
    assert ("Choose fewer years" if lang == "en" else "اختر عددًا أقل من السنوات") not in page
    assert ("Renew the passport first" if lang == "en" else "جدّد الجواز أولًا") in page
    assert f'href="/requests/{reference}/people#person-1"' in page
    assert ("at step 1" if lang == "en" else "في الخطوة 1") in page
    assert re.search(
        r'<input checked id="insurance_status-0" name="insurance_status" type="radio" value="new">', page
    )
    assert f'<bdi class="id">{soon:%d/%m/%Y}</bdi>' in page
    error = page.split('id="years-error"')[1].split("</span>")[1]
    assert soon.strftime("%d/%m/%Y") in error and "\u200f" not in error
    assert not re.search(r"[A-Z][a-z]{2} [0-9]{1,2}, 20[0-9]{2}", page)  # no "Feb 1, 2027"
    # More years than the passport allows: fewer years is the first way out.
    more = form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "2"})
    assert ("Choose fewer years" if lang == "en" else "اختر عددًا أقل من السنوات") in more.text


def test_the_renewal_date_is_revealed_only_for_a_renewal(client, user):
    """Without JavaScript every question shows, the date's hint saying it is for a
    renewal; tameen.js (no inline script) hides it for the other answers."""
    reference = start_request(client)
    fill_until_check(client, reference)
    page = client.get(f"/requests/{reference}/cover").text
    box = page.split('<div data-reveal-for="insurance_status" data-reveal-value="renewal">')[1]
    assert 'id="current_cover_end"' in box.split("data-hx-post")[0]
    assert "/static/js/tameen.js" in page and "<script>" not in page
    assert page.count('name="insurance_status"') == 4


def test_years_outside_the_schedule_are_refused(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    fill_until_check(client, reference)
    for years in ("0", "9", "abc", "٩"):
        response = form_post(
            client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": years}
        )
        assert "Choose between 1 and 5 years" in response.text


def test_renewal_needs_the_current_cover_end(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    fill_until_check(client, reference)
    response = form_post(
        client, f"/requests/{reference}/cover", {"insurance_status": "renewal", "years": "1"}
    )
    assert "Enter the date the current insurance ends" in response.text
    ok = form_post(
        client,
        f"/requests/{reference}/cover",
        {"insurance_status": "renewal", "years": "1", "current_cover_end": "٢٠٢٧-٠١-٣١"},
    )
    assert ok.status_code == 302


def test_change_link_round_trip_returns_to_check(client, user):
    reference = start_request(client)
    fill_until_check(client, reference)
    page = client.get(f"/requests/{reference}/cover?change=1")
    assert f"/requests/{reference}/check" in page.text  # the way back
    response = form_post(
        client, f"/requests/{reference}/cover?change=1", {"insurance_status": "new", "years": "1"}
    )
    assert response.headers["Location"].endswith(f"/requests/{reference}/check")
    assert total_fils(client.get(f"/requests/{reference}/check").text) == 55_000


def test_confirmation_required_then_amount_frozen(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    fill_until_check(client, reference)
    unconfirmed = form_post(client, f"/requests/{reference}/check", {})
    assert unconfirmed.status_code == 200 and "Confirm that you have checked the details" in unconfirmed.text
    confirmed = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert confirmed.status_code == 303 and confirmed.headers["Location"].startswith("/sandbox-bank/pay/")
    stored = InsuranceRequest.get(InsuranceRequest.reference == reference)
    assert stored.state == "awaiting_payment" and stored.total_fils == 110_000
    assert [p.subtotal_fils for p in stored.covered()] == [100_000, 10_000]
    # Frozen: the question pages no longer change anything.
    change = form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "5"})
    assert change.status_code == 302 and change.headers["Location"].endswith(f"/requests/{reference}")
    form_post(
        client,
        f"/requests/{reference}/people",
        {**person(0, ADULT, category="student"), "action": "continue"},
    )
    stored = InsuranceRequest.get(InsuranceRequest.reference == reference)
    assert stored.years == 2 and stored.total_fils == 110_000
    assert InsuredPerson.select().where(InsuredPerson.request == stored).count() == 2
    page = client.get(f"/requests/{reference}")
    assert total_fils(page.text) == 110_000 and reference in page.text


def test_freezing_twice_is_harmless(client, user):
    from models import Payment

    reference = start_request(client)
    fill_until_check(client, reference)
    assert form_post(client, f"/requests/{reference}/check", {"confirm": "y"}).status_code == 303
    # The second click (or tab) finds it confirmed, and shows the request: one payment.
    second = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert second.status_code == 302 and second.headers["Location"].endswith(f"/requests/{reference}")
    assert InsuranceRequest.get(InsuranceRequest.reference == reference).total_fils == 110_000
    assert Payment.select().count() == 1


@pytest.mark.parametrize("path", ["", "/people", "/sponsor", "/cover", "/check"])
def test_someone_elses_request_is_a_404(app, client, user, path):
    reference = start_request(client)
    fill_until_check(client, reference)
    stranger = app.test_client()
    register_and_login(stranger, civil_id_for(2), mobile_for(2))
    assert stranger.get(f"/requests/{reference}{path}").status_code == 404
    assert (
        form_post(stranger, f"/requests/{reference}{path or '/check'}", {"confirm": "y"}).status_code == 404
    )
    assert stranger.get("/requests/TM-2222-2222").status_code == 404
    assert reference not in stranger.get("/requests").text


@pytest.mark.parametrize(
    "step, invalid",
    [
        ("people", person(0, "2900", "A")),
        ("sponsor", {"sponsor_name": "", "sponsor_civil_id": ""}),
        ("cover", {"insurance_status": "", "years": "1"}),
        ("check", {}),
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_every_step_with_and_without_htmx(client, user, step, invalid, headers):
    reference = start_request(client)
    fill_until_check(client, reference)
    page = client.get(f"/requests/{reference}/{step}", headers=headers)
    assert page.status_code == 200
    assert "<html" in page.text
    assert reference in page.text
    response = form_post(client, f"/requests/{reference}/{step}", invalid, headers=headers)
    assert response.status_code == 200
    if headers and step in ("people", "cover"):  # under htmx these answer their live quote
        assert "<html" not in response.text and 'class="quote"' in response.text
        return
    assert "<html" in response.text
    assert 'class="error-message"' in response.text or 'class="error-summary"' in response.text


def test_dates_are_hinted_and_shown_day_first(client, user):
    client.get("/?lang=en")
    reference = start_request(client)
    expiry = clock.today_in_kuwait() + timedelta(days=4 * 365)
    fill_until_check(client, reference, people=person(0, ADULT, "Ali", expiry=expiry.isoformat()))
    people = client.get(f"/requests/{reference}/people").text
    assert "For example 31/03/2028" in people
    assert f'value="{expiry.isoformat()}"' in people  # as typed: every form is accepted
    bad = form_post(
        client,
        f"/requests/{reference}/people",
        {**person(0, ADULT, "Ali", expiry="31/02/2030"), "action": "continue"},
    )
    assert "Enter a real date, like 31/03/2028" in bad.text
    cover = form_post(
        client,
        f"/requests/{reference}/cover",
        {"insurance_status": "renewal", "years": "1", "current_cover_end": "yesterday"},
    )
    assert "Enter a real date, like 31/03/2027" in cover.text and "For example 31/03/2028." in cover.text
    ends = clock.today_in_kuwait() + timedelta(days=30)
    form_post(
        client,
        f"/requests/{reference}/cover",
        {"insurance_status": "renewal", "years": "1", "current_cover_end": f"{ends:%d/%m/%Y}"},
    )
    assert f'value="{ends:%d/%m/%Y}"' in client.get(f"/requests/{reference}/cover").text


def test_confirm_when_the_bank_cannot_be_reached(app, client, user, monkeypatch):
    from gateways.payments import PaymentError

    client.get("/?lang=en")
    reference = start_request(client)
    fill_until_check(client, reference)

    def down(*args, **kwargs):
        raise PaymentError("the bank is down")

    monkeypatch.setattr(app.extensions["payment_gateway"], "start", down)
    response = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert response.status_code == 503 and "Payment is not available right now" in response.text
    # Confirmed all the same: its page offers Pay for when the bank is back.
    assert InsuranceRequest.get(InsuranceRequest.reference == reference).state == "awaiting_payment"
    monkeypatch.undo()
    assert f'action="/requests/{reference}/pay"' in client.get(f"/requests/{reference}").text


def test_confirm_with_nothing_to_pay_goes_to_the_receipt(tmp_path):
    from tests.helpers import make_app

    app = make_app(tmp_path, FEE_SCHEDULE="decision-306-2025")  # a Kuwaiti's wife is exempt there
    client = app.test_client()
    register_and_login(client, civil_id_for(1), mobile_for(1))
    client.get("/?lang=en")
    reference = start_request(client)
    fill_until_check(client, reference, people=person(0, ADULT, "Huda", "kuwaiti_wife"), years="1")
    page = client.get(f"/requests/{reference}/check")
    assert "Confirm request" in page.text and "Confirm and continue to payment" not in page.text
    response = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert response.status_code == 303 and response.headers["Location"] == f"/requests/{reference}/receipt"
    assert InsuranceRequest.get(InsuranceRequest.reference == reference).state == "paid"
