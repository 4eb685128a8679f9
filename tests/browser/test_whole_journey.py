"""The whole journey a resident and an operator make, one continuous story per language,
with JavaScript on and off, on a 360x740 phone: register, code from the SMS outbox,
password, a group request of two people with the live quote, check answers, the sandbox
bank, the receipt, a refund request, a reviewer's approval at the desk, refunded."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import steps
from tests.helpers import civil_id_for

JOURNEYS = {
    # lang, JavaScript on?, serial for the applicant, serial for the reviewer
    "ar-js": ("ar", True, 810, 971),
    "en-js": ("en", True, 820, 972),
    "ar-no-js": ("ar", False, 830, 973),
    "en-no-js": ("en", False, 840, 974),
}
WORDS = {
    "ar": {
        "approve": "الموافقة (تجربة)",
        "ask": "طلب استرداد المبلغ",
        "refunds": "طلبات الاسترداد",
        "left": "غادر المؤمَّن عليهم الكويت قبل بدء التغطية",
        "gateway": "عبر بوابة الدفع",
        "refunded": "مُسترَد",
    },
    "en": {
        "approve": "Approve (test)",
        "ask": "Ask for a refund",
        "refunds": "Refunds",
        "left": "The people covered left Kuwait before the cover started",
        "gateway": "Through the payment gateway",
        "refunded": "Refunded",
    },
}
TOTAL = "#quote-region output[data-total-fils]"


def press(page, selector: str):
    with page.expect_navigation():
        page.locator(selector).first.click()


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_the_whole_journey(live_server, new_page, journey):
    lang, js, serial, staff_serial = JOURNEYS[journey]
    words, base = WORDS[lang], live_server.url
    locale = "ar-KW" if lang == "ar" else "en-GB"
    civil_id = civil_id_for(serial, born="860214")
    mobile = f"5{serial:04d}123"
    page = new_page(js=js, locale=locale)

    # Register, read the code from the development outbox, choose a password.
    page.goto(f"{base}/?lang={lang}")
    page.shots.take(page, "start")
    page.goto(f"{base}/register")
    steps.register(
        page,
        base,
        civil_id,
        mobile,
        "نورة سالم" if lang == "ar" else "Noura Salem",
        "a sea breeze in the evening",
    )
    page.shots.take(page, "registered")

    # A group request of two people, the quote following every answer.
    page.goto(f"{base}/requests")
    steps.start_request(page)
    reference = re.search(r"/requests/(TM-[^/]+)/", page.url).group(1)
    steps.add_two_people(page)
    if js:
        expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "55000")
    steps.submit(page, "continue")
    steps.submit(page, "me")
    page.check("input[name=insurance_status][value=new]")
    page.select_option("#years", "2")
    if js:
        expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "110000")
    steps.submit(page)
    page.wait_for_url("**/check")
    assert page.locator(TOTAL).get_attribute("data-total-fils") == "110000"
    page.shots.take(page, "check-answers")

    # Pay in the sandbox bank; the receipt.
    page.check("#confirm")
    press(page, "main form button[type=submit] >> nth=-1")  # straight on to the bank
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.shots.take(page, "sandbox-bank")
    page.get_by_role("button", name=words["approve"]).click()
    page.wait_for_url(f"**/requests/{reference}/receipt")
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.locator("main")).to_contain_text("110")
    page.shots.take(page, "receipt")

    # Ask for a refund.
    page.goto(f"{base}/requests/{reference}")
    press(page, f"main a:has-text('{words['ask']}')")
    page.get_by_label(words["left"]).check()
    page.fill("#iban", steps.IBAN_TYPED)
    page.fill("#account_holder", "نورة سالم")
    press(page, "main form button[type=submit]")
    page.shots.take(page, "refund-asked")

    # A reviewer approves it at the desk, with password and TOTP code.
    login = f"whole-{journey}"
    secret = steps.create_staff(live_server, login, serial=staff_serial)
    desk = new_page(js=js, locale=locale)
    steps.fill_desk_login(desk, base, lang, login, secret)
    press(desk, "main form button[type=submit]")
    desk.goto(f"{base}/desk/refunds")
    press(desk, f"tr:has-text('{reference}') a")
    desk.get_by_label(words["gateway"]).check()
    press(desk, "form[action$='/approve'] button[type=submit]")
    desk.shots.take(desk, "approved")

    # The applicant sees it refunded.
    page.goto(f"{base}/requests/{reference}")
    expect(page.locator("main h1")).to_have_text(words["refunded"])
    page.shots.take(page, "refunded")
