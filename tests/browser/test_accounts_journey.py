"""Register (civil ID and mobile, the code from the development outbox, a name and a
password), log out, log in; and come back to the page that asked for an account."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import code_from_outbox, register
from tests.helpers import civil_id_for

JOURNEYS = {
    # lang, JavaScript on?, serial for the civil ID and mobile (apart: civil_id_for
    # moves past serials that have no check digit)
    "ar-js": ("ar", True, 110),
    "en-js": ("en", True, 120),
    "ar-no-js": ("ar", False, 130),
    "en-no-js": ("en", False, 140),
}
WORDS = {
    "ar": {
        "account": "حسابك",
        "login": "تسجيل الدخول",
        "logged_out": "تم تسجيل خروجك.",
        "complete": "أكمل بياناتك",
        "name": "مريم خالد",
    },
    "en": {
        "account": "Your account",
        "login": "Log in",
        "logged_out": "You have logged out.",
        "complete": "Complete your profile",
        "name": "Mariam Khalid",
    },
}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_register_verify_choose_password_log_out_and_in(live_server, new_page, journey):
    lang, js, serial = JOURNEYS[journey]
    words = WORDS[lang]
    civil_id = civil_id_for(serial, born="850315")
    mobile = f"900{serial:03d}67"
    national = f"{mobile[:4]} {mobile[4:]}"
    password = "ضوء القمر على البحر" if lang == "ar" else "moonlight over the sea"
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")

    page.goto(f"{live_server.url}/register?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    # Only what paying needs: civil ID and mobile.
    assert page.locator("main form input:not([type=hidden])").count() == 2
    # People type digits in the script of their keyboard.
    page.fill("#civil_id", civil_id.translate(ARABIC_DIGITS) if lang == "ar" else civil_id)
    page.fill("#mobile", mobile.translate(ARABIC_DIGITS) if lang == "ar" else mobile)
    page.shots.take(page, "register")
    submit(page)

    page.wait_for_url("**/register/code")
    assert national in page.locator("main").inner_text()
    # Android offers the code from the SMS (its last line is the WebOTP form).
    assert page.get_attribute("#code", "autocomplete") == "one-time-code"
    assert page.get_attribute("#code", "inputmode") == "numeric"
    page.shots.take(page, "code")
    code = code_from_outbox(page, live_server.url, national)
    page.fill("#code", code.translate(ARABIC_DIGITS) if lang == "ar" else code)
    submit(page)

    page.wait_for_url("**/register/password")
    page.fill("#full_name", words["name"])
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.shots.take(page, "password")
    submit(page)

    # On to what the person came to do: their requests.
    page.wait_for_url("**/requests")
    page.goto(f"{live_server.url}/account/")
    assert page.locator("h1").inner_text() == words["account"]
    main = page.locator("main").inner_text()
    assert civil_id in main and words["name"] in main and words["complete"] in main
    assert "None" not in main
    page.shots.take(page, "account")

    page.locator(".site-nav form button[type=submit]").click()
    page.wait_for_url("**/login")
    assert words["logged_out"] in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == words["login"]

    page.fill("#civil_id", civil_id)
    page.fill("#password", password)
    page.shots.take(page, "login")
    submit(page)
    page.wait_for_url("**/requests")
    page.shots.take(page, "logged-in")


@pytest.mark.parametrize("lang, js", [("ar", True), ("en", False)])
def test_sign_up_from_a_page_that_needs_an_account_comes_back_to_it(live_server, new_page, lang, js):
    serial = 150 if js else 160
    civil_id, mobile = civil_id_for(serial, born="850315"), f"900{serial:03d}67"
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    page.goto(f"{live_server.url}/account/details?lang={lang}")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    # Log in's "Create an account" keeps where the person was going.
    with page.expect_navigation():
        page.locator("main a[href^='/register']").click()
    assert "next=" in page.url
    register(page, live_server.url, civil_id, mobile, WORDS[lang]["name"], "moonlight over the sea")
    page.wait_for_url(re.compile(r".*/account/details(\?.*)?$"))
    assert page.input_value("#name_ar" if lang == "ar" else "#name_en") == WORDS[lang]["name"]
    page.shots.take(page, "details")

    # Logged out, log in returns there too.
    page.locator(".site-nav form button[type=submit]").click()
    page.wait_for_url("**/login")
    page.goto(f"{live_server.url}/account/details")
    page.fill("#civil_id", civil_id)
    page.fill("#password", "moonlight over the sea")
    submit(page)
    page.wait_for_url(re.compile(r".*/account/details(\?.*)?$"))


def test_wrong_password_is_one_generic_message(live_server, new_page):
    page = new_page(js=True, locale="en-GB")
    page.goto(f"{live_server.url}/login?lang=en")
    page.fill("#civil_id", civil_id_for(99, born="850315"))
    page.fill("#password", "not a password we know")
    submit(page)
    expect(page).to_have_title(re.compile(r"^Error:"))
    summary = page.locator(".error-summary")
    assert "The civil ID number or the password is not right" in summary.inner_text()
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "civil_id"
    page.shots.take(page, "login-error")
