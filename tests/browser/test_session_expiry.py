"""A log-in that ends for lack of use, in the browser: the warning before the end (with
JavaScript), and after it the reason on the log-in page, the answers typed kept and the
same page again once logged in (without JavaScript, so nothing but the form is posted).

The server's idle limit is one minute (APPLICANT_SESSION_IDLE_MINUTES=1), so the warning
shows at once and the end comes after a minute's wait."""

import re

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps

IDLE_MINUTES = "1"


@pytest.fixture(scope="module")
def server(live_server_with):
    return live_server_with(APPLICANT_SESSION_IDLE_MINUTES=IDLE_MINUTES)


def log_in(page, base: str, civil_id: str, password: str, lang: str, then=r"/requests(\?.*)?$"):
    if "/login" not in page.url:
        page.goto(f"{base}/requests?lang={lang}")
        page.wait_for_url("**/login**")
    page.fill("#civil_id", civil_id)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(then))


def test_the_warning_shows_before_the_end_with_stay_signed_in(server, new_page):
    civil_id, password = create_account(f"sqlite:///{server.database}", serial=740)
    page = new_page(js=True, locale="en-GB")
    log_in(page, server.url, civil_id, password, "en")
    warning = page.locator("[data-session-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out soon")
    expect(warning.locator("#session-warning-text")).to_contain_text(re.compile(r"in 0:[0-5][0-9]"))
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.shots.take(page, "session-warning-en")


def test_without_javascript_no_warning_shows(server, new_page):
    civil_id, password = create_account(f"sqlite:///{server.database}", serial=741)
    page = new_page(js=False, locale="ar-KW")
    log_in(page, server.url, civil_id, password, "ar")
    expect(page.locator("[data-session-warning]")).to_be_hidden()


def test_after_the_end_the_answers_are_kept_and_the_page_comes_back(server, new_page):
    civil_id, password = create_account(f"sqlite:///{server.database}", serial=742)
    page = new_page(js=False, locale="ar-KW")
    log_in(page, server.url, civil_id, password, "ar")
    steps.start_request(page)
    people_url = page.url.split("?")[0]
    page.fill("#people-0-name", "يوسف خالد النجار")
    page.fill("#people-0-passport_number", "P7654321")
    page.wait_for_timeout((int(IDLE_MINUTES) * 60 + 3) * 1000)

    steps.submit(page, "continue")
    page.wait_for_url("**/login**")
    expect(page.locator("main .notice")).to_contain_text("انتهت جلستك لعدم النشاط؛ حفظنا إجاباتك")
    page.shots.take(page, "session-ended-ar")

    log_in(page, server.url, civil_id, password, "ar", then=re.escape(people_url) + r"(\?.*)?$")
    expect(page.locator("#people-0-name")).to_have_value("يوسف خالد النجار")
    expect(page.locator("#people-0-passport_number")).to_have_value("P7654321")
    expect(page.locator("main .notice")).to_contain_text("أعدنا الإجابات التي كتبتها")
