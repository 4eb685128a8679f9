"""The fee calculator in a real browser: live with htmx, and as plain forms without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps

TOTAL = "#quote-region output[data-total-fils]"


def wait_for_total(page, fils: int) -> None:
    expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", str(fils))


def total(page) -> int:
    return int(page.locator(TOTAL).get_attribute("data-total-fils"))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_live_quote_with_javascript(live_server, new_page, lang):
    page = new_page(js=True)
    page.goto(f"{live_server.url}/fees?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.select_option("#people-0-category", "worker")
    wait_for_total(page, 50_000)
    page.select_option("#years", "2")
    wait_for_total(page, 100_000)
    page.shots.take(page, "one-person")

    page.click("#add-person")
    page.wait_for_selector("#people-1-category")
    # The new row is focused, so a keyboard user carries on where they are.
    assert page.evaluate("document.activeElement.id") == "people-1-category"
    assert "/fees?" in page.url
    page.select_option("#people-1-category", "domestic_worker")
    wait_for_total(page, 110_000)
    page.shots.take(page, "two-people")

    page.click("button[value='remove-0']")
    expect(page.locator("#people-1-category")).to_have_count(0)
    assert total(page) == 10_000


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_calculator_without_javascript(live_server, new_page, lang):
    page = new_page(js=False)
    page.goto(f"{live_server.url}/fees?lang={lang}")
    page.select_option("#people-0-category", "student")
    page.select_option("#years", "3")
    page.click("button[value='recalculate']")
    assert total(page) == 150_000
    page.click("button[value='add']")
    page.select_option("#people-1-category", "family_first_degree")
    page.fill("#people-1-born", "٢٠٢٠-٠١-٠١")
    page.click("button[value='recalculate']")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.title().startswith("خطأ:" if lang == "ar" else "Error:")
    page.shots.take(page, "child-too-young")
    # The summary links to the field, and the answer is kept.
    summary.locator("a").first.click()
    assert page.locator("#people-1-born").input_value() == "٢٠٢٠-٠١-٠١"
    page.select_option("#people-1-category", "domestic_worker")
    page.click("button[value='recalculate']")
    assert total(page) == 165_000


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_live_error_shows_beside_its_field(live_server, new_page, lang):
    page = new_page(js=True)
    page.goto(f"{live_server.url}/fees?lang={lang}")
    page.fill("#people-0-born", "31/02/2015")
    page.select_option("#people-0-category", "family_first_degree")  # a change: the live quote
    beside = page.locator("#people-0-born-slot .error-message")
    expect(beside).to_contain_text("31/03/2015")  # the date's own error, its example day first
    expect(page.locator("#quote-region .quote-problem").last).to_contain_text("31/03/2015")
    page.shots.take(page, "error-beside-field")
    page.fill("#people-0-born", "31/03/1990")
    page.select_option("#years", "2")
    expect(beside).to_have_count(0)
    expect(page.locator("#quote-region .quote-problem")).to_have_count(0)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_start_a_request_with_these_answers(live_server, new_page, js):
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=760 + int(js))
    page = new_page(js=js, locale="en-GB")
    steps.log_in(page, live_server.url, civil_id, "en")
    page.goto(f"{live_server.url}/fees?lang=en")
    page.select_option("#people-0-category", "worker")
    page.select_option("#years", "2")
    if js:
        wait_for_total(page, 100_000)
    else:
        page.click("button[value='recalculate']")
    page.click("button[value='add']")
    if js:  # the new row, processed by htmx once it has the focus
        expect(page.locator("#people-1-category")).to_be_focused()
    page.select_option("#people-1-category", "domestic_worker")
    if js:
        wait_for_total(page, 110_000)
    else:
        page.click("button[value='recalculate']")
    with page.expect_navigation():
        page.get_by_role("link", name="Start a request with these answers").click()
    page.wait_for_url(re.compile(r".*/requests/TM-[^/]+/people$"))
    expect(page.locator("#people-0-category")).to_have_value("worker")
    expect(page.locator("#people-1-category")).to_have_value("domestic_worker")
    expect(page.locator("#people-0-name")).to_have_value("")
    page.shots.take(page, "request-from-calculator")
