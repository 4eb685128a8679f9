"""Back after the live quote: the whole page comes back, never the quote's fragment alone.

Each quote's address goes into the history. Back from a link on the same page (the
skip link) is htmx's to restore, from the server since it keeps no history cache;
Back from another page is the browser's own.
"""

import time

import pytest
from playwright.sync_api import expect

TOTAL = "#quote-region output[data-total-fils]"
QUOTED = "/quote?years=2&people-0-category=worker&people-0-born="


def follow_skip_link(page, base):
    # A keyboard user's way: the skip link shows once focused.
    page.focus(".skip-link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}{QUOTED}#main")


def wait_until_restored(page, seconds=10):
    # Not wait_for_function: its polling compiles a string in the page, which the CSP forbids.
    deadline = time.monotonic() + seconds
    while not page.evaluate("() => window.restored === true"):
        assert time.monotonic() < deadline, "htmx never restored the page"
        page.wait_for_timeout(50)


def follow_home_link(page, base):
    page.click("main a[href='/']")
    expect(page).to_have_url(f"{base}/")


@pytest.mark.parametrize(
    "follow, htmx_restores",
    [(follow_skip_link, True), (follow_home_link, False)],
    ids=["link-on-the-page", "link-to-another-page"],
)
def test_back_after_the_live_quote_shows_the_whole_page(live_server, new_page, follow, htmx_restores):
    page = new_page(js=True, locale="en-GB")
    page.goto(f"{live_server.url}/fees?lang=en")
    page.select_option("#people-0-category", "worker")
    expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "50000")
    page.select_option("#years", "2")
    expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "100000")

    follow(page, live_server.url)
    if htmx_restores:
        page.evaluate("""() => document.addEventListener("htmx:historyRestore",
                                                          () => { window.restored = true; })""")
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}{QUOTED}")
    if htmx_restores:
        wait_until_restored(page)
    page.shots.take(page, "after-back")

    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Fee calculator")
    expect(page.locator("footer.site-footer")).to_be_visible()
    expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "100000")
    expect(page.locator("#years")).to_have_value("2")
    expect(page.locator("#people-0-category")).to_have_value("worker")
