"""The receipt an official accepts: titled, naming the operator, each person's civil ID,
category with its residency article and cover period first, the payment's identifiers
after; people as cards; a Print / Save button from a script file; plain words after a
refund, on the receipt and on the public check."""

import re
from datetime import date, datetime

import pytest

from domain.dates import kuwait_day
from models import ExpressSponsor, InsuranceRequest, Receipt, Refund
from tests.helpers import ADULT, SECOND, make_app, paid_request, refunded_request, register_and_login, stored

PLACEHOLDER_WORDING = (
    "seed article",
    "reference article",
    "placeholder",
    "estimate",
    "المقال المرجعي",
    "تقديري",
)


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


@pytest.fixture
def paid(client, user):
    return paid_request(client)


@pytest.mark.parametrize(
    "lang, title, operator, worker, domestic, cover",
    [
        (
            "en",
            "Health insurance fee receipt",
            "Sample Operator (development copy)",
            "Government or private sector worker (Art. 17 or 18)",
            "Domestic worker (Art. 20)",
            "Cover period",
        ),
        (
            "ar",
            "إيصال رسوم الضمان الصحي",
            "جهة تشغيل تجريبية (نسخة للتطوير)",
            "عامل في القطاع الحكومي أو الخاص (مادة 17 أو 18)",
            "عمالة منزلية (مادة 20)",
            "مدة التغطية",
        ),
    ],
)
def test_the_receipt_puts_the_key_facts_first_in_both_languages(
    client, paid, lang, title, operator, worker, domestic, cover
):
    page = client.get(f"/requests/{paid}/receipt?lang={lang}").text
    main = main_of(page)
    assert f"<h1>{title}</h1>" in main and f"<title>{title} {paid}" in page
    assert f"<strong>{operator}</strong>" in main
    assert f'<bdi class="id">{paid}</bdi>' in main
    receipt = Receipt.get()
    paid_on = kuwait_day(receipt.paid_at)  # after 21:00 UTC, Kuwait is a day ahead
    last_day = date(paid_on.year + 2, paid_on.month, paid_on.day).toordinal() - 1
    for civil_id in (ADULT, SECOND):
        assert f'<bdi class="id">{civil_id}</bdi>' in main
    assert worker in main and domestic in main
    assert cover in main
    assert f'<bdi class="id">{paid_on:%d/%m/%Y}</bdi>' in main
    assert f'<bdi class="id">{date.fromordinal(last_day):%d/%m/%Y}</bdi>' in main
    # The people come before the payment's identifiers.
    assert main.index(ADULT) < main.index(receipt.payment.track_id)
    for words in PLACEHOLDER_WORDING:
        assert words not in main, words


def test_each_person_is_a_card_not_a_table_row(client, paid):
    main = main_of(client.get(f"/requests/{paid}/receipt?lang=en").text)
    cards = re.findall(r'<li class="person">.*?</li>', main, re.S)
    assert len(cards) == 2 and "<table" not in main
    assert "<h3><bdi>Ali</bdi></h3>" in cards[0] and ADULT in cards[0] and "Art. 17 or 18" in cards[0]
    assert "<h3><bdi>Mona</bdi></h3>" in cards[1] and SECOND in cards[1]


def test_print_button_comes_from_a_script_file_and_is_hidden_without_it(client, paid):
    page = client.get(f"/requests/{paid}/receipt?lang=en").text
    assert re.search(r'<button type="button"[^>]* data-print hidden>Print or save as PDF</button>', page)
    assert re.search(r'<script src="/static/js/print\.js\?v=[0-9a-f]+" defer></script>', page)
    assert "use your browser's Print or Share menu" in page  # what to do without JavaScript
    assert "<script>" not in page and "onclick" not in page
    script = client.get(re.search(r'src="(/static/js/print\.js[^"]*)"', page).group(1))
    assert script.status_code == 200 and b"window.print()" in script.data
    assert "print.js" not in client.get("/?lang=en").text  # only the receipt loads it


def test_the_print_stylesheet_keeps_the_operator_and_the_reference(client):
    page = client.get("/?lang=en").text
    sheet = client.get(re.search(r'href="(/static/css/tameen\.css[^"]*)"', page).group(1))
    css = sheet.data.decode().split("@media print", 1)[1]
    assert ".receipt-operator" in css and ".big-reference" in css
    assert ".site-header" in css and ".no-print" in css and "display: none" in css


def test_the_receipt_names_the_operator_and_links_its_pages(client, paid):
    main = main_of(client.get(f"/requests/{paid}/receipt?lang=en").text)
    assert '<h2 id="issued-by">Issued by</h2>' in main
    assert "+965 2200 0000" in main and "operator@example.com" in main
    for address in ("/about", "/privacy", "/refund-policy"):
        assert f'href="{address}"' in main


def test_the_operator_configured_is_the_one_named(tmp_path):
    app = make_app(
        tmp_path,
        OPERATOR_NAME_EN="Gulf Health Payments",
        OPERATOR_NAME_AR="مدفوعات الخليج الصحية",
        OPERATOR_PHONE="+965 1800 000",
        OPERATOR_EMAIL="help@ghp.example.kw",
    )
    client = app.test_client()
    register_and_login(client)
    reference = paid_request(client)
    english = client.get(f"/requests/{reference}/receipt?lang=en").text
    assert "Gulf Health Payments" in english and "Sample Operator" not in english
    assert "help@ghp.example.kw" in english
    assert "مدفوعات الخليج الصحية" in client.get(f"/requests/{reference}/receipt?lang=ar").text


def test_a_refund_asked_for_says_so_and_that_nothing_was_refunded_yet(client, user):
    reference, _refund = refunded_request(client)
    main = main_of(client.get(f"/requests/{reference}/receipt?lang=en").text)
    assert "A refund was asked for on" in main and "nothing has been refunded yet" in main
    assert "Payment received" not in main
    check = client.application.test_client().get(f"/verify/{Receipt.get().verify_code}?lang=en").text
    assert "waits for review: nothing has been refunded yet" in check


@pytest.mark.parametrize(
    "lang, refunded, received",
    [
        ("en", "Refunded: this payment was given back on", "Payment received"),
        ("ar", "رُدّ مبلغ هذه الدفعة بتاريخ", "استُلمت الدفعة"),
    ],
)
def test_after_a_refund_the_receipt_and_the_check_say_it_plainly(client, user, lang, refunded, received):
    reference, refund = refunded_request(client)
    Refund.update(state=Refund.REFUNDED, completed_at=datetime(2026, 2, 3, 8, 0)).where(
        Refund.id == refund.id
    ).execute()
    InsuranceRequest.update(state=InsuranceRequest.REFUNDED).execute()
    main = main_of(client.get(f"/requests/{reference}/receipt?lang={lang}").text)
    assert refunded in main and '<bdi class="id">03/02/2026</bdi>' in main
    assert received not in main
    people = client.get(f"/requests/{reference}/receipt/people?lang={lang}").text
    assert refunded in people
    check = client.application.test_client().get(f"/verify/{Receipt.get().verify_code}?lang={lang}")
    assert '<bdi class="id">03/02/2026</bdi>' in check.text
    assert ("no longer pays for anyone" if lang == "en" else "لم تعد تغطي الضمان الصحي") in check.text
    assert "verify-paid" not in check.text and "verify-unpaid" in check.text


def test_the_printable_table_is_titled_and_names_the_operator(client, paid):
    page = client.get(f"/requests/{paid}/receipt/people?lang=en").text
    assert "Sample Operator (development copy)" in page and "Health insurance fee receipt" in page
    assert "Art. 17 or 18" in page and "Cover period" in page
    assert "data-print hidden" in page and "/static/js/print.js" in page


def test_the_csv_carries_the_category_with_its_article(client, paid):
    csv = client.get(f"/requests/{paid}/receipt.csv?lang=en").data.decode("utf-8-sig")
    assert "Government or private sector worker (Art. 17 or 18)" in csv


def test_the_express_receipt_is_the_same_receipt(app, client, paid):
    insurance_request = stored(paid)
    sponsor = ExpressSponsor.create(
        request=insurance_request, civil_id=ADULT, mobile="+96550012345", language="en"
    )
    InsuranceRequest.update(owner=None).where(InsuranceRequest.id == insurance_request.id).execute()
    page = app.test_client().get(f"/express/receipts/{sponsor.receipt_token}?lang=en")
    assert page.status_code == 200
    main = main_of(page.text)
    assert "<h1>Health insurance fee receipt</h1>" in main and "Sample Operator" in main
    assert "Domestic worker (Art. 20)" in main and "Cover period" in main
    assert "data-print hidden" in main and "Ask for a refund" in main
