"""Public pages: built and compressed once per process, validated by browsers.

A page that is the same for every visitor of a language (the start page, the empty
calculator, an error page) is rendered once per language and kept in memory with its
compressed bodies, so the next visitor costs a dictionary look-up. Browsers may keep
public pages for a few minutes and then ask again with the ETag, getting a 304.

Only visitors without a log-in get these: the header of a logged-in page names the
person and carries their CSRF token, so it is personal and stays `no-store`.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app, g, make_response, request, session
from werkzeug.http import parse_etags

import clock
from web.compression import chosen_encoding, compress
from web.htmx import VARY as HTMX_VARY
from web.language import select_locale

MAX_AGE = 300
PUBLIC = f"public, max-age={MAX_AGE}"
# Personal pages are told apart by the cookie, fragments by the htmx headers.
VARY = ("Accept-Encoding", "Cookie", *HTMX_VARY)
VARY_HEADER = ", ".join(VARY)
# Bounds the memory a crawler with odd query strings could make us spend: the least
# recently asked page makes way.
MAX_PAGES = 512
# Where an answer made from a kept page leaves it for web/front_cache.py.
ENVIRON_KEY = "tameen.kept_page"


@dataclass
class Page:
    body: bytes
    status: int
    mimetype: str
    version: str = ""
    encoded: dict = field(default_factory=dict)

    def __post_init__(self):
        self.version = hashlib.sha256(self.body).hexdigest()[:16]

    def tag(self, encoding: str | None) -> str:
        """The entity tag of this page in `encoding`: each encoding is an entity of its own."""
        return f"{self.version}-{encoding or 'identity'}"

    def body_for(self, accept_encoding: str) -> tuple[bytes, str | None]:
        # Compressed once, so even a body that fits in one packet is worth making smaller
        # (web/compression.py's MIN_SIZE weighs the cost of compressing every answer).
        encoding = chosen_encoding(accept_encoding)
        if encoding is None:
            return self.body, None
        if encoding not in self.encoded:
            # Once per process, so the smallest body is worth the extra milliseconds.
            self.encoded[encoding] = compress(self.body, encoding, thorough=True)
        return self.encoded[encoding], encoding


def is_anonymous() -> bool:
    return g.get("user") is None and g.get("staff") is None


def _depends_on_session() -> bool:
    # A CSRF token in the page, or a session written while building it, is this visitor's.
    return session.modified or "csrf_token" in g


class Pages:
    """The kept pages of one app, least recently used first."""

    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key) -> Page | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page: Page) -> None:
        with self.lock:
            self.pages[key] = page
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def unchanged(if_none_match: str | None, tag: str) -> bool:
    """The browser's copy, named in its If-None-Match, is still this entity."""
    return bool(if_none_match) and tag in parse_etags(if_none_match)


def _store() -> Pages:
    return current_app.extensions.setdefault("page_cache", Pages())


def request_key() -> tuple:
    """What a public view's answer depends on: the address with its query (the answers,
    and the language link's target), the language, page or fragment, and the day (fee
    schedules and ages change with it)."""
    return request.path, request.query_string, clock.today_in_kuwait()


def public_page(build, key=None, public: bool = True):
    """The answer `build()` gives, kept under `key` (by default `request_key()`) for
    visitors without a log-in; `public` lets browsers keep it for MAX_AGE."""
    if not is_anonymous():
        return make_response(build())
    key = (
        request.endpoint,
        select_locale(),
        request.headers.get("HX-Request"),
        request.headers.get("HX-History-Restore-Request"),
        key or request_key(),
    )
    page = _store().get(key)
    if page is None:
        response = make_response(build())
        if _depends_on_session() or response.direct_passthrough or response.is_streamed:
            return response
        page = Page(response.get_data(), response.status_code, response.mimetype)
        _store().put(key, page)
    return _answer(page, public)


def _answer(page: Page, public: bool):
    body, encoding = page.body_for(request.headers.get("Accept-Encoding", ""))
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
    if public:
        request.environ[ENVIRON_KEY] = page
    return response
