"""Public pages are built once and cached by browsers with a validator; personal pages
are never cached anywhere."""

import re

import pytest
from flask import template_rendered, url_for
from werkzeug.routing import BuildError

from tests.helpers import HX, paid_request, register_and_login

ENCODINGS = {"Accept-Encoding": "br, gzip"}
QUOTE = {"years": "2", "people-0-category": "worker"}
# The pages every visitor without a log-in sees alike (in their language).
PUBLIC = {
    "pages.start",
    "fees.calculator",
    "fees.quote",
    "pages.about",
    "pages.privacy",
    "pages.refund_policy",
    "guides.categories",
    "guides.payment_handover",
}


@pytest.fixture
def renders(app):
    """The names of the templates rendered, in order."""
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/", ENCODINGS),
        ("/fees", ENCODINGS),
        ("/fees", {}),
        ("/quote?years=2&people-0-category=worker", HX),
        ("/fees?years=2&people-0-category=worker", {}),
    ],
)
def test_public_pages_are_cached_by_browsers_with_a_validator(client, path, headers):
    page = client.get(path, headers=headers)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "public, max-age=300"
    vary = {part.strip() for part in page.headers["Vary"].split(",")}
    assert {"Accept-Encoding", "Cookie", "HX-Request"} <= vary
    etag = page.headers["ETag"]
    again = client.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=300"
    # A page in another encoding is another entity, with a tag of its own.
    other = client.get(path, headers={**headers, "Accept-Encoding": "identity"})
    if page.headers.get("Content-Encoding"):
        assert other.headers["ETag"] != etag


def test_a_public_page_is_built_and_compressed_once_per_language(client, renders):
    first = client.get("/", headers=ENCODINGS)
    second = client.get("/", headers=ENCODINGS)
    assert first.headers["Content-Encoding"] == "br" and first.data == second.data
    assert renders.count("start.html") == 1
    english = client.get("/?lang=en", headers=ENCODINGS)
    assert english.data != first.data and renders.count("start.html") == 2
    client.get("/fees")
    client.get("/fees")
    client.get("/fees", headers=HX)
    assert renders.count("fees.html") == 1 and renders.count("partials/calculator.html") == 1


def test_a_page_and_its_fragment_are_kept_apart(client):
    page = client.get("/fees", query_string=QUOTE)
    fragment = client.get("/fees", query_string=QUOTE, headers=HX)
    assert "<html" in page.text and "<html" not in fragment.text
    assert page.headers["ETag"] != fragment.headers["ETag"]


def test_a_language_link_is_kept_by_no_cache(client):
    # The language cookie must not reach a shared cache, and a browser must ask again for
    # every switch: English, Arabic, then English from its cache would stay Arabic.
    switched = client.get("/?lang=en")
    assert "lang=en" in switched.headers["Set-Cookie"]
    assert switched.headers["Cache-Control"] == "no-store" and "ETag" not in switched.headers
    again = client.get("/?lang=en")
    assert "Set-Cookie" not in again.headers and again.headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "public, max-age=300"


def test_the_start_page_does_not_load_htmx_and_the_calculator_does(client):
    assert "htmx" not in client.get("/").text
    assert "js/htmx-" in client.get("/fees").text


def test_error_pages_are_built_once_but_never_cached(client, renders):
    for _ in range(3):
        missing = client.get("/no-such-page")
        assert missing.status_code == 404
        assert missing.headers["Cache-Control"] == "no-store"
        assert "ETag" not in missing.headers
    assert renders.count("error.html") == 1


def test_a_logged_in_visitor_gets_every_public_page_unkept(client, renders):
    client.get("/")
    register_and_login(client)
    renders.clear()
    for path in ("/", "/fees", "/quote?years=1&people-0-category=worker", "/no-such-page"):
        page = client.get(path)
        assert page.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in page.headers, path
    assert "start.html" in renders  # the log-in shows in the header: built for this person


def get_pages(app, reference: str) -> list[tuple[str, str]]:
    """(endpoint, address) of every GET route, its arguments filled with a sample."""
    samples = {"reference": reference}
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("assets.static_file", "static"):
                continue
            values = {
                arg: samples.get(arg, 1 if rule._converters[arg].regex == r"\d+" else "x")
                for arg in rule.arguments
            }
            try:
                pages.append((rule.endpoint, url_for(rule.endpoint, **values)))
            except BuildError:
                continue
    return pages


def assert_not_stored(client, pages, public=frozenset()):
    checked = []
    for endpoint, address in pages:
        if endpoint in public:
            continue
        response = client.get(address)
        if response.mimetype != "text/html":
            continue
        checked.append(address)
        assert response.headers.get("Cache-Control") == "no-store", (address, response.status_code)
        assert "ETag" not in response.headers, address
    return checked


def test_every_page_of_a_logged_in_applicant_is_no_store(app, client):
    register_and_login(client)
    reference = paid_request(client)
    checked = assert_not_stored(client, get_pages(app, reference))
    assert len(checked) > 20
    assert f"/requests/{reference}/receipt" in checked


def test_every_page_but_the_public_ones_is_no_store_without_a_log_in(app, client):
    checked = assert_not_stored(client, get_pages(app, "TM-NOPE"), public=PUBLIC)
    assert "/login" in checked and "/register" in checked


def test_an_htmx_answer_leaves_the_document_policies_to_its_page(client):
    """They govern documents; a quote is swapped into a page that has them, and must stay
    under 1 KB on the wire."""
    page = client.get("/fees", query_string=QUOTE)
    fragment = client.get("/quote", query_string=QUOTE, headers={**HX, **ENCODINGS})
    assert "Content-Security-Policy" in page.headers and "X-Frame-Options" in page.headers
    assert "Content-Security-Policy" not in fragment.headers
    assert fragment.headers["X-Content-Type-Options"] == "nosniff"
    wire = len(fragment.data) + sum(len(f"{k}: {v}\r\n") for k, v in fragment.headers.items())
    assert fragment.headers["Content-Encoding"] == "br" and wire < 1024 - 100  # status, Date, Server


def test_scripts_and_style_sheets_leave_the_document_policies_to_their_page(client):
    """A first visit loads several of them: the document-only headers are bytes for nothing."""
    page = client.get("/fees")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css)[^"]*)"', page.text)
    assert len(assets) >= 3  # the style sheets, htmx and a script of its own
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200
        assert "Content-Security-Policy" not in answer.headers and "X-Frame-Options" not in answer.headers
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_redirect_is_bare_headers(client):
    """Each answered question redirects to the next: no page nobody sees, no document policies."""
    answer = client.get("/requests")  # not logged in: to the log-in
    assert answer.status_code in (302, 303) and answer.headers["Location"]
    assert answer.data == b"" and "Content-Security-Policy" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"
