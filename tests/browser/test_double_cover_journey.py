"""Never paying twice, in the browser: a renewed request shows no Renew but the request
that renewed it; a new request (in an account, and by express) for people a paid request
covers is stopped at check answers with the date the cover ends."""

import re

import pytest

from bench.harness import create_account
from tests.browser import steps
from tests.helpers import civil_id_for


def pay_on_the_check_page(page):
    page.check("#confirm")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    with page.expect_navigation():
        page.locator("button[value=approve], button:has-text('Approve')").first.click()
    page.wait_for_url(re.compile(r".*/receipt(\?.*)?$"))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_renewed_request_cannot_be_renewed_again(live_server, new_page, lang):
    base = live_server.url
    page = new_page(js=True, locale="ar-KW" if lang == "ar" else "en-GB")
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=970 if lang == "ar" else 971)
    steps.log_in(page, base, civil_id, lang)
    api = page.context.request
    first = steps.paid_with_api(api, base)

    # Right after paying: the request's page offers no Renew.
    page.goto(f"{base}/requests/{first}?lang={lang}")
    assert page.locator(f"form[action$='/{first}/renew']").count() == 0

    steps.cover_ends_soon(live_server, first)
    page.goto(f"{base}/requests?lang={lang}")
    with page.expect_navigation():
        page.locator(f"form[action$='/{first}/renew'] button").click()
    page.wait_for_url(re.compile(r".*/check(\?.*)?$"))
    renewal = re.search(r"/requests/(TM-[^/]+)/check", page.url).group(1)
    pay_on_the_check_page(page)

    page.goto(f"{base}/requests/{first}?lang={lang}")
    assert page.locator(f"form[action$='/{first}/renew']").count() == 0
    said = page.locator(".renewed-by").inner_text()
    assert ("جُدِّد بالطلب" if lang == "ar" else "Renewed by request") in said and renewal in said
    assert page.locator(f".renewed-by a[href$='/requests/{renewal}']").count() == 1
    page.goto(f"{base}/requests?lang={lang}")
    assert page.locator(f"form[action$='/{first}/renew']").count() == 0


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_new_request_for_people_covered_already_is_stopped(live_server, new_page, lang):
    base = live_server.url
    page = new_page(js=False, locale="ar-KW" if lang == "ar" else "en-GB")
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=980 if lang == "ar" else 981)
    steps.log_in(page, base, civil_id, lang)
    api = page.context.request
    first = steps.paid_with_api(api, base)

    second = steps.request_at_check(api, base, people=steps.PEOPLE)  # the same people again
    page.goto(f"{base}/requests/{second}/check?lang={lang}")
    summary = page.locator("#error-summary").inner_text()
    assert first in summary and re.search(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", summary), summary
    assert page.locator("#confirm").count() == 0
    # Its renewal button starts a renewal of the paid request, from the day after.
    with page.expect_navigation():
        page.locator(f"#already-covered form[action$='/{first}/renew'] button").click()
    page.wait_for_url(re.compile(r".*/check(\?.*)?$"))
    assert page.locator("#error-summary").count() == 0 and page.locator("#confirm").count() == 1


def express_until_check(page, base, lang, sponsor, mobile, worker):
    page.goto(f"{base}/express?lang={lang}")
    page.fill("#civil_id", sponsor)
    page.fill("#mobile", mobile)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.fill("#code", steps.code_from_outbox(page, base, f"{mobile[:4]} {mobile[4:]}"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.fill("#people-0-civil_id", worker)
    page.fill("#people-0-name", "Maria Santos")
    page.fill("#people-0-passport_expiry", steps.PASSPORT_EXPIRY)
    with page.expect_navigation():
        page.locator("main button[type=submit][value=continue]").click()
    page.check("input[name=insurance_status][value=new]")
    page.locator("input[name=years][value='1']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/express/check(\?.*)?$"))


def test_an_express_sponsor_paying_again_is_stopped(live_server, new_page):
    base, lang = live_server.url, "en"
    sponsor, mobile, worker = civil_id_for(990, born="750303"), "69900990", civil_id_for(991, born="950101")
    page = new_page(js=True, locale="en-GB")
    express_until_check(page, base, lang, sponsor, mobile, worker)
    page.check("#confirm")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()  # Pay
    with page.expect_navigation():
        page.locator("button[value=approve], button:has-text('Approve')").first.click()

    again = new_page(js=True, locale="en-GB")
    express_until_check(again, base, lang, sponsor, mobile, worker)
    summary = again.locator("#error-summary").inner_text()
    assert "Maria Santos is already covered until" in summary
    assert re.search(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", summary)
    assert again.locator("#already-covered form[action*='/express/renew-paid/'] button").count() == 1
