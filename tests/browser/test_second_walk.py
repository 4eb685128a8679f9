"""Issue 28's second walk, in the browser: the public receipt check shows the cover
period; the receipt's print button is hidden without JavaScript and prints with it;
"Add another person" without JavaScript lands at the new person."""

import re

from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps


def test_the_receipt_check_shows_the_cover_period_and_category(live_server, new_page):
    base = live_server.url
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=2801)
    page = new_page(js=True, locale="en-GB")
    steps.log_in(page, base, civil_id, "en")
    verify_url = steps.verify_page(page.context.request, base)
    stranger = new_page(js=False, locale="en-GB")
    stranger.goto(f"{verify_url}?lang=en")
    main = stranger.locator("main")
    expect(stranger.locator(".verify-status")).to_have_text("Paid")
    cards = main.locator(".people-cards li")
    expect(cards).to_have_count(2)
    for card in (cards.nth(0), cards.nth(1)):
        expect(card).to_contain_text("Cover period")
        assert re.search(r"From [0-9]{2}/[0-9]{2}/[0-9]{4} to [0-9]{2}/[0-9]{2}/[0-9]{4}", card.inner_text())
    expect(cards.nth(0)).to_contain_text("(Art. 17 or 18)")
    expect(cards.nth(1)).to_contain_text("(Art. 20)")
    stranger.shots.take(stranger, "verify-cover")


def test_the_print_button_shows_only_with_javascript(live_server, new_page):
    base = live_server.url
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=2802)
    page = new_page(js=True)
    steps.log_in(page, base, civil_id, "ar")
    receipt = steps.receipt_page(page.context.request, base)

    page.goto(receipt)
    button = page.locator("button[data-print]")
    expect(button).to_be_visible()
    page.evaluate("window.printed = 0; window.print = function () { window.printed += 1; }")
    button.click()
    assert page.evaluate("window.printed") >= 1
    # One press, one print dialog.
    one_press = "window.printed = 0; document.querySelector('[data-print]').click(); window.printed"
    assert page.evaluate(one_press) == 1

    # The same receipt in a browser without JavaScript: the button is not there to press.
    without = new_page(js=False)
    without.context.add_cookies(page.context.cookies())
    without.goto(receipt)
    expect(without.locator("main h1")).to_be_visible()
    expect(without.locator("button[data-print]")).to_be_hidden()
    without.shots.take(without, "receipt-no-js")


def test_add_another_person_without_javascript_lands_at_the_new_person(live_server, new_page):
    base = live_server.url
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=2803)
    page = new_page(js=False, locale="en-GB")
    steps.log_in(page, base, civil_id, "en")
    steps.start_request(page)
    steps.fill_person(page, 0, steps.ADULT, "Ali Hassan", "worker")
    steps.submit(page, "add")
    assert page.url.endswith("#person-2"), page.url
    new_person = page.locator("#person-2")
    expect(new_person).to_be_in_viewport()
    expect(page.locator("#people-1-civil_id")).to_be_in_viewport()
    expect(page.locator("#people-0-civil_id")).to_have_value(steps.ADULT)
    assert new_person.get_attribute("tabindex") == "-1"
    page.shots.take(page, "added-person")
