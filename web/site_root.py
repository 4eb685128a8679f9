"""The site is served from the root of its host (PUBLIC_URL has no path).

A WSGI server may take SCRIPT_NAME, the root that every link is built under, from a
request header (gunicorn does, from 127.0.0.1, unless `serve` says otherwise). A client
that chose it would choose where the links of its page point, and a kept page would carry
them to everyone. So the address is always read whole: whatever SCRIPT_NAME arrives is put
back in front of the path, and links are built from the root.
"""


class SiteRoot:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        script_name = environ.get("SCRIPT_NAME")
        if script_name:
            environ["PATH_INFO"] = script_name + environ.get("PATH_INFO", "")
            environ["SCRIPT_NAME"] = ""
        return self.wsgi_app(environ, start_response)


def init_app(app) -> None:
    """Call right after web/page_cache.py: no layer inside this one sees a script root."""
    app.wsgi_app = SiteRoot(app.wsgi_app)
