"""From login to "check your answers" for a group request of two people, as a person would."""

import re

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps

WORDS = {
    "ar": {"check": "راجع بيانات الطلب قبل الدفع", "warning": "لا يُسترد المبلغ"},
    "en": {"check": "Check your answers before paying", "warning": "Money is not refunded"},
}
JOURNEYS = [("ar", True), ("en", True), ("ar", False), ("en", False)]
TOTAL = "#quote-region output[data-total-fils]"


@pytest.fixture(scope="module")
def accounts(live_server):
    """One account per journey, made straight in the database (registration has its own journey)."""
    return {
        f"{lang}-{js}": create_account(f"sqlite:///{live_server.database}", serial=700 + i)
        for i, (lang, js) in enumerate(JOURNEYS)
    }


def log_in(page, base: str, civil_id: str, password: str, lang: str):
    page.goto(f"{base}/requests?lang={lang}")
    page.wait_for_url("**/login**")
    page.fill("#civil_id", civil_id)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/requests(\?.*)?$"))


@pytest.mark.parametrize(
    "lang, js", JOURNEYS, ids=[f"{lang}-{'js' if js else 'no-js'}" for lang, js in JOURNEYS]
)
def test_group_request_of_two_people_to_check_answers(live_server, new_page, accounts, lang, js):
    civil_id, password = accounts[f"{lang}-{js}"]
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    log_in(page, live_server.url, civil_id, password, lang)
    assert page.locator("html").get_attribute("lang") == lang

    steps.start_request(page)
    reference = re.search(r"/requests/(TM-[^/]+)/people", page.url).group(1)
    assert reference in page.locator("main").inner_text()
    # No individual-or-group question: one person to start with, more added in place.
    expect(page.locator("fieldset.person")).to_have_count(1)
    expect(page.locator("main button[value='remove-0']")).to_have_count(0)
    page.shots.take(page, "people-start")

    steps.add_two_people(page)
    expect(page.locator("fieldset.person")).to_have_count(2)
    if js:  # added in place: the same page, the new row's civil ID in focus
        assert page.url.endswith("/people") or "/people?" in page.url
        expect(page.locator("#people-1-civil_id")).to_have_value(steps.SECOND_PERSON)
    if js:
        # The live quote follows each change, before anything is submitted.
        expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "55000")
        page.select_option("#people-1-category", "joining_wife")
        expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "80000")
        page.select_option("#people-1-category", "domestic_worker")
        expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "55000")
    page.shots.take(page, "people")
    steps.submit(page, "continue")

    page.wait_for_url("**/sponsor")
    steps.submit(page, "me")
    page.wait_for_url("**/cover")
    page.check("input[name=insurance_status][value=new]")
    page.select_option("#years", "2")
    if js:
        expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "110000")
    page.shots.take(page, "cover")
    steps.submit(page)

    page.wait_for_url("**/check")
    assert page.locator("h1").inner_text() == WORDS[lang]["check"]
    assert page.locator(TOTAL).get_attribute("data-total-fils") == "110000"
    assert WORDS[lang]["warning"] in page.locator(".warning").inner_text()
    assert page.locator("main").inner_text().count(steps.SECOND_PERSON) == 1
    page.shots.take(page, "check-answers")

    # A "Change" link goes back to the question and returns here.
    page.locator("a[href*='/cover?change=1']").first.click()
    page.select_option("#years", "1")
    steps.submit(page)
    page.wait_for_url("**/check")
    assert page.locator(TOTAL).get_attribute("data-total-fils") == "55000"
