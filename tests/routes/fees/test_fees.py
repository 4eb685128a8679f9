"""The public fee calculator (/fees) and the live quote (/quote), with and without htmx."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import HX, form_post, make_app

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def total_fils(body: str) -> int:
    return int(re.search(r'data-total-fils="([0-9]+)"', body).group(1))


def query(years="1", *people):
    args = {"years": years}
    for i, person in enumerate(people):
        category, born = person if isinstance(person, tuple) else (person, "")
        args[f"people-{i}-category"] = category
        args[f"people-{i}-born"] = born
    return args


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_calculator_page_renders_a_form_that_works_without_javascript(client, lang):
    response = client.get(f"/fees?lang={lang}")
    assert response.status_code == 200
    body = response.text
    assert f'<html lang="{lang}"' in body
    assert 'method="get" action="/fees"' in body
    assert 'name="action" value="add"' in body and 'name="action" value="recalculate"' in body
    assert 'aria-live="polite"' in body
    assert "There is a problem" not in body and "توجد مشكلة" not in body
    assert total_fils(body) == 0


@pytest.mark.parametrize("lang, money", [("en", "KWD\u00a0110.000"), ("ar", "110.000")])
def test_quote_partial_for_htmx(client, lang, money):
    client.get(f"/?lang={lang}")
    response = client.get("/quote", query_string=query("2", "worker", "domestic_worker"), headers=HX)
    assert response.status_code == 200
    assert "<html" not in response.text and "<form" not in response.text
    assert total_fils(response.text) == 110_000
    assert money in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_quote_partial_is_at_most_2_kb(client):
    for lang in ("ar", "en"):
        client.get(f"/?lang={lang}")
        response = client.get(
            "/quote",
            query_string=query("2", "worker", "domestic_worker"),
            headers={**HX, "Accept-Encoding": "gzip"},
        )
        assert len(response.data) <= 2048, len(response.data)
        plain = client.get("/quote", query_string=query("2", "worker", "domestic_worker"), headers=HX)
        assert len(plain.data) <= 2048 * 2, "the uncompressed partial should stay small too"


def test_quote_without_htmx_is_the_full_calculator_page(client):
    response = client.get("/quote", query_string=query("3", "student"))
    assert "<html" in response.text and 'id="calculator"' in response.text
    assert total_fils(response.text) == 150_000


def test_quote_by_post_needs_csrf_and_works_with_it(client):
    assert client.post("/quote", data=query("1", "worker"), headers=HX).status_code == 400
    response = form_post(client, "/quote", query("1", "worker"), headers=HX)
    assert total_fils(response.text) == 50_000


def test_fees_with_htmx_returns_the_calculator_fragment(client):
    response = client.get("/fees", query_string={**query("1", "worker"), "action": "add"}, headers=HX)
    assert "<html" not in response.text
    assert 'id="calculator"' in response.text
    assert 'name="people-1-category"' in response.text
    assert 'id="people-1-category" name="people-1-category" autofocus' in response.text


def test_add_and_remove_people_without_javascript(client):
    added = client.get("/fees", query_string={**query("1", "worker"), "action": "add"})
    assert 'name="people-1-category"' in added.text
    two = query("1", "worker", "domestic_worker")
    removed = client.get("/fees", query_string={**two, "action": "remove-0"})
    assert 'name="people-1-category"' not in removed.text
    assert total_fils(removed.text) == 5_000
    assert '<option value="domestic_worker" selected>' in removed.text


def test_answers_are_kept_when_there_are_errors(client):
    response = client.get("/fees", query_string=query("1", "worker", ("family_first_degree", "2001-13-40")))
    body = response.text
    assert '<option value="worker" selected>' in body
    assert 'value="2001-13-40"' in body
    assert 'id="people-1-born-error"' in body
    assert 'href="#people-1-born"' in body


@pytest.mark.parametrize(
    "code, fils",
    [("worker", 50_000), ("joining_wife", 30_000), ("joining_husband", 40_000), ("stateless", 5_000)],
)
def test_totals_follow_the_seed_schedule(client, code, fils):
    for years in (1, 2, 5):
        response = client.get("/quote", query_string=query(str(years), code), headers=HX)
        assert total_fils(response.text) == fils * years


@pytest.mark.parametrize("translate", [None, ARABIC_DIGITS, PERSIAN_DIGITS])
def test_digits_in_any_script_give_the_same_quote(client, translate):
    years, born = "2", "2000-01-01"
    if translate:
        years, born = years.translate(translate), born.translate(translate)
    response = client.get("/quote", query_string=query(years, ("family_first_degree", born)), headers=HX)
    assert total_fils(response.text) == 100_000
    assert "quote-problem" not in response.text


def test_a_civil_id_gives_the_age(client):
    # 291030104196: born 1991-03-01, older than 12.
    response = client.get(
        "/quote", query_string=query("1", ("family_first_degree", "291030104196")), headers=HX
    )
    assert total_fils(response.text) == 50_000


@pytest.mark.parametrize(
    "lang, message",
    [
        ("en", "aged 12 or under"),
        ("ar", "اثنتي عشرة سنة أو أقل"),
    ],
)
def test_child_aged_12_or_under_cannot_be_quoted(client, lang, message):
    client.get(f"/?lang={lang}")
    response = client.get(
        "/quote", query_string=query("1", ("family_first_degree", "2020-06-01")), headers=HX
    )
    assert message in response.text
    assert "quote-problem" in response.text


@pytest.mark.parametrize(
    "years, english",
    [
        ("abc", "whole number"),
        ("0", "Choose between 1 and 5 years."),
        ("99", "Choose between 1 and 5 years."),
        ("-1", "whole number"),
        ("", "whole number"),
    ],
)
def test_malformed_years_get_a_clear_error(client, years, english):
    client.get("/?lang=en")
    partial = client.get("/quote", query_string=query(years, "worker"), headers=HX)
    assert partial.status_code == 200
    assert english in partial.text
    page = client.get("/fees", query_string=query(years, "worker"))
    assert page.status_code == 200
    assert 'id="years-error"' in page.text and english in page.text
    assert page.text.count("Error:") >= 1


def test_unknown_category_gets_a_clear_error(client):
    client.get("/?lang=en")
    response = client.get("/fees", query_string=query("1", "astronaut"))
    assert "Choose a residency category from the list." in response.text
    assert 'id="people-0-category-error"' in response.text


def test_fifty_people_are_refused_with_a_clear_error(client):
    client.get("/?lang=en")
    response = client.get("/quote", query_string=query("1", *(["worker"] * 50)), headers=HX)
    assert response.status_code == 200
    assert "at most 20 people" in response.text
    assert total_fils(response.text) == 0


def test_exempt_category_shows_zero_with_the_reason(tmp_path):
    client = make_app(tmp_path, FEE_SCHEDULE="decision-306-2025").test_client()
    client.get("/?lang=en")
    response = client.get("/quote", query_string=query("1", "kuwaiti_wife"), headers=HX)
    assert total_fils(response.text) == 0
    assert "KWD\u00a00.000" in response.text
    assert "Nothing to pay" in response.text


def test_start_page_fee_table_comes_from_the_active_schedule(tmp_path):
    seed = make_app(tmp_path / "a").test_client().get("/?lang=en").text
    assert "Commercial residency" in seed and "KWD\u00a050.000" in seed
    decision = make_app(tmp_path / "b", FEE_SCHEDULE="decision-306-2025").test_client().get("/?lang=en").text
    assert "KWD\u00a0100.000" in decision and "Exempt" in decision


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_live_errors_show_beside_their_field_too(client, headers):
    client.get("/?lang=en")
    response = client.get(
        "/quote", query_string=query("2", "worker", ("family_first_degree", "31/02/2015")), headers=headers
    )
    assert response.status_code == 200
    slot = re.search(r'<span id="people-1-born-slot"[^>]*>(.*?)</span></span>', response.text, re.S)
    assert slot and 'id="people-1-born-error"' in slot.group(1)
    assert "Enter a 12-digit civil ID, or a date of birth like 31/03/2015." in slot.group(1)
    assert re.search(r'<span id="people-0-category-slot"[^>]*></span>', response.text)  # no error there
    if headers:  # the live quote swaps each slot in place, beside its field
        assert "<html" not in response.text
        assert '<span id="people-1-born-slot" data-hx-swap-oob="true">' in response.text
        assert '<span id="years-slot" data-hx-swap-oob="true">' in response.text
    else:
        assert "<html" in response.text and "data-hx-swap-oob" not in response.text
        assert 'href="#people-1-born"' in response.text  # and in the summary


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_start_a_request_with_these_answers(client, headers):
    client.get("/?lang=en")
    answers = query("2", "worker", ("domestic_worker", "290031500123"))
    response = client.get("/quote", query_string=answers, headers=headers)
    link = re.search(
        r'<p id="start-with-answers"[^>]*><a class="button" href="([^"]+)">'
        r"Start a request with these answers</a>",
        response.text,
    )
    assert link, response.text
    address = urlsplit(html.unescape(link.group(1)))
    assert address.path == "/requests/new"
    assert parse_qs(address.query) == {
        "years": ["2"],
        "people-0-category": ["worker"],
        "people-1-category": ["domestic_worker"],
        "people-1-born": ["290031500123"],
    }
    assert ('data-hx-swap-oob="true"' in link.group(0)) == bool(headers)
    # The calculator page has it too, and the link works signed out: registration first.
    page = client.get("/fees", query_string=answers).text
    assert link.group(1) in page
    signed_out = client.get(html.unescape(link.group(1)))
    assert urlsplit(signed_out.headers["Location"]).path == "/register"


def test_the_recalculate_button_is_for_pages_without_javascript(client):
    """live-total.js hides it while htmx keeps the total up to date (also after htmx swaps
    the form in); without JavaScript it shows and works out the total again."""
    page = client.get("/fees", query_string={**query("1", "worker"), "action": "recalculate"})
    assert "/static/js/live-total.js" in page.text and "<script>" not in page.text
    assert 'value="recalculate" data-recalculate>' in page.text
