"""One htmx idiom: the URL a page asks with htmx is a page itself, whose answer under
HX-Request is the fragment the page includes. Back restores whole pages; errors show in place."""

import gzip
import html
import json
import re

import pytest

from tests.helpers import HX, fill_until_check, form_post, start_request

WORKER_FOR_TWO_YEARS = {"years": "2", "people-0-category": "worker", "people-0-born": ""}
RESTORE = {"HX-History-Restore-Request": "true"}


def htmx_urls(body: str, verb: str) -> list[str]:
    return re.findall(rf'data-hx-{verb}="([^"]+)"', body)


def htmx_config(body: str) -> dict:
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body).group(1)
    return json.loads(html.unescape(meta))


def htmx_swaps(config: dict, status: int) -> bool:
    """What htmx 2 does with an answer: the first responseHandling rule that matches decides."""
    rule = next((r for r in config["responseHandling"] if re.search(r["code"], str(status))), {})
    return rule.get("swap", False)


def test_the_calculator_asks_only_urls_that_are_pages_and_fragments(client):
    page = client.get("/fees", query_string=WORKER_FOR_TWO_YEARS)
    urls = htmx_urls(page.text, "get")
    assert urls == ["/fees", "/quote"]
    for url in urls:
        whole = client.get(url, query_string=WORKER_FOR_TWO_YEARS)
        fragment = client.get(url, query_string=WORKER_FOR_TWO_YEARS, headers=HX)
        assert "<html" in whole.text and "<html" not in fragment.text
        # The page includes the very fragment: one source for that markup. The live quote
        # brings each field's error and the link to start a request out of band, as the
        # page shows them beside their fields.
        for part in re.split(r'(?=<(?:span|p) id="[^"]+" data-hx-swap-oob="true")', fragment.text):
            assert part.strip().replace(' data-hx-swap-oob="true"', "") in whole.text
        for response in (whole, fragment):
            assert {"HX-Request", "HX-History-Restore-Request"} <= set(response.vary)


@pytest.mark.parametrize("step", ["people", "cover"])
def test_request_pages_post_to_their_own_url_for_the_live_quote(client, user, step):
    reference = start_request(client)
    fill_until_check(client, reference)
    path = f"/requests/{reference}/{step}"
    page = client.get(path)
    assert set(htmx_urls(page.text, "post")) == {path}

    quote = form_post(client, path, {"years": "1"}, headers=HX)
    assert quote.status_code == 200
    assert "<html" not in quote.text and 'class="quote"' in quote.text
    assert 'class="quote"' in page.text
    assert len(gzip.compress(quote.data)) <= 1024
    # Without htmx the same POST is the page's own submit, as before.
    assert form_post(client, path, {"years": "1"}).status_code in (200, 302)


@pytest.mark.parametrize("headers", [RESTORE, {**HX, **RESTORE}], ids=["as-configured", "with-hx-request"])
def test_back_restores_the_whole_page(client, headers):
    page = client.get("/quote", query_string=WORKER_FOR_TWO_YEARS)
    assert htmx_config(page.text)["historyRestoreAsHxRequest"] is False
    restored = client.get("/quote", query_string=WORKER_FOR_TWO_YEARS, headers=headers)
    assert restored.status_code == 200
    assert "<html" in restored.text and "<h1>" in restored.text and 'id="calculator"' in restored.text


def test_an_error_under_htmx_shows_in_place(client):
    config = htmx_config(client.get("/fees").text)
    assert not htmx_swaps(config, 204) and htmx_swaps(config, 200)
    client.get("/?lang=en")
    missing = client.get("/no-such-page", headers=HX)
    expired = client.post("/quote", data=WORKER_FOR_TWO_YEARS, headers=HX)
    for response, code, message in (
        (missing, 404, "Page not found"),
        (expired, 400, "This form has expired"),
    ):
        assert response.status_code == code and htmx_swaps(config, code)
        assert "<html" not in response.text and 'role="alert"' in response.text
        assert f"<h2>{message}</h2>" in response.text
        # An error is no address to keep: the calculator pushes its URLs into the history.
        assert response.headers["HX-Push-Url"] == "false"
    whole = client.get("/no-such-page")
    assert "<h1>Page not found</h1>" in whole.text and "HX-Push-Url" not in whole.headers


def test_a_server_error_under_htmx_shows_in_place(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/test/broken", view_func=lambda: 1 / 0)
    response = app.test_client().get("/test/broken?lang=en", headers=HX)
    assert response.status_code == 500
    assert htmx_swaps(htmx_config(app.test_client().get("/fees").text), 500)
    assert "<h2>Sorry, something went wrong on our side</h2>" in response.text
    assert response.headers["HX-Push-Url"] == "false"


def test_htmx_injects_no_style_and_the_stylesheet_has_what_it_would_have(client):
    """htmx's indicator styles come as an inline <style> that the CSP refuses; the config
    turns them off and the stylesheet carries them, with [hidden] winning over any display."""
    assert htmx_config(client.get("/fees").text)["includeIndicatorStyles"] is False
    css = client.get("/static/css/tameen.css").text
    assert ".htmx-indicator { opacity: 0; }" in css and ".htmx-request .htmx-indicator" in css
    assert "[hidden] { display: none !important; }" in css
