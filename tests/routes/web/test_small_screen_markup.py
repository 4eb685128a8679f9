"""What a 360 px phone needs from the shared layout (tests/browser/test_small_screen.py
measures it): a header short enough for one line and a sandbox strip of one line."""

import pytest

from tests.helpers import register_and_login


@pytest.mark.parametrize(
    "lang, strip",
    [
        ("ar", "بيئة تجريبية: دفع للاختبار بلا أموال حقيقية."),
        ("en", "Sandbox: test payments, no real money."),
    ],
)
def test_the_sandbox_strip_is_one_short_sentence(client, lang, strip):
    page = client.get(f"/?lang={lang}").text
    assert '<aside class="banner-sandbox" aria-label' in page and f"<p>{strip}</p>" in page


@pytest.mark.parametrize(
    "lang, words",
    [
        ("ar", ["طلباتي", "حسابي", "تسجيل الخروج", "English"]),
        ("en", ["My requests", "Account", "Log out", "العربية"]),
    ],
)
def test_the_signed_in_header_uses_short_words(client, lang, words):
    register_and_login(client)
    page = client.get(f"/requests?lang={lang}").text
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    for word in words:
        assert f">{word}<" in nav
