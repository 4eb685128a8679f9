"""Public pages: built and compressed once per process, validated by browsers.

A page that is the same for every visitor of a language (the start page, the calculator
and its quotes, an error page) is rendered once and kept in memory with its compressed
bodies, so the next visitor costs a look-up. Browsers may keep public pages for a few
minutes and then ask again with the ETag, getting a 304.

One cache, two doors:
- `public_page()`, in the views, for every visitor without a log-in: the header of a
  logged-in page names the person and carries their CSRF token, so it stays `no-store`.
- `PageCache`, the WSGI layer next to Flask, for a GET without a cookie: nothing that
  could make the page personal comes with it, so once Flask has answered such a request
  with a public 200 and no cookie, the same page and headers are given before Flask,
  without a request context, its hooks or its session (most of the cost of the first
  visit to the start page and of the live quote, most of the site's traffic).

Both find a page by its address key: everything that shapes it (host, script root, path,
query, language, page or fragment, the day). The table is bounded by count and by bytes
(PAGE_CACHE_BYTES); pages asked with a query (as many as there are answers) are
compressed at a cheap level, the few without one at the smallest size.
"""

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from flask import current_app, g, make_response, request, session
from werkzeug.http import parse_etags

import clock
from web import metrics, request_log
from web.bounded_table import BoundedTable
from web.compression import chosen_encoding, compress
from web.htmx import VARY as HTMX_VARY
from web.language import DEFAULT_LANGUAGE, LANGUAGES, select_locale

MAX_AGE = 300
PUBLIC = f"public, max-age={MAX_AGE}"
# Personal pages are told apart by the cookie, fragments by the htmx headers.
VARY = ("Accept-Encoding", "Cookie", *HTMX_VARY)
VARY_HEADER = ", ".join(VARY)
MAX_PAGES = 512
# What a kept page costs beyond its bodies and its key: the objects around them and the
# headers of its answer (bench/cache_memory.py measures it).
OVERHEAD = 2048
# Written for each answer, never copied from the first one.
PER_ANSWER = {"content-length", "content-encoding", "etag", "x-request-id", "date", "server"}


@dataclass
class Page:
    body: bytes
    status: int
    mimetype: str
    # Compressed to the smallest size (once per process), or cheaply (once per answer).
    thorough: bool = True
    version: str = ""
    encoded: dict = field(default_factory=dict)
    # The headers Flask gave it for a request without a cookie: set once such an answer
    # was public, and then given before Flask.
    shared_headers: list | None = None

    def __post_init__(self):
        self.version = hashlib.sha256(self.body).hexdigest()[:16]

    def tag(self, encoding: str | None) -> str:
        """The entity tag of this page in `encoding`: each encoding is an entity of its own."""
        return f"{self.version}-{encoding or 'identity'}"


class Pages:
    """The kept pages of one app, least recently used first, within a byte budget."""

    def __init__(self, max_bytes: int, max_pages: int = MAX_PAGES):
        self.table = BoundedTable(max_pages, max_bytes)

    def get(self, key) -> Page | None:
        return self.table.get(key)

    def put(self, key, page: Page) -> None:
        self.table.put(key, page, len(page.body) + _key_bytes(key) + OVERHEAD)

    def body_for(self, key, page: Page, accept_encoding: str) -> tuple[bytes, str | None]:
        # Compressed once, so even a body that fits in one packet is worth making smaller
        # (web/compression.py's MIN_SIZE weighs the cost of compressing every answer).
        encoding = chosen_encoding(accept_encoding)
        if encoding is None:
            return page.body, None
        body = page.encoded.get(encoding)
        if body is None:
            body = page.encoded[encoding] = compress(page.body, encoding, thorough=page.thorough)
            self.table.grew(key, page, len(body))
        return body, encoding


def _key_bytes(key: tuple) -> int:
    return sum(len(part) for part in key if isinstance(part, (str, bytes)))


def address_key(environ, locale: str) -> tuple:
    """What a public page depends on: the address with its query (the answers, and the
    language link's target), the language, page or fragment, and the day (fee schedules
    and ages change with it)."""
    return (
        locale,
        environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_HX_REQUEST"),
        environ.get("HTTP_HX_HISTORY_RESTORE_REQUEST"),
        clock.today_in_kuwait(),
    )


def is_anonymous() -> bool:
    return g.get("user") is None and g.get("staff") is None


def _depends_on_session() -> bool:
    # A CSRF token in the page, or a session written while building it, is this visitor's.
    return session.modified or "csrf_token" in g


def unchanged(if_none_match: str | None, tag: str) -> bool:
    """The browser's copy, named in its If-None-Match, is still this entity."""
    return bool(if_none_match) and tag in parse_etags(if_none_match)


def public_page(build, key=None, public: bool = True):
    """The answer `build()` gives, kept under its address key (or under `key`, for a page
    that is the same at every address) for visitors without a log-in; `public` lets
    browsers keep it for MAX_AGE."""
    if not is_anonymous():
        return make_response(build())
    pages: Pages = current_app.extensions["page_cache"]
    locale = select_locale()
    if key is None:
        key = address_key(request.environ, locale)
    else:
        key = ("view", locale, *(request.headers.get(name) for name in HTMX_VARY), *key)
    page = pages.get(key)
    if page is None:
        response = make_response(build())
        if _depends_on_session() or response.direct_passthrough or response.is_streamed:
            return response
        page = Page(
            response.get_data(), response.status_code, response.mimetype, thorough=not request.query_string
        )
        pages.put(key, page)
    return _answer(pages, key, page, public)


def _answer(pages: Pages, key, page: Page, public: bool):
    body, encoding = pages.body_for(key, page, request.headers.get("Accept-Encoding", ""))
    # Headers are written whole rather than through werkzeug's parsing properties: this
    # is the path every cached page takes, and they showed in the profile.
    headers = {"Vary": VARY_HEADER}
    if encoding:
        headers["Content-Encoding"] = encoding
    if public and page.status == 200:
        tag = page.tag(encoding)
        headers["Cache-Control"] = PUBLIC
        headers["ETag"] = f'"{tag}"'
        if unchanged(request.headers.get("If-None-Match"), tag):
            return current_app.response_class(status=304, headers=headers)
    response = current_app.response_class(body, status=page.status, headers=headers, mimetype=page.mimetype)
    response.encoded_once = True
    return response


class PageCache:
    """WSGI middleware around Flask's own wsgi_app (inside ProxyFix, so the address logged
    is the client's): the door for requests without a cookie."""

    def __init__(self, wsgi_app, pages: Pages):
        self.wsgi_app = wsgi_app
        self.pages = pages

    def __call__(self, environ, start_response):
        personal = "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ
        if personal or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        key = address_key(environ, _cookieless_locale(environ))
        page = self.pages.get(key)
        if page is not None and page.shared_headers is not None:
            return self._answer(environ, start_response, key, page)
        return self.wsgi_app(environ, self._noting(key, start_response))

    def _noting(self, key, start_response):
        """Flask's answer, if it is the kept page given publicly, shares its headers."""

        def start(status, headers, exc_info=None):
            if status.startswith("200 "):
                _share(self.pages.get(key), headers)
            return start_response(status, headers, exc_info)

        return start

    def _answer(self, environ, start_response, key, page: Page):
        started = time.perf_counter()
        body, encoding = self.pages.body_for(key, page, environ.get("HTTP_ACCEPT_ENCODING", ""))
        tag = page.tag(encoding)
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if request_log.WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex
        headers = [*page.shared_headers, ("ETag", f'"{tag}"'), (request_log.HEADER, request_id)]
        if encoding:
            headers.append(("Content-Encoding", encoding))
        if unchanged(environ.get("HTTP_IF_NONE_MATCH"), tag):
            status, body = "304 NOT MODIFIED", b""
            headers = [(name, value) for name, value in headers if name.lower() != "content-type"]
        else:
            status = "200 OK"
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        metrics.observe("page_cache", "GET", int(status[:3]), time.perf_counter() - started)
        request_log.write_line(
            request_id,
            "GET",
            environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace"),
            environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace"),
            int(status[:3]),
            started,
            environ.get("REMOTE_ADDR"),
        )
        return [body]


def _cookieless_locale(environ) -> str:
    """web/language.py's choice for a request without the language cookie: ?lang= alone."""
    query = environ.get("QUERY_STRING", "")
    if "lang" in query:
        asked = [value for name, value in parse_qsl(query, keep_blank_values=True) if name == "lang"]
        if asked and asked[0] in LANGUAGES:
            return asked[0]
    return DEFAULT_LANGUAGE


def _share(page: Page | None, headers) -> None:
    if page is None or page.shared_headers is not None:
        return
    names = {name.lower(): value for name, value in headers}
    if "set-cookie" in names or not names.get("cache-control", "").startswith(PUBLIC):
        return
    # The answer came from this very page (and not one built again since): same entity.
    if names.get("etag") != f'"{page.tag(names.get("content-encoding"))}"':
        return
    page.shared_headers = [(name, value) for name, value in headers if name.lower() not in PER_ANSWER]


def init_app(app) -> None:
    """Call before any other middleware is installed: the cookieless door sits next to Flask."""
    pages = app.extensions["page_cache"] = Pages(app.config["PAGE_CACHE_BYTES"])
    app.wsgi_app = PageCache(app.wsgi_app, pages)
