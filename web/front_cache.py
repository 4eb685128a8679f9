"""Public pages answered before Flask, for visitors who send no cookie.

A page that web/page_cache.py keeps is the same for everyone who asks for it without a
cookie: nothing that could make it personal (a log-in, a session, the language cookie)
comes with the request. Such a request is answered here, from the kept page and the
headers Flask gave it the first time, without building a request context: the first visit
to the start page and the live quote are most of the site's traffic, and a context, its
hooks and its session are most of their cost.

Only what Flask itself answered is repeated: a 200 it marked public, without a cookie, to
a request without one. The request is logged and numbered as web/request_log.py does.
"""

import time
import uuid

import clock
from web import request_log
from web.page_cache import ENVIRON_KEY, PUBLIC, Pages, unchanged

# Written for each answer, never copied from the first one.
PER_ANSWER = {"content-length", "content-encoding", "etag", "x-request-id", "date", "server"}


class FrontCache:
    """WSGI middleware around Flask's own wsgi_app (inside ProxyFix, so the address logged
    is the client's)."""

    def __init__(self, wsgi_app, size: int | None = None):
        self.wsgi_app = wsgi_app
        self.kept = Pages(size) if size else Pages()

    def __call__(self, environ, start_response):
        key = _key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        found = self.kept.get(key)
        if found is not None:
            return _answer(environ, start_response, *found)
        return self.wsgi_app(environ, self._keeping(key, environ, start_response))

    def _keeping(self, key, environ, start_response):
        def start(status, headers, exc_info=None):
            page = environ.get(ENVIRON_KEY)
            if page is not None and status.startswith("200 ") and _shareable(headers):
                kept = [(name, value) for name, value in headers if name.lower() not in PER_ANSWER]
                self.kept.put(key, (page, kept))
            return start_response(status, headers, exc_info)

        return start


def _key(environ) -> tuple | None:
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_COOKIE" in environ or "HTTP_AUTHORIZATION" in environ:
        return None
    # The language comes from ?lang= alone without a cookie; page or fragment from the
    # htmx headers; fee schedules and ages from the day.
    return (
        environ.get("HTTP_HOST", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_HX_REQUEST"),
        environ.get("HTTP_HX_HISTORY_RESTORE_REQUEST"),
        clock.today_in_kuwait(),
    )


def _shareable(headers) -> bool:
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and names.get("cache-control", "").startswith(PUBLIC)


def _answer(environ, start_response, page, kept_headers):
    started = time.perf_counter()
    body, encoding = page.body_for(environ.get("HTTP_ACCEPT_ENCODING", ""))
    tag = page.tag(encoding)
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    request_id = incoming if request_log.WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex
    headers = [*kept_headers, ("ETag", f'"{tag}"'), (request_log.HEADER, request_id)]
    if encoding:
        headers.append(("Content-Encoding", encoding))
    if unchanged(environ.get("HTTP_IF_NONE_MATCH"), tag):
        status, body = "304 NOT MODIFIED", b""
        headers = [(name, value) for name, value in headers if name.lower() != "content-type"]
    else:
        status = "200 OK"
        headers.append(("Content-Length", str(len(body))))
    start_response(status, headers)
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    request_log.write_line(
        request_id,
        "GET",
        path,
        environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace"),
        int(status[:3]),
        started,
        environ.get("REMOTE_ADDR"),
    )
    return [body]


def init_app(app) -> None:
    """Call before any other middleware is installed: this one sits next to Flask."""
    app.wsgi_app = FrontCache(app.wsgi_app)
