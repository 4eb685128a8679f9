"""Register, read the code from the development outbox, choose a password, log out, log in."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import code_from_outbox
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
    "ar": {"account": "حسابك", "login": "تسجيل الدخول", "logged_out": "تم تسجيل خروجك."},
    "en": {"account": "Your account", "login": "Log in", "logged_out": "You have logged out."},
}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def submit(page):
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
    # People type digits in the script of their keyboard.
    page.fill("#civil_id", civil_id.translate(ARABIC_DIGITS) if lang == "ar" else civil_id)
    page.fill("#name_ar", "مريم خالد")
    page.fill("#name_en", "Mariam Khalid")
    page.fill("#user_name", "Mariam")
    page.fill("#mobile", mobile.translate(ARABIC_DIGITS) if lang == "ar" else mobile)
    page.fill("#email", "mariam@example.com")
    page.check("input[name=gender][value=female]")
    page.check(f"input[name=language][value={lang}]")
    page.check("input[name=governorate][value=KW-FA]")
    page.check("input[name=account_kind][value=personal]")
    page.shots.take(page, "register")
    submit(page)

    page.wait_for_url("**/register/code")
    assert national in page.locator("main").inner_text()
    page.shots.take(page, "code")
    code = code_from_outbox(page, live_server.url, national)
    page.fill("#code", code.translate(ARABIC_DIGITS) if lang == "ar" else code)
    submit(page)

    page.wait_for_url("**/register/password")
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.shots.take(page, "password")
    submit(page)

    page.wait_for_url("**/account/")
    assert page.locator("h1").inner_text() == words["account"]
    assert civil_id in page.locator("main").inner_text()
    page.shots.take(page, "account")

    page.locator(".site-nav form button[type=submit]").click()
    page.wait_for_url("**/login")
    assert words["logged_out"] in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == words["login"]

    page.fill("#civil_id", civil_id)
    page.fill("#password", password)
    page.shots.take(page, "login")
    submit(page)
    page.wait_for_url("**/account/")
    assert page.locator("h1").inner_text() == words["account"]
    page.shots.take(page, "logged-in")


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
