"""The plain pages beside the fees: Which category do I choose? (every category in force,
with its article and whom it is for), and How your payment reaches the Ministry (the
operator's own words from settings, or a default that claims nothing for it)."""

import pytest

from tests.helpers import HX, make_app, register_and_login, start_request

CATEGORIES = {
    "en": (
        "Which category do I choose?",
        "Wife joining her expatriate husband (Art. 22)",
        "Husband joining his expatriate wife (Art. 22)",
        "A man whose residency is sponsored by his wife.",
    ),
    "ar": (
        "أي فئة أختار؟",
        "زوجة ملتحقة بزوجها الوافد (مادة 22)",
        "زوج (رجل) ملتحق بزوجته الوافدة (مادة 22)",
        "رجل تكفل زوجته إقامته.",
    ),
}
HANDOVER = {"en": "How your payment reaches the Ministry", "ar": "كيف تصل دفعتك إلى الوزارة"}


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "hx-request"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_which_category_lists_each_category_with_its_article_and_whom_it_is_for(client, lang, headers):
    client.get(f"/?lang={lang}")
    page = client.get("/categories", headers=headers)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=300"
    heading, wife, husband, husband_is = CATEGORIES[lang]
    main = main_of(page.text)
    assert f"<h1>{heading}</h1>" in main
    assert main.count("<dt>") == 12  # every category of the seed schedule
    assert wife in main and husband in main and husband_is in main
    assert main.index(husband) < main.index(husband_is) < main.index(wife)
    assert ("other sources report it as 40 KWD" if lang == "en" else "تذكره مصادر أخرى") in main


def test_which_category_follows_the_schedule_in_force(tmp_path):
    client = make_app(tmp_path, FEE_SCHEDULE="decision-306-2025").test_client()
    main = main_of(client.get("/categories?lang=en").text)
    assert "Fourth or later domestic worker of a Kuwaiti family (Art. 20)" in main
    assert "The fourth household worker of a Kuwaiti family, or a later one." in main
    assert "Stateless" not in main and "KWD\u00a0100.000 a year" in main


def test_which_category_is_linked_beside_the_category_question(client):
    link = 'href="/categories" target="_blank" rel="noopener"'
    calculator = client.get("/fees?lang=en").text
    assert calculator.count(link) == 1
    assert calculator.index(link) < calculator.index('id="people-0-category"')
    assert 'href="/categories"' in client.get("/").text and 'href="/categories"' in client.get("/about").text
    register_and_login(client)
    reference = start_request(client)
    people = client.get(f"/requests/{reference}/people").text
    assert link in people and people.index(link) < people.index('id="people-0-category"')


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "hx-request"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_handover_page_says_plainly_when_the_operator_has_not_described_it(client, lang, headers):
    client.get(f"/?lang={lang}")
    page = client.get("/payment-handover", headers=headers)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=300"
    main = main_of(page.text)
    assert f"<h1>{HANDOVER[lang]}</h1>" in main
    if lang == "en":
        assert "it is not the Ministry of Health" in main
        assert (
            "Sample Operator (development copy) has not yet described how a payment made here reaches" in main
        )
    else:
        assert "وليست وزارة الصحة" in main and "لم تصف جهة تشغيل تجريبية (نسخة للتطوير) بعدُ" in main


def test_the_handover_page_gives_the_operators_own_words(tmp_path):
    client = make_app(
        tmp_path,
        # An environment file cannot hold a blank line: a backslash and n, twice, stand for one.
        OPERATOR_PAYMENT_HANDOVER_EN="We pay the Ministry daily.\\n\\nYour file shows it in 3 days.",
        OPERATOR_PAYMENT_HANDOVER_AR="نحوّل المبالغ إلى الوزارة كل يوم عمل.",
    ).test_client()
    english = main_of(client.get("/payment-handover?lang=en").text)
    assert "<p>We pay the Ministry daily.</p><p>Your file shows it in 3 days.</p>" in english
    assert "has not yet described" not in english
    assert "<p>نحوّل المبالغ إلى الوزارة كل يوم عمل.</p>" in client.get("/payment-handover?lang=ar").text


def test_one_language_of_the_handover_stands_for_both(tmp_path):
    client = make_app(tmp_path, OPERATOR_PAYMENT_HANDOVER_EN="We pay the Ministry weekly.").test_client()
    assert "We pay the Ministry weekly." in client.get("/payment-handover?lang=ar").text


def test_the_handover_page_is_linked_from_about(client):
    assert 'href="/payment-handover"' in main_of(client.get("/about?lang=en").text)
