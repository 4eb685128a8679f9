"""The sponsor question: a person or a company or public body; skipped when everyone
covered is self-sponsored; never the only person covered; the receipt prints it as given."""

import re
from urllib.parse import urlsplit

import pytest

from models import InsuranceRequest
from tests.helpers import (
    ADULT,
    APPLICANT,
    HX,
    SECOND,
    form_post,
    person,
    register_and_login,
    start_request,
)

COMPANY = {
    "sponsor_kind": "company",
    "company_name": "Gulf Trading Company",
    "company_file_number": "٢٠١٩/٤٥٦٧٨",
}


def stored(reference) -> InsuranceRequest:
    return InsuranceRequest.get(InsuranceRequest.reference == reference)


def with_people(client, rows=None) -> str:
    reference = start_request(client)
    rows = rows or {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona", "domestic_worker")}
    response = form_post(client, f"/requests/{reference}/people", {**rows, "action": "continue"})
    assert response.status_code == 302
    return reference


def pay(client, reference) -> str:
    """Cover, confirm and approve at the sandbox bank: the receipt page's text."""
    form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "1"})
    bank = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert bank.status_code == 303, bank.text
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    assert client.get(back.headers["Location"]).status_code == 303
    return client.get(f"/requests/{reference}/receipt").text


def test_the_page_asks_person_or_company_and_says_either_may_sponsor(client, user):
    page = client.get(f"/requests/{with_people(client)}/sponsor").text
    assert "a person, or a company or public body" in page
    assert 'name="sponsor_kind" type="radio" value="person"' in page
    assert 'name="sponsor_kind" type="radio" value="company"' in page
    # Both groups are on the page, for browsers without JavaScript; a static script hides one.
    assert 'id="sponsor_civil_id"' in page and 'id="company_file_number"' in page
    assert "/static/js/tameen.js" in page and "<script>" not in page


def test_a_person_sponsor_is_kept_with_their_civil_id(client, user):
    reference = with_people(client)
    response = form_post(
        client,
        f"/requests/{reference}/sponsor",
        {"sponsor_kind": "person", "sponsor_name": "Khalid Nasser", "sponsor_civil_id": ADULT, **COMPANY}
        | {"sponsor_kind": "person"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/cover")
    saved = stored(reference)
    assert (saved.sponsor_kind, saved.sponsor_name, saved.sponsor_civil_id, saved.sponsor_file_number) == (
        "person",
        "Khalid Nasser",
        ADULT,
        None,  # the other group's fields, typed without JavaScript, are not read
    )


def test_a_company_sponsor_is_kept_with_its_file_number_in_ascii_digits(client, user):
    reference = with_people(client)
    typed = {**COMPANY, "sponsor_name": "left over", "sponsor_civil_id": "not read"}
    response = form_post(client, f"/requests/{reference}/sponsor", typed)
    assert response.status_code == 302
    saved = stored(reference)
    assert (saved.sponsor_kind, saved.sponsor_name, saved.sponsor_civil_id, saved.sponsor_file_number) == (
        "company",
        "Gulf Trading Company",
        None,
        "201945678",
    )
    form_post(client, f"/requests/{reference}/cover", {"insurance_status": "new", "years": "1"})
    check = client.get(f"/requests/{reference}/check").text
    assert "Gulf Trading Company" in check and "201945678" in check and "left over" not in check
    # Back on the question, the company is chosen and its fields filled in.
    again = client.get(f"/requests/{reference}/sponsor").text
    assert re.search(r'<input checked[^>]*value="company"', again)
    assert 'value="201945678"' in again


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_missing_company_fields_keep_the_answers_with_errors_beside_them(client, user, headers):
    reference = with_people(client)
    response = form_post(
        client,
        f"/requests/{reference}/sponsor",
        {"sponsor_kind": "company", "company_name": "Gulf Trading Company", "company_file_number": "12"},
        headers=headers,
    )
    assert response.status_code == 200
    page = response.text
    assert page.count('class="error-summary"') == 1 and '<a href="#company_file_number">' in page
    assert 'id="company_file_number-error"' in page and "3 to 15 digits" in page
    assert 'value="Gulf Trading Company"' in page and 'value="12"' in page
    assert "<title>Error:" in page
    assert stored(reference).sponsor_kind is None


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_no_choice_and_nothing_typed_asks_for_the_choice(client, user, headers):
    reference = with_people(client)
    response = form_post(client, f"/requests/{reference}/sponsor", {}, headers=headers)
    assert response.status_code == 200
    assert '<a href="#sponsor_kind">Choose whether the sponsor is a person or a company</a>' in response.text
    assert 'id="sponsor_kind-error"' in response.text


def test_a_missing_person_civil_id_is_asked_for_and_the_name_kept(client, user):
    reference = with_people(client)
    response = form_post(
        client, f"/requests/{reference}/sponsor", {"sponsor_kind": "person", "sponsor_name": "Khalid Nasser"}
    )
    assert '<a href="#sponsor_civil_id">Enter the sponsor&#39;s civil ID number</a>' in response.text
    assert 'value="Khalid Nasser"' in response.text
    assert 'id="company_name-error"' not in response.text


def test_a_worker_alone_cannot_be_their_own_sponsor(client):
    user = register_and_login(client)
    client.get("/?lang=en")
    reference = with_people(client, person(0, APPLICANT, "Sara Ahmed", "worker"))
    page = client.get(f"/requests/{reference}/sponsor").text
    assert 'value="me"' not in page  # "I am the sponsor" is not offered
    refused = form_post(client, f"/requests/{reference}/sponsor", {"action": "me"})
    assert refused.status_code == 200 and "Nobody sponsors their own residency" in refused.text
    typed = form_post(
        client,
        f"/requests/{reference}/sponsor",
        {"sponsor_kind": "person", "sponsor_name": "Sara Ahmed", "sponsor_civil_id": user.civil_id},
    )
    assert typed.status_code == 200 and 'id="sponsor_civil_id-error"' in typed.text
    assert stored(reference).sponsor_civil_id is None
    assert client.get(f"/requests/{reference}/check").headers["Location"].endswith("/sponsor")
    # Their employer sponsors them.
    assert form_post(client, f"/requests/{reference}/sponsor", COMPANY).status_code == 302


def test_the_holder_may_sponsor_a_family_that_includes_them(client, user):
    reference = with_people(
        client, {**person(0, APPLICANT, "Sara"), **person(1, SECOND, "Mona", "domestic_worker")}
    )
    assert 'value="me"' in client.get(f"/requests/{reference}/sponsor").text
    assert form_post(client, f"/requests/{reference}/sponsor", {"action": "me"}).status_code == 302
    assert stored(reference).sponsor_civil_id == APPLICANT


def test_an_organisation_account_is_not_offered_i_am_the_sponsor(client):
    register_and_login(client, account_kind="company")
    client.get("/?lang=en")
    reference = with_people(client)
    assert 'value="me"' not in client.get(f"/requests/{reference}/sponsor").text


def test_the_sponsor_step_is_skipped_when_everyone_is_self_sponsored(client, user):
    reference = with_people(client, person(0, ADULT, "Ali", "self_sponsored"))
    saved = stored(reference)
    assert saved.sponsor_kind == "self" and saved.first_unanswered_step() == "cover"
    cover = client.get(f"/requests/{reference}/cover").text
    assert "Step 2 of 3" in cover and f'href="/requests/{reference}/people"' in cover
    assert client.get(f"/requests/{reference}/sponsor").headers["Location"].endswith("/cover")
    receipt = pay(client, reference)
    assert "Self-sponsored: each person covered holds their own residency (Art. 24)" in receipt
    assert "None" not in receipt


def test_adding_someone_who_is_not_self_sponsored_asks_for_the_sponsor_again(client, user):
    reference = with_people(client, person(0, ADULT, "Ali", "self_sponsored"))
    rows = {**person(0, ADULT, "Ali", "self_sponsored"), **person(1, SECOND, "Mona", "domestic_worker")}
    response = form_post(client, f"/requests/{reference}/people", {**rows, "action": "continue"})
    assert response.headers["Location"].endswith("/sponsor")
    assert stored(reference).sponsor_kind is None


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_receipt_prints_the_company_as_given(client, user, lang):
    reference = with_people(client)
    form_post(client, f"/requests/{reference}/sponsor", COMPANY)
    client.get(f"/?lang={lang}")
    receipt = pay(client, reference)
    assert "Gulf Trading Company" in receipt and "201945678" in receipt
    assert ("File or licence number" if lang == "en" else "رقم الملف أو الترخيص") in receipt
    assert "None" not in receipt and ADULT not in receipt.split("Gulf Trading Company")[1][:300]


def test_the_receipt_prints_a_person_sponsor_as_given(client, user):
    reference = with_people(client)
    form_post(
        client,
        f"/requests/{reference}/sponsor",
        {"sponsor_kind": "person", "sponsor_name": "Khalid Nasser", "sponsor_civil_id": ADULT},
    )
    receipt = pay(client, reference)
    assert "Khalid Nasser" in receipt and f'Civil ID number: <bdi class="id">{ADULT}</bdi>' in receipt
    assert "None" not in receipt
