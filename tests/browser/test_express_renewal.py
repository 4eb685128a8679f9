"""An express renewal in the browser: the years page asks new or renewal, the date of the
current cover's end shows only for a renewal (with JavaScript) or always (without), and
the receipt's cover period starts the day after that date; in Arabic with JavaScript and
in English without."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

import clock
from domain.dates import format_day
from tests.browser import steps
from tests.helpers import civil_id_for

JOURNEYS = {"ar-js": ("ar", True, 660), "en-no-js": ("en", False, 670)}
APPROVE = {"ar": "الموافقة (تجربة)", "en": "Approve (test)"}


def submit(page, value=None):
    button = (
        page.locator(f"main button[type=submit][value='{value}']")
        if value
        else page.locator("main form button[type=submit]").first
    )
    with page.expect_navigation():
        button.click()


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_an_express_renewal_starts_the_day_after_the_current_cover(live_server, new_page, journey):
    lang, js, serial = JOURNEYS[journey]
    base = live_server.url
    mobile = f"6{serial:07d}"
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    page.goto(f"{base}/express?lang={lang}")
    page.fill("#civil_id", civil_id_for(serial, born="750303"))
    page.fill("#mobile", mobile)
    submit(page)
    page.wait_for_url("**/express/code")
    page.fill("#code", steps.code_from_outbox(page, base, f"{mobile[:4]} {mobile[4:]}"))
    submit(page)
    page.wait_for_url("**/express/workers")
    page.fill("#people-0-civil_id", civil_id_for(serial + 1, born="950101"))
    page.fill("#people-0-name", "Maria Santos")
    page.fill("#people-0-passport_expiry", steps.PASSPORT_EXPIRY)
    submit(page, "continue")

    page.wait_for_url("**/express/years")
    date_box = page.locator("#current_cover_end")
    if js:
        expect(date_box).to_be_hidden()
    else:
        expect(date_box).to_be_visible()
    page.check("input[name=insurance_status][value=renewal]")
    expect(date_box).to_be_visible()
    # Renewal without its date: the summary links to the field, the choice is kept.
    page.check("input[name=years][value='1']")
    submit(page)
    expect(page.locator(".error-summary a[href='#current_cover_end']")).to_be_visible()
    expect(page.locator("input[name=insurance_status][value=renewal]")).to_be_checked()
    expect(date_box).to_have_attribute("aria-invalid", "true")

    end = clock.today_in_kuwait() + timedelta(days=10)
    typed = format_day(end)
    if lang == "ar":
        typed = typed.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    date_box.fill(typed)
    page.shots.take(page, "years")
    submit(page)

    page.wait_for_url(re.compile(r".*/express/check(\?.*)?$"))
    expect(page.locator("main")).to_contain_text(format_day(end))
    page.check("#confirm")
    submit(page)
    page.wait_for_url("**/express/pay")
    with page.expect_navigation():
        page.locator("main form button.button-start").click()
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name=APPROVE[lang]).click()
    page.wait_for_url(re.compile(r".*/express/receipts/[A-Za-z0-9_-]{40,}$"))
    first_day = end + timedelta(days=1)
    expect(page.locator("main")).to_contain_text(format_day(first_day))
    page.shots.take(page, "receipt")
