"""A wife joining her expatriate husband, chosen in the calculator and carried through a
request to the receipt, which calls her a wife; and the fees' authority named on /fees,
check answers and the receipt. Arabic with JavaScript, English without."""

import re

import pytest
from playwright.sync_api import expect

from bench.harness import create_account
from tests.browser import steps

TOTAL = "#quote-region output[data-total-fils]"
WORDS = {
    "ar": {
        "wife": "زوجة ملتحقة بزوجها الوافد (مادة 22)",
        "husband": "زوج (رجل) ملتحق بزوجته الوافدة",
        "authority": "الرسوم وفق قائمة الرسوم المنشورة عن خدمة الدفع الإلكتروني للضمان الصحي؛ "
        "لا يذكر المصدر تاريخ سريانها.",
        "help": "أي فئة أختار؟",
        "start": "ابدأ طلبًا بهذه البيانات",
        "approve": "الموافقة (تجربة)",
        "handover": "كيف تصل دفعتك إلى الوزارة",
    },
    "en": {
        "wife": "Wife joining her expatriate husband (Art. 22)",
        "husband": "Husband joining",
        "authority": "Fees under the fee list published about the online health insurance payment service; "
        "the source gives no date they took effect.",
        "help": "Which category do I choose?",
        "start": "Start a request with these answers",
        "approve": "Approve (test)",
        "handover": "How your payment reaches the Ministry",
    },
}
JOURNEYS = {"ar-js": ("ar", True, 880), "en-no-js": ("en", False, 881)}
WIFE = "Salwa Ahmed"


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_a_wife_through_the_calculator_a_request_and_the_receipt(live_server, new_page, journey):
    lang, js, serial = JOURNEYS[journey]
    words = WORDS[lang]
    base = live_server.url
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=serial)
    page = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    steps.log_in(page, base, civil_id, lang)

    # The calculator: the help page beside the category, the fee's authority under the quote.
    page.goto(f"{base}/fees?lang={lang}")
    help_link = page.get_by_role("link", name=re.compile(re.escape(words["help"])))
    expect(help_link).to_have_attribute("href", "/categories")
    expect(page.locator("#calculator .fee-authority")).to_have_text(words["authority"])
    page.select_option("#people-0-category", "joining_husband")
    if js:
        expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "40000")
    else:
        page.click("button[value='recalculate']")
    expect(page.locator("#quote-region")).to_contain_text(words["wife"])
    expect(page.locator("#quote-region")).not_to_contain_text(words["husband"])
    page.shots.take(page, "calculator-wife")

    # The help page lists her line apart from the husband's.
    helper = new_page(js=js, locale="ar-KW" if lang == "ar" else "en-GB")
    helper.goto(f"{base}/categories?lang={lang}")
    expect(helper.locator("main dl")).to_contain_text(words["wife"])
    expect(helper.locator("main dl")).to_contain_text(words["husband"])
    helper.shots.take(helper, "which-category")

    with page.expect_navigation():
        page.get_by_role("link", name=words["start"]).click()
    page.wait_for_url(re.compile(r".*/requests/TM-[^/]+/people$"))
    reference = re.search(r"/requests/(TM-[^/]+)/people", page.url).group(1)
    expect(page.locator("#people-0-category")).to_have_value("joining_husband")
    page.fill("#people-0-civil_id", steps.SECOND_PERSON)
    page.fill("#people-0-name", WIFE)
    page.fill("#people-0-passport_number", "P0234567")
    page.fill("#people-0-passport_expiry", steps.PASSPORT_EXPIRY)
    steps.submit(page, "continue")
    page.wait_for_url("**/sponsor")
    steps.submit(page, "me")
    page.wait_for_url("**/cover")
    page.check("input[name=insurance_status][value=new]")
    page.select_option("#years", "1")
    steps.submit(page)

    # Check answers: her fee line names her and her category; the authority below it.
    page.wait_for_url("**/check")
    line = page.locator("#quote-region tbody tr").first
    expect(line).to_contain_text(WIFE)
    expect(line).to_contain_text(words["wife"])
    expect(page.locator("main .fee-authority")).to_have_text(words["authority"])
    page.shots.take(page, "check-wife")
    page.check("#confirm")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/sandbox-bank/pay/**")
    page.get_by_role("button", name=words["approve"]).click()

    # The receipt calls her a wife and names the fees' authority.
    page.wait_for_url(f"**/requests/{reference}/receipt")
    main = page.locator("main")
    person = main.locator("li.person")
    expect(person).to_contain_text(WIFE)
    expect(person).to_contain_text(words["wife"])
    expect(main).not_to_contain_text(words["husband"])
    expect(main.locator(".fee-authority")).to_have_text(words["authority"])
    expect(main.get_by_role("link", name=words["handover"])).to_have_attribute("href", "/payment-handover")
    page.shots.take(page, "receipt-wife")
