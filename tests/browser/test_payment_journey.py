"""Paying in the browser: check your answers, the sandbox bank, the receipt and the
public check behind its QR code, in Arabic and English, with JavaScript and without."""

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps

JOURNEYS = {
    # lang, JavaScript on?, serial of the account
    "ar-js": ("ar", True, 210),
    "en-js": ("en", True, 220),
    "ar-no-js": ("ar", False, 230),
}
WORDS = {
    "ar": {
        "pay": "ادفع",
        "approve": "الموافقة (تجربة)",
        "decline": "الرفض (تجربة)",
        "received": "إيصال رسوم الضمان الصحي",
        "confirm": "تأكيد الطلب والمتابعة إلى الدفع",
        "paid": "مدفوع",
        "declined": "رفض البنك عملية الدفع",
        "banner": "بيئة تجريبية",
    },
    "en": {
        "pay": "Pay",
        "approve": "Approve (test)",
        "decline": "Decline (test)",
        "received": "Health insurance fee receipt",
        "confirm": "Confirm and continue to payment",
        "paid": "Paid",
        "declined": "The bank declined the payment",
        "banner": "Sandbox",
    },
}


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_check_answers_to_sandbox_bank_to_receipt_and_verification(live_server, new_page, journey):
    lang, js, serial = JOURNEYS[journey]
    words = WORDS[lang]
    base = live_server.url
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=serial)
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    steps.log_in(page, base, civil_id, lang)
    reference = steps.request_at_check(page.context.request, base)

    # Check your answers, confirm and continue: straight on to the bank, no page between.
    page.goto(f"{base}/requests/{reference}/check?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    expect(page.locator(".banner-sandbox")).to_contain_text(words["banner"])
    page.check("#confirm")
    confirm = page.locator("main form button[type=submit]").last
    expect(confirm).to_have_text(words["confirm"])
    page.shots.take(page, "check")
    confirm.click()
    page.wait_for_url("**/sandbox-bank/pay/**")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator(".sandbox-bank-name")).to_be_visible()
    page.shots.take(page, "sandbox-bank")
    page.get_by_role("button", name=words["decline"]).click()
    # The request still waits, and its page offers to pay the frozen amount again.
    page.wait_for_url(f"**/requests/{reference}")
    expect(page.locator("main")).to_contain_text(words["declined"])
    pay = page.locator("main form button.button-start")
    expect(pay).to_contain_text(words["pay"])
    expect(pay).to_contain_text("110")
    page.shots.take(page, "declined")

    pay.click()
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name=words["approve"]).click()

    # The receipt.
    page.wait_for_url(f"**/requests/{reference}/receipt")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text(words["received"])
    expect(main.locator(".big-reference")).to_have_text(reference)
    expect(main).to_contain_text("Ali Hassan")
    expect(main.locator("svg.qr-code")).to_be_visible()
    page.shots.take(page, "receipt")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")

    # The public check the QR code leads to, in a browser without the account's session.
    verify_url = main.locator("a.verify-link").get_attribute("href")
    stranger = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    stranger.goto(f"{verify_url}?lang={lang}")
    expect(stranger.locator(".verify-status")).to_have_text(words["paid"])
    text = stranger.locator("main").inner_text()
    # A first and a family name only: both shown (domain.name_mask), the civil ID not.
    assert "Ali Hassan" in text and "Mona Saleh" in text
    assert steps.ADULT not in text
    assert reference in text and steps.ADULT[-4:] in text  # for an official to match the person
    stranger.shots.take(stranger, "verify")
