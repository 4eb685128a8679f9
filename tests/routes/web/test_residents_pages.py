"""What residents read on the start page, the calculator and its quote: "Start now" first,
categories by their residency article, the fees' authority and its date (or that the date
is not known, never a stand-in), no working wording, and a child the schedule sets no fee
for told why and what to do instead."""

import pytest

from tests.helpers import HX, make_app

PLACEHOLDER_WORDING = (
    "seed article",
    "reference article",
    "as given in",
    "placeholder",
    "estimate",
    "المقال المرجعي",
    "تقديري",
)
CHILD = {"years": "1", "people-0-category": "family_first_degree", "people-0-born": "2020-06-01"}
CHILD_AND_WORKER = {**CHILD, "people-1-category": "worker"}


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_start_now_starts_a_request_before_anything_else_to_read(client, lang):
    main = main_of(client.get(f"/?lang={lang}").text)
    start = main.index('class="button button-start" href="/requests/new"')
    assert start < main.index("<h2>") and start < main.index('id="fees-heading"')
    assert main.index("<h1>") < start


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(
    "address, headers",
    [
        ("/", {}),
        ("/fees", {}),
        ("/fees?years=2&people-0-category=worker", {}),
        ("/quote?years=2&people-0-category=worker", HX),
    ],
)
def test_no_working_wording_on_residents_pages(client, lang, address, headers):
    client.get(f"/?lang={lang}")
    page = client.get(address, headers=headers).text
    for words in PLACEHOLDER_WORDING:
        assert words not in page, (address, words)
    assert "2019" not in page  # the seed's stand-in date


def test_the_start_page_stays_one_kept_page_and_light(client):
    first = client.get("/", headers={"Accept-Encoding": "br"})
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert len(first.data) < 3 * 1024  # its stylesheet and the rest fit the 10 KB first visit


@pytest.mark.parametrize(
    "lang, commercial, worker",
    [
        ("en", "Commercial residency (Art. 19)", "Government or private sector worker (Art. 17 or 18)"),
        ("ar", "إقامة تجارية (مادة 19)", "عامل في القطاع الحكومي أو الخاص (مادة 17 أو 18)"),
    ],
)
def test_categories_show_their_residency_article(client, lang, commercial, worker):
    client.get(f"/?lang={lang}")
    start = client.get("/").text
    assert f'<th scope="row">{commercial}</th>' in start and worker in start
    calculator = client.get("/fees").text
    assert f">{commercial}</option>" in calculator and f">{worker}</option>" in calculator
    quote = client.get("/quote?years=1&people-0-category=commercial", headers=HX).text
    assert commercial in quote


SEED_AUTHORITY = {
    "en": "Fees under the fee list published about the online health insurance payment service; "
    "the source gives no date they took effect.",
    "ar": "الرسوم وفق قائمة الرسوم المنشورة عن خدمة الدفع الإلكتروني للضمان الصحي؛ "
    "لا يذكر المصدر تاريخ سريانها.",
}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_fees_name_their_authority_and_say_the_date_is_not_known(client, lang):
    client.get(f"/?lang={lang}")
    for address in ("/", "/fees", "/fees?years=2&people-0-category=worker", "/about"):
        page = client.get(address).text
        assert SEED_AUTHORITY[lang] in page, address
    # Outside the live quote, which stays small: the page around it says it once.
    assert SEED_AUTHORITY[lang] not in client.get("/quote?years=1&people-0-category=worker", headers=HX).text


@pytest.mark.parametrize(
    "lang, line",
    [
        (
            "en",
            "Fees under Ministerial Decision 306/2025 as reported in the news, "
            'in force from <bdi class="id">23/12/2025</bdi>.',
        ),
        (
            "ar",
            "الرسوم وفق القرار الوزاري 306/2025 كما نقلته الأخبار، "
            'السارية من <bdi class="id">23/12/2025</bdi>.',
        ),
    ],
)
def test_a_dated_schedule_is_named_with_its_date(tmp_path, lang, line):
    client = make_app(tmp_path, FEE_SCHEDULE="decision-306-2025").test_client()
    client.get(f"/?lang={lang}")
    for address in ("/", "/fees", "/about", "/categories", "/payment-handover"):
        assert line in client.get(address).text, address


def test_the_wife_fee_of_the_seed_says_where_it_comes_from(client):
    start = client.get("/?lang=en").text
    row = start[start.index("Wife joining her expatriate husband") :].split("</tr>")[0]
    assert "KWD\u00a040.000" in row and "other sources report it as 40 KWD a year" in row


@pytest.mark.parametrize(
    "lang, why, what",
    [
        (
            "en",
            "No fee can be worked out here for a son or daughter aged 12 or under",
            "insurance service centre",
        ),
        ("ar", "بعمر اثنتي عشرة سنة أو أقل", "مراكز الخدمات التأمينية"),
    ],
)
@pytest.mark.parametrize("headers", [HX, {}])
def test_a_child_gets_why_no_fee_and_what_to_do_instead(client, lang, why, what, headers):
    client.get(f"/?lang={lang}")
    alone = client.get("/quote", query_string=CHILD, headers=headers).text
    quote = alone[alone.index('<section class="quote"') : alone.index("</section>")]
    before_details = quote[: quote.index("<details")]  # in sight when the quote is folded
    assert why in before_details and what in before_details
    assert before_details.count(why) == 1 and quote.count(why) == 1  # said once
    assert ("remove this person" if lang == "en" else "احذف هذا الشخص") not in quote
    assert ("not complete yet" if lang == "en" else "غير مكتمل") not in before_details
    with_others = client.get("/quote", query_string=CHILD_AND_WORKER, headers=headers).text
    assert ("Person 1:" if lang == "en" else "الشخص 1:") in with_others
    assert (
        "To pay for the others now, remove this person."
        if lang == "en"
        else "لتدفع عن الآخرين الآن، احذف هذا الشخص."
    ) in with_others


def test_the_child_explanation_keeps_the_quote_small(client):
    client.get("/?lang=ar")
    response = client.get("/quote", query_string=CHILD_AND_WORKER, headers={**HX, "Accept-Encoding": "br"})
    assert len(response.data) <= 1024


@pytest.mark.parametrize("lang, words", [("ar", "لم تُضف أي شخص بعد"), ("en", "No one added yet")])
def test_a_quote_of_no_one_says_so_rather_than_details_of_0(client, lang, words):
    quote = client.get(f"/quote?lang={lang}&years=1", headers=HX).text
    assert words in quote and "0 " not in quote.split("<summary>")[1].split("</summary>")[0]
