"""`serve` trusts only the headers the documented proxy sends: a request cannot choose the
root its page's links are built under."""

import pytest
from gunicorn.config import Config
from gunicorn.http.parser import RequestParser
from gunicorn.http.wsgi import create

from commands import gunicorn_options

LOOPBACK = ("127.0.0.1", 40000)


def environ_for(raw: bytes, options: dict | None) -> dict:
    """The WSGI environ gunicorn makes of `raw`, sent from the proxy's address."""
    config = Config()
    for name, value in (options or {}).items():
        config.set(name, value)
    request = next(RequestParser(config, iter([raw]), LOOPBACK))
    _, environ = create(request, None, LOOPBACK, ("127.0.0.1", 8000), config)
    return environ


@pytest.fixture
def options():
    settings = {"HOST": "127.0.0.1", "PORT": 8000, "SMS_HTTP_TIMEOUT": 10, "SMS_HTTP_RETRIES": 2}
    return {
        name: value
        for name, value in gunicorn_options(settings).items()
        if name not in ("logger_class", "errorlog", "accesslog")
    }


POISONED = b"GET //evil.example/ HTTP/1.1\r\nHost: tameen.example.kw\r\nSCRIPT_NAME: //evil.example\r\n\r\n"


def test_gunicorn_left_to_itself_takes_the_script_root_from_a_header():
    """Why serve says otherwise: the default trusts loopback for SCRIPT_NAME."""
    assert environ_for(POISONED, None)["SCRIPT_NAME"] == "//evil.example"


def test_serve_takes_no_script_root_or_path_from_a_header(options):
    environ = environ_for(POISONED, options)
    assert environ["SCRIPT_NAME"] == "" and environ["PATH_INFO"] == "//evil.example/"
    assert "HTTP_SCRIPT_NAME" not in environ


def test_serve_keeps_the_scheme_nginx_sends(options):
    raw = b"GET / HTTP/1.1\r\nHost: tameen.example.kw\r\nX-Forwarded-Proto: https\r\n\r\n"
    assert environ_for(raw, options)["wsgi.url_scheme"] == "https"
