"""The receipt and check answers name the fees' authority and its date (or that the source
gives none), call a wife joining her husband a wife, and name each person on their fee line."""

import re
from urllib.parse import urlsplit

import pytest

from tests.helpers import (
    ADULT,
    SECOND,
    fill_until_check,
    form_post,
    make_app,
    person,
    register_and_login,
    start_request,
)

WIFE_AND_HUSBAND = {**person(0, ADULT, "Huda"), **person(1, SECOND, "Salwa", "joining_husband")}


def pay(client, people) -> str:
    reference = start_request(client)
    fill_until_check(client, reference, people=people, years="1")
    bank = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    client.get(back.headers["Location"])
    return reference


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_check_answers_names_each_person_on_their_fee_line(client, user):
    reference = start_request(client)
    fill_until_check(client, reference, people=WIFE_AND_HUSBAND, years="1")
    page = client.get(f"/requests/{reference}/check?lang=en").text
    quote = page[page.index('<section class="quote"') : page.index("</section>")]
    assert "1. <bdi>Huda</bdi> · Government or private sector worker" in quote
    assert "2. <bdi>Salwa</bdi> · Wife joining her expatriate husband (Art. 22)" in quote
    assert "KWD\u00a090.000" in quote  # 50 + 40
    assert "Fees under the fee list published about the online health insurance payment service" in page


@pytest.mark.parametrize(
    "lang, wife, authority",
    [
        (
            "en",
            "Wife joining her expatriate husband (Art. 22)",
            "Fees under the fee list published about the online health insurance payment service; "
            "the source gives no date they took effect.",
        ),
        (
            "ar",
            "زوجة ملتحقة بزوجها الوافد (مادة 22)",
            "الرسوم وفق قائمة الرسوم المنشورة عن خدمة الدفع الإلكتروني للضمان الصحي؛ "
            "لا يذكر المصدر تاريخ سريانها.",
        ),
    ],
)
def test_the_receipt_calls_her_a_wife_and_names_the_fees_authority(client, user, lang, wife, authority):
    reference = pay(client, WIFE_AND_HUSBAND)
    main = main_of(client.get(f"/requests/{reference}/receipt?lang={lang}").text)
    assert wife in main and "Husband" not in main and "زوج (رجل)" not in main
    assert re.search(r"<dt>(Fee schedule|جدول الرسوم)</dt><dd>", main)
    assert authority in main and "2019" not in main
    assert 'href="/payment-handover"' in main


def test_a_dated_schedule_is_on_the_receipt_with_its_date(tmp_path):
    client = make_app(tmp_path, FEE_SCHEDULE="decision-306-2025").test_client()
    register_and_login(client)
    reference = pay(client, WIFE_AND_HUSBAND)
    main = main_of(client.get(f"/requests/{reference}/receipt?lang=en").text)
    assert (
        "Fees under Ministerial Decision 306/2025 as reported in the news, "
        'in force from <bdi class="id">23/12/2025</bdi>.'
    ) in main
    assert "KWD\u00a0200.000" in main  # 100 each
