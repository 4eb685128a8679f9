"""Who runs this site: the operator's settings, named in every footer, and the pages about
it (about and contact, privacy notice, refund policy), public and cached like the start
page."""

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from settings import SAMPLE_OPERATOR, ConfigError, load_settings
from tests.helpers import (
    HX,
    PRODUCTION_KNET,
    PRODUCTION_PUBLIC_URL,
    PRODUCTION_SECRETS,
    make_app,
    paid_request,
    register_and_login,
)

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "k" * 40,
    "SMS_HTTP_URL": "https://sms.example/",
    "PUBLIC_URL": PRODUCTION_PUBLIC_URL,
    **PRODUCTION_KNET,
    **PRODUCTION_SECRETS,
}
PAGES = {
    "/about": ("About and contact", "من نحن والتواصل"),
    "/privacy": ("Privacy notice", "إشعار الخصوصية"),
    "/refund-policy": ("Refund policy", "سياسة استرداد المبالغ"),
}
FOOTER_LINKS = ('href="/about"', 'href="/privacy"', 'href="/refund-policy"')


def footer_of(page: str) -> str:
    return page[page.index('<footer class="site-footer">') : page.index("</footer>")]


# --- settings ------------------------------------------------------------------------


def test_outside_production_the_operator_is_plainly_a_sample(tmp_path):
    for env in ("development", "testing"):
        found = load_settings({"APP_ENV": env}, tmp_path)
        assert {name: found[name] for name in SAMPLE_OPERATOR} == SAMPLE_OPERATOR
    assert (
        "Sample" in SAMPLE_OPERATOR["OPERATOR_NAME_EN"] and "تجريبية" in SAMPLE_OPERATOR["OPERATOR_NAME_AR"]
    )
    for value in SAMPLE_OPERATOR.values():
        assert "ministry" not in value.lower() and "وزارة" not in value


def test_production_refuses_to_start_without_an_operator_name(tmp_path):
    with pytest.raises(ConfigError, match="OPERATOR_NAME_AR or OPERATOR_NAME_EN is required in production"):
        load_settings(PRODUCTION, tmp_path)
    with pytest.raises(ConfigError, match="OPERATOR_NAME"):
        load_settings({**PRODUCTION, "OPERATOR_NAME_EN": "   "}, tmp_path)
    with pytest.raises(ConfigError, match="OPERATOR_NAME"):
        make_app(tmp_path, APP_ENV="production", OPERATOR_NAME_EN="", OPERATOR_NAME_AR="")


def test_one_language_stands_for_both_and_contact_is_optional(tmp_path):
    found = load_settings({**PRODUCTION, "OPERATOR_NAME_EN": "Gulf  Health Payments"}, tmp_path)
    assert found["OPERATOR_NAME_EN"] == found["OPERATOR_NAME_AR"] == "Gulf Health Payments"
    assert found["OPERATOR_PHONE"] == found["OPERATOR_EMAIL"] == found["OPERATOR_ADDRESS_EN"] == ""
    both = load_settings(
        {
            **PRODUCTION,
            "OPERATOR_NAME_EN": "Gulf Health Payments",
            "OPERATOR_NAME_AR": "مدفوعات الخليج الصحية",
            "OPERATOR_ADDRESS_AR": "الشرق، الكويت",
            "OPERATOR_PHONE": "+965 1800 000",
            "OPERATOR_EMAIL": "help@ghp.example.kw",
        },
        tmp_path,
    )
    assert both["OPERATOR_NAME_AR"] == "مدفوعات الخليج الصحية"
    assert both["OPERATOR_ADDRESS_EN"] == both["OPERATOR_ADDRESS_AR"] == "الشرق، الكويت"


@pytest.mark.parametrize(
    "name, value",
    [
        ("OPERATOR_PHONE", "call us"),
        ("OPERATOR_PHONE", "12"),
        ("OPERATOR_EMAIL", "help"),
        ("OPERATOR_EMAIL", "a@b@c.kw"),
    ],
)
def test_contact_details_are_checked(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({**PRODUCTION, "OPERATOR_NAME_EN": "Gulf Health Payments", name: value}, tmp_path)


# --- the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_operator_pages_are_public_in_both_languages(client, path, lang):
    page = client.get(f"{path}?lang={lang}")
    assert page.status_code == 200
    heading = PAGES[path][0 if lang == "en" else 1]
    assert f"<h1>{heading}</h1>" in page.text and f'<html lang="{lang}"' in page.text
    name = SAMPLE_OPERATOR["OPERATOR_NAME_EN" if lang == "en" else "OPERATOR_NAME_AR"]
    assert name in page.text[page.text.index("<main") :]


@pytest.mark.parametrize("path", PAGES)
def test_operator_pages_are_kept_and_cached_like_the_start_page(client, path):
    first = client.get(path, headers={"Accept-Encoding": "br"})
    assert first.headers["Cache-Control"] == "public, max-age=300" and "ETag" in first.headers
    again = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_about_page_gives_the_contact_details(client):
    page = client.get("/about?lang=en").text
    assert 'href="tel:+96522000000"' in page and '<bdi class="id">+965 2200 0000</bdi>' in page
    assert 'href="mailto:operator@example.com"' in page and "Sample address, Kuwait City" in page
    assert "not the website of a ministry" in page


def test_the_privacy_notice_answers_what_why_who_how_long_and_how_to_ask(client):
    page = client.get("/privacy?lang=en").text
    for heading in ("What we keep", "Why we keep it", "Who sees it", "How long we keep it", "Your rights"):
        assert f"<h2>{heading}</h2>" in page
    assert "last 4 digits of each civil ID" in page  # what the public check shows
    assert "deleted after they expire" in page  # prune-security-records
    assert 'href="/about"' in page


def test_the_refund_policy_is_true_to_the_refund_rules(client):
    page = client.get("/refund-policy?lang=en").text
    assert "never part of it, and never more" in page
    assert "refunded at most once" in page
    assert "Money is not refunded when the data you entered was wrong." in page
    assert "the IBAN of a bank account in Kuwait" in page and "K-Net to the card that paid" in page


# --- every footer ------------------------------------------------------------------------


def html_pages(app, client) -> list[str]:
    """Every GET page without arguments (and the 404 page) that answers HTML."""
    found = []
    with app.test_request_context():
        addresses = []
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "assets.static_file":
                try:
                    addresses.append(url_for(rule.endpoint))
                except BuildError:
                    continue
    for address in [*addresses, "/no-such-page"]:
        response = client.get(address)
        if response.mimetype == "text/html" and "<footer" in response.text:
            found.append((address, response.text))
    return found


@pytest.mark.parametrize(
    "lang, name", [("en", "Sample Operator (development copy)"), ("ar", "جهة تشغيل تجريبية (نسخة للتطوير)")]
)
def test_every_footer_names_the_operator_and_links_its_pages(app, client, lang, name):
    client.get(f"/?lang={lang}")
    pages = html_pages(app, client)
    assert len(pages) > 10
    for address, page in pages:
        footer = footer_of(page)
        assert name in footer, address
        for link in FOOTER_LINKS:
            assert link in footer, (address, link)
    register_and_login(client)
    reference = paid_request(client)
    for address in ("/requests", f"/requests/{reference}", f"/requests/{reference}/receipt", "/account/"):
        footer = footer_of(client.get(address).text)
        assert all(link in footer for link in FOOTER_LINKS), address


def test_the_footer_is_in_fragments_never(client):
    fragment = client.get("/quote?years=1&people-0-category=worker", headers=HX).text
    assert "<footer" not in fragment


@pytest.mark.parametrize(
    "path, setting",
    [
        ("/about", "OPERATOR_ABOUT_URL"),
        ("/privacy", "OPERATOR_PRIVACY_URL"),
        ("/refund-policy", "OPERATOR_REFUND_POLICY_URL"),
    ],
)
def test_an_operator_keeping_a_page_on_its_own_site_gets_every_link_there(tmp_path, path, setting):
    own = "https://ghp.example.kw/" + setting.lower()
    client = make_app(tmp_path, **{setting: own}).test_client()
    answer = client.get(path)
    assert answer.status_code == 302 and answer.headers["Location"] == own
    others = [other for other in PAGES if other != path]
    assert all(client.get(other).status_code == 200 for other in others)
    with pytest.raises(ConfigError, match=setting):
        load_settings(
            {**PRODUCTION, "OPERATOR_NAME_EN": "Gulf Health Payments", setting: "http://ghp.example.kw/page"},
            tmp_path,
        )
    with pytest.raises(ConfigError, match=setting):
        load_settings({"APP_ENV": "development", setting: "ghp.example.kw/page"}, tmp_path)
