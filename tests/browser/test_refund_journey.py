"""A refund from start to end in the browser: the applicant pays in the sandbox bank and
asks for a refund; a reviewer made with `flask create-staff` logs in at the desk with a
password and a TOTP code and approves it through the sandbox; the applicant sees it refunded."""

import re

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps

JOURNEYS = {
    # lang, JavaScript on?, serial of the applicant's account, of the reviewer
    "ar-js": ("ar", True, 310, 961),
    "en-no-js": ("en", False, 320, 962),
}
WORDS = {
    "ar": {
        "approve": "الموافقة (تجربة)",
        "ask": "طلب استرداد المبلغ",
        "rule": "لا يُسترد المبلغ",
        "left": "غادر المؤمَّن عليهم الكويت قبل بدء التغطية",
        "waiting": "بانتظار المراجعة",
        "refunded": "مُسترَد",
        "gateway": "عبر بوابة الدفع",
        "made": "تمت إعادة المبلغ",
        "refunds": "طلبات الاسترداد",
    },
    "en": {
        "approve": "Approve (test)",
        "ask": "Ask for a refund",
        "rule": "Money is not refunded",
        "left": "The people covered left Kuwait before the cover started",
        "waiting": "Waiting for review",
        "refunded": "Refunded",
        "gateway": "Through the payment gateway",
        "made": "Refund made",
        "refunds": "Refunds",
    },
}


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_ask_for_a_refund_reviewer_approves_in_the_sandbox_applicant_sees_it(live_server, new_page, journey):
    lang, js, serial, staff_serial = JOURNEYS[journey]
    words = WORDS[lang]
    base = live_server.url
    locale = "ar-KW" if lang == "ar" else "en-GB"

    # The applicant pays through the sandbox bank, in the browser.
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=serial)
    page = new_page(js=js, locale=locale)
    steps.log_in(page, base, civil_id, lang)
    reference = steps.request_at_check(page.context.request, base)
    page.goto(f"{base}/requests/{reference}/check?lang={lang}")
    page.check("#confirm")
    page.locator("main form button[type=submit]").last.click()  # straight on to the bank
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name=words["approve"]).click()
    page.wait_for_url(f"**/requests/{reference}/receipt")

    # Asking for the refund: the rule about wrong data is repeated; Arabic digits are fine.
    page.goto(f"{base}/requests/{reference}?lang={lang}")
    page.get_by_role("link", name=words["ask"]).click()
    page.wait_for_url(f"**/requests/{reference}/refund")
    expect(page.locator("main .warning")).to_contain_text(words["rule"])
    page.shots.take(page, "refund-form")
    page.get_by_label(words["left"]).check()
    page.fill("#iban", steps.IBAN_TYPED)
    page.fill("#account_holder", "سارة أحمد")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/requests/{reference}")
    status = page.locator(".refund-status")
    expect(status).to_contain_text(words["waiting"])
    expect(status).to_contain_text("KW81 •••• 0101")
    page.shots.take(page, "refund-waiting")

    # A reviewer, made as an operator would, logs in with password and TOTP code.
    login = f"reviewer-{journey}"
    secret = steps.create_staff(live_server, login, serial=staff_serial)
    desk = new_page(js=js, locale=locale)
    steps.fill_desk_login(desk, base, lang, login, secret)
    desk.locator("main form button[type=submit]").click()
    desk.wait_for_url(re.compile(r".*/desk/(\?.*)?$"))
    steps.desk_link(desk, words["refunds"]).click()
    desk.wait_for_url("**/desk/refunds")
    row = desk.locator("tr", has_text=reference)
    expect(row).to_have_count(1)
    desk.shots.take(desk, "queue")
    row.get_by_role("link").click()
    desk.wait_for_url(re.compile(r".*/desk/refunds/[0-9]+$"))
    expect(desk.locator("main")).to_contain_text("KW81 CBKU 0000 0000 0000 1234 5601 01")
    desk.get_by_label(words["gateway"]).check()
    desk.shots.take(desk, "refund")
    desk.locator("form[action$='/approve'] button[type=submit]").click()
    desk.wait_for_url(re.compile(r".*/desk/refunds/[0-9]+$"))
    expect(desk.locator("main .notice")).to_contain_text(words["made"])
    desk.shots.take(desk, "refunded")

    # The applicant sees it refunded.
    page.reload()
    expect(page.locator("main h1")).to_have_text(words["refunded"])
    done = page.locator(".refund-done")
    expect(done).to_contain_text("110")
    expect(done).to_contain_text("RF")
    page.shots.take(page, "applicant-refunded")
