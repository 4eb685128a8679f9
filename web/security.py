"""Headers every response carries."""

import re
from urllib.parse import urlsplit

from flask import request, session

from web.htmx import is_htmx

_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    """The policy; `form_targets` are the other origins a form may lead to."""
    return "; ".join(
        [
            # Scripts, styles and connections fall back to default-src: the same 'self'.
            "default-src 'self'",
            "img-src 'self' data:",
            "font-src 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            " ".join(["form-action 'self'", *form_targets]),
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(self)",
}


DOCUMENT_ONLY = {
    "Content-Security-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
}


REDIRECTS = {301, 302, 303, 307, 308}
NOT_DOCUMENTS = {"text/css", "text/javascript", "application/javascript"}


def fragment_headers_of(headers: dict) -> dict:
    return {name: value for name, value in headers.items() if name not in DOCUMENT_ONLY}


def payment_gateway_origin(config) -> str | None:
    """The origin of the bank's payment page, when the gateway is one outside the app.

    The Pay button is a form posted to the app, which answers with a redirect to the
    bank; Chromium holds that redirect to the form page's form-action, so the bank's
    origin must be in it or the browser never reaches the bank."""
    if config.get("PAYMENT_GATEWAY") != "knet":
        return None
    parts = urlsplit(config.get("KNET_GATEWAY_URL") or "")
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return origin if _ORIGIN.fullmatch(origin) else None


def init_app(app) -> None:
    bank = payment_gateway_origin(app.config)
    headers = {**HEADERS, "Content-Security-Policy": content_security_policy((bank,) if bank else ())}

    html_headers = {**headers, "Cache-Control": "no-store"}
    # An htmx answer is swapped into a page that has the document's policies (CSP, framing,
    # opener, permissions), which govern documents only; they would be most of the bytes
    # of a quote on slow mobile data.
    fragment_headers = fragment_headers_of(html_headers)
    # Scripts and style sheets are not documents either: the same bytes saved on each of a
    # first visit's assets (an SVG can be opened as a document, so it keeps them).
    # Nor is a referrer policy needed: they ask for nothing elsewhere.
    asset_headers = {
        name: value for name, value in fragment_headers_of(headers).items() if name != "Referrer-Policy"
    }
    lowered = {name.lower() for name in html_headers}

    def add_security_headers(response):
        # One pass over the headers, not a search per name: every answer comes here.
        present = {name.lower() for name, _ in response.headers.items()} & lowered
        # Pages may hold personal data: keep them out of any cache, unless the view
        # declared the page public (web/page_cache.py).
        if response.mimetype in NOT_DOCUMENTS:
            wanted = asset_headers
        elif response.status_code in REDIRECTS and "Location" in response.headers:
            # Followed, never shown: no document's policies, and no "Redirecting..." page
            # (each step of a form answers so, on slow mobile data).
            wanted = fragment_headers
            response.set_data(b"")
        elif response.mimetype != "text/html":
            wanted = headers
        else:
            wanted = fragment_headers if is_htmx() else html_headers
        for name, value in wanted.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        if present and "cache-control" in present and _public_but_switches(response):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("ETag", None)
        return response

    app.after_request(add_security_headers)
    if app.config["APP_ENV"] == "production":
        app.after_request(_strict_transport)


def _public_but_switches(response) -> bool:
    """A public page that sets a cookie (the language chosen, a session written), or that
    a language link asked for, is kept by no cache: a shared one would hand the cookie to
    everyone, and a browser that showed its kept copy would not send the request that
    switches the language (English, Arabic, then English again within minutes would stay
    Arabic)."""
    return response.headers["Cache-Control"].startswith("public") and (
        "lang" in request.args or session.modified or "Set-Cookie" in response.headers
    )


def _strict_transport(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
