"""One person's receipt on paper: a single A4 sheet, in English (the longer words) and Arabic."""

import re

import pytest

from bench.harness import create_account
from tests.browser import steps

ONE_PAGE = re.compile(rb"/Type\s*/Page[^s]")


def paid_for_one_person(page, base: str, civil_id: str, password: str, lang: str) -> str:
    page.goto(f"{base}/login?lang={lang}")
    page.fill("#civil_id", civil_id)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    api = page.request
    token = steps.CSRF.search(api.get(base + "/requests").text()).group(1)
    started = api.post(base + "/requests/new", form={"csrf_token": token}, max_redirects=0)
    reference = re.search(r"/requests/(TM-[^/]+)/", started.headers["location"]).group(1)
    at = f"{base}/requests/{reference}"
    steps._post(
        api,
        f"{at}/people",
        {
            "action": "continue",
            "people-0-civil_id": civil_id,
            "people-0-name": "Mohammed Abdullah Al-Mutairi",
            "people-0-category": "worker",
            "people-0-passport_number": "P0123456",
            "people-0-passport_expiry": steps.PASSPORT_EXPIRY,
        },
    )
    employer = {
        "sponsor_kind": "company",
        "company_name": "Gulf Trading Company",
        "company_file_number": "201945678",
    }
    steps._post(api, f"{at}/sponsor", employer)  # a worker alone: the employer sponsors
    steps._post(api, f"{at}/cover", {"insurance_status": "new", "years": "2"})
    back = steps._post(api, steps.confirm_and_pay(api, base, reference), {"choice": "approve"})
    response = api.get(back if back.startswith("http") else base + back, max_redirects=0)
    assert response.status == 303, response.status
    return base + response.headers["location"]


@pytest.mark.parametrize("lang, serial", [("en", 750), ("ar", 751)])
def test_one_persons_receipt_prints_on_one_a4_page(live_server, new_page, lang, serial):
    civil_id, password = create_account(f"sqlite:///{live_server.database}", serial=serial)
    page = new_page(js=True, locale="en-GB" if lang == "en" else "ar-KW")
    receipt = paid_for_one_person(page, live_server.url, civil_id, password, lang)
    page.goto(receipt.split("?")[0] + f"?lang={lang}")
    # The print action comes first, before the people and the payment.
    main = page.locator("main").inner_html()
    assert main.index("data-print") < main.index("People covered" if lang == "en" else "الأشخاص المشمولون")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(ONE_PAGE.findall(pdf)) == 1
