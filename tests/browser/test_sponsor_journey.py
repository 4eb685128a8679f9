"""The sponsor question through to the receipt (issue 28): a person or a company or
public body, in Arabic and English, with and without JavaScript; the receipt prints
exactly what was given."""

import re

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps
from tests.helpers import civil_id_for

WORKER = civil_id_for(811, born="880704")
PERSON_SPONSOR = civil_id_for(812, born="750101")
APPROVE = {"ar": "الموافقة (تجربة)", "en": "Approve (test)"}
WORDS = {
    "ar": {"file": "رقم الملف أو الترخيص", "civil_id": "الرقم المدني", "own": "لا يكفل أحدٌ إقامته بنفسه"},
    "en": {
        "file": "File or licence number",
        "civil_id": "Civil ID number",
        "own": "Nobody sponsors their own",
    },
}
JOURNEYS = [
    ("ar", "company", True),
    ("en", "person", True),
    ("en", "company", False),
    ("ar", "person", False),
]


@pytest.mark.parametrize(
    "lang, kind, js",
    JOURNEYS,
    ids=[f"{lang}-{kind}-{'js' if js else 'no-js'}" for lang, kind, js in JOURNEYS],
)
def test_the_sponsor_as_given_reaches_the_receipt(live_server, new_page, lang, kind, js):
    base = live_server.url
    civil_id, _password = create_account(
        f"sqlite:///{live_server.database}", serial=820 + JOURNEYS.index((lang, kind, js))
    )
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    steps.log_in(page, base, civil_id, lang)
    page.goto(steps.in_language(f"{base}/requests", lang))
    steps.start_request(page)
    steps.fill_person(page, 0, WORKER, "Joy Santos", "worker")
    steps.submit(page, "continue")
    page.wait_for_url(re.compile(r".*/sponsor$"))

    other = "person" if kind == "company" else "company"
    if js:  # only the chosen kind's fields show
        expect(page.locator("[data-sponsor-group=person]")).to_be_hidden()
        expect(page.locator("[data-sponsor-group=company]")).to_be_hidden()
    page.check(f"input[name=sponsor_kind][value={kind}]")
    if js:
        expect(page.locator(f"[data-sponsor-group={kind}]")).to_be_visible()
        expect(page.locator(f"[data-sponsor-group={other}]")).to_be_hidden()
    else:  # both groups show; only the chosen one is read
        expect(page.locator(f"[data-sponsor-group={other}]")).to_be_visible()
    if kind == "company":
        page.fill("#company_name", "شركة الخليج للتجارة")
        page.fill("#company_file_number", "12")  # too short: the error, the name kept
        steps.submit(page)
        expect(page.locator(".error-summary a[href='#company_file_number']")).to_be_visible()
        expect(page.locator("#company_name")).to_have_value("شركة الخليج للتجارة")
        page.fill("#company_file_number", "٢٠١٩/٤٥٦٧٨")
    else:
        page.fill("#sponsor_name", "خالد ناصر")
        page.fill("#sponsor_civil_id", PERSON_SPONSOR)
    page.shots.take(page, f"sponsor-{kind}")
    steps.submit(page)

    page.wait_for_url(re.compile(r".*/cover$"))
    page.check("input[name=insurance_status][value=new]")
    steps.submit(page)
    page.wait_for_url(re.compile(r".*/check$"))
    page.check("#confirm")
    steps.submit(page)
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name=APPROVE[lang]).click()
    page.wait_for_url(re.compile(r".*/requests/[^/]+/receipt(\?.*)?$"))

    main = page.locator("main")
    if kind == "company":
        expect(main).to_contain_text("شركة الخليج للتجارة")
        expect(main).to_contain_text(f"{WORDS[lang]['file']}: 201945678")
    else:
        expect(main).to_contain_text("خالد ناصر")
        expect(main).to_contain_text(f"{WORDS[lang]['civil_id']}: {PERSON_SPONSOR}")
    expect(main).not_to_contain_text("None")
    page.shots.take(page, f"receipt-{kind}")


def test_a_worker_alone_names_the_employer_not_themselves(live_server, new_page):
    base = live_server.url
    civil_id, _password = create_account(f"sqlite:///{live_server.database}", serial=840)
    page = new_page(js=True, locale="en-GB")
    steps.log_in(page, base, civil_id, "en")
    page.goto(steps.in_language(f"{base}/requests", "en"))
    steps.start_request(page)
    steps.press_in_place(page, "add-me", "#people-0-civil_id:not([value=''])")
    page.select_option("#people-0-category", "worker")
    page.fill("#people-0-passport_number", "P0234567")
    page.fill("#people-0-passport_expiry", steps.PASSPORT_EXPIRY)
    steps.submit(page, "continue")
    page.wait_for_url(re.compile(r".*/sponsor$"))
    expect(page.locator("main button[value=me]")).to_have_count(0)
    page.check("input[name=sponsor_kind][value=person]")
    page.fill("#sponsor_name", "Me")
    page.fill("#sponsor_civil_id", civil_id)
    steps.submit(page)
    expect(page.locator("#sponsor_civil_id-error")).to_contain_text(WORDS["en"]["own"])


def test_a_self_sponsored_resident_is_not_asked_for_a_sponsor(live_server, new_page):
    base = live_server.url
    civil_id, _password = create_account(f"sqlite:///{live_server.database}", serial=850)
    page = new_page(js=False, locale="ar-KW")
    steps.log_in(page, base, civil_id, "ar")
    page.goto(steps.in_language(f"{base}/requests", "ar"))
    steps.start_request(page)
    steps.fill_person(page, 0, WORKER, "Joy Santos", "self_sponsored")
    steps.submit(page, "continue")
    page.wait_for_url(re.compile(r".*/cover$"))
