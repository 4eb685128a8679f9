"""KNET's certification checklist in the browser: a decline and a cancel in the sandbox
bank show the five fields (date and time in Kuwait, result, amount, payment ID, track
ID), in Arabic and English; and where JavaScript runs, two presses of Pay post once."""

import re

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps

WORDS = {
    "ar": {
        "fields": ("التاريخ والوقت (بتوقيت الكويت)", "النتيجة", "المبلغ", "رقم عملية الدفع", "رقم التتبع"),
        "decline": "الرفض (تجربة)",
        "cancel": "الإلغاء والعودة",
    },
    "en": {
        "fields": ("Date and time (Kuwait)", "Result", "Amount", "Payment ID", "Track ID"),
        "decline": "Decline (test)",
        "cancel": "Cancel and return",
    },
}
SERIALS = {"ar": 610, "en": 620}


def shows_the_five_fields(page, lang: str, word: str) -> None:
    result = page.locator("main .payment-result")
    for label in WORDS[lang]["fields"]:
        expect(result).to_contain_text(label)
    expect(result).to_contain_text(f"({word})")
    expect(result).to_contain_text(re.compile(r"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}"))
    expect(result).to_contain_text(re.compile(r"[0-9]{19}"))  # the track id
    expect(result).to_contain_text(re.compile("110|١١٠"))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_decline_and_a_cancel_show_the_five_fields(live_server, new_page, lang):
    base = live_server.url
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=SERIALS[lang])
    page = new_page(js=True, locale="ar-KW" if lang == "ar" else "en-GB")
    steps.log_in(page, base, civil_id, lang)
    reference = steps.request_at_check(page.context.request, base)
    steps.confirm_and_pay(page.context.request, base, reference)

    page.goto(f"{base}/requests/{reference}?lang={lang}")
    pay = page.locator("main form[data-pay-once] button[type=submit]")
    # Two presses a moment apart: pay-once.js lets the form go once (without it, the
    # second press would post again; the server would still give the same bank page).
    posts = []
    page.route(
        f"**/requests/{reference}/pay", lambda route: (posts.append(route.request.method), route.continue_())
    )
    pay.evaluate("button => { button.click(); setTimeout(() => button.click(), 50); }")
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.wait_for_timeout(300)
    assert posts == ["POST"]
    page.unroute(f"**/requests/{reference}/pay")
    page.get_by_role("button", name=WORDS[lang]["decline"]).click()
    page.wait_for_url(f"**/requests/{reference}")
    shows_the_five_fields(page, lang, "NOT CAPTURED")
    page.shots.take(page, "declined-fields")

    page.locator("main form[data-pay-once] button[type=submit]").click()
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name=WORDS[lang]["cancel"]).click()
    page.wait_for_url(f"**/requests/{reference}")
    shows_the_five_fields(page, lang, "CANCELED")
    page.shots.take(page, "cancelled-fields")
