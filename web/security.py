"""Headers every response carries."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(self)",
}


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        # Pages may hold personal data: keep them out of shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    app.after_request(add_security_headers)
    if app.config["APP_ENV"] == "production":
        app.after_request(_strict_transport)


def _strict_transport(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
