"""The site's public address (PUBLIC_URL): every absolute link names it, and requests for
another host are refused.

Without it, url_for(..., _external=True) copies the request's Host header and scheme into
the addresses that leave the app: the notification and return addresses given to the bank,
the receipt's QR code. A forged Host would send the bank, or whoever scans the receipt,
elsewhere. So, with PUBLIC_URL set (production must set it):
- Flask builds absolute links from SERVER_NAME and the scheme set here, in requests and in
  operator commands alike;
- a request whose Host is another answers 400, before any view runs (the health check
  excepted: load balancers ask it by address).
Without PUBLIC_URL (development, tests) any host is answered, as before.
"""

from urllib.parse import urlsplit

from flask import abort, request

# Asked by address, not by name (monitors, load balancers, Prometheus); they build no link.
ANY_HOST = {"pages.healthz", "pages.readyz", "metrics.metrics"}


class PublicScheme:
    """WSGI middleware: the request is seen with the public address's scheme, so links
    built from it carry that scheme even when TLS ends at a proxy in front."""

    def __init__(self, wsgi_app, scheme: str):
        self.wsgi_app = wsgi_app
        self.scheme = scheme

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"] = self.scheme
        return self.wsgi_app(environ, start_response)


def init_app(app) -> None:
    """Call before web/rate_limits.py, whose ProxyFix must stay the outermost layer."""
    public_url = app.config.get("PUBLIC_URL")
    if not public_url:
        return
    parts = urlsplit(public_url)
    host = parts.netloc
    app.config["SERVER_NAME"] = host
    app.config["PREFERRED_URL_SCHEME"] = parts.scheme
    app.wsgi_app = PublicScheme(app.wsgi_app, parts.scheme)

    def refuse_other_hosts():
        if request.host.lower() != host and request.endpoint not in ANY_HOST:
            abort(400)

    app.before_request(refuse_other_hosts)
