"""Express payment in the browser, without an account: from the start page, the sponsor's
civil ID and mobile and the SMS code, two domestic workers, the years, check answers,
the sandbox bank, the receipt, and its link from the SMS opened in another browser; in
Arabic and English, with JavaScript and without."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import steps
from tests.helpers import civil_id_for

JOURNEYS = {
    # lang, JavaScript on?, serial of the sponsor and the workers
    "ar-js": ("ar", True, 610),
    "en-js": ("en", True, 620),
    "ar-no-js": ("ar", False, 630),
    "en-no-js": ("en", False, 640),
}
WORDS = {
    "ar": {
        "start": "ادفع عن عامل منزلي دون حساب",
        "approve": "الموافقة (تجربة)",
        "received": "إيصال رسوم الضمان الصحي",
        "pay": "ادفع",
    },
    "en": {
        "start": "Pay for a domestic worker without an account",
        "approve": "Approve (test)",
        "received": "Health insurance fee receipt",
        "pay": "Pay",
    },
}


def submit(page, value=None):
    button = (
        page.locator(f"main button[type=submit][value='{value}']")
        if value
        else page.locator("main form button[type=submit]").first
    )
    with page.expect_navigation():
        button.click()


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_a_sponsor_pays_for_two_domestic_workers_without_an_account(live_server, new_page, journey):
    lang, js, serial = JOURNEYS[journey]
    words = WORDS[lang]
    base = live_server.url
    sponsor = civil_id_for(serial, born="750303")
    mobile = f"6{serial:07d}"
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")

    # From the start page, without logging in.
    page.goto(f"{base}/?lang={lang}")
    with page.expect_navigation():
        page.get_by_role("link", name=words["start"]).click()
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.shots.take(page, "start")

    # A mistake first: the error summary links to the field.
    page.fill("#civil_id", "123")
    page.fill("#mobile", mobile)
    submit(page)
    expect(page.locator(".error-summary a[href='#civil_id']")).to_be_visible()
    expect(page.locator("#civil_id")).to_have_attribute("aria-invalid", "true")
    page.fill("#civil_id", sponsor)
    submit(page)
    page.wait_for_url("**/express/code")
    page.fill("#code", steps.code_from_outbox(page, base, f"{mobile[:4]} {mobile[4:]}"))
    page.shots.take(page, "code")
    submit(page)

    # Two workers: the only category allowed is chosen already.
    page.wait_for_url("**/express/workers")
    page.fill("#people-0-civil_id", civil_id_for(serial + 1, born="950101"))
    page.fill("#people-0-name", "Maria Santos")
    page.fill("#people-0-passport_expiry", steps.PASSPORT_EXPIRY)
    submit(page, "add")
    page.fill("#people-1-civil_id", civil_id_for(serial + 5, born="960202"))
    page.fill("#people-1-name", "Joy Reyes")
    page.fill("#people-1-passport_expiry", steps.PASSPORT_EXPIRY)
    expect(page.locator("#people-1-category")).to_have_value("domestic_worker")
    page.shots.take(page, "workers")
    submit(page, "continue")

    page.wait_for_url("**/express/years")
    page.check("input[name=insurance_status][value=new]")
    page.check("input[name=years][value='1']")
    submit(page)

    # Check answers, with the warning that wrong data is not refunded.
    page.wait_for_url("**/express/check")
    main = page.locator("main")
    expect(main).to_contain_text("Maria Santos")
    expect(main).to_contain_text("Joy Reyes")
    expect(main.locator(".warning")).to_be_visible()
    page.check("#confirm")
    page.shots.take(page, "check")
    submit(page)

    page.wait_for_url("**/express/pay")
    pay = page.locator("main form button.button-start")
    expect(pay).to_contain_text(words["pay"])
    expect(pay).to_contain_text("10")
    with page.expect_navigation():
        pay.click()
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name=words["approve"]).click()

    # The receipt, at its secret address.
    page.wait_for_url(re.compile(r".*/express/receipts/[A-Za-z0-9_-]{40,}$"))
    expect(page.locator("main h1")).to_have_text(words["received"])
    expect(page.locator("main svg.qr-code")).to_be_visible()
    receipt_url = page.url
    page.shots.take(page, "receipt")

    # The SMS carries the link, and it opens the receipt in any browser.
    outbox = page.context.new_page()
    outbox.goto(base + "/dev/outbox")
    expect(outbox.locator("tr.outbox-message").first).to_contain_text(receipt_url.split("/")[-1])
    outbox.close()
    stranger = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    stranger.goto(f"{receipt_url}?lang={lang}")
    expect(stranger.locator("main h1")).to_have_text(words["received"])
    expect(stranger.locator("main")).to_contain_text("Joy Reyes")
    assert stranger.goto(f"{base}/express/receipts/{'x' * 43}").status == 404
