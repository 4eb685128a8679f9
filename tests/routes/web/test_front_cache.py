"""Public pages asked for without a cookie are answered before Flask, from what Flask
answered the first time (web/page_cache.py, its cookieless door)."""

import json
import logging

import pytest
from flask import request_started

from tests.helpers import HX, make_app

ENCODINGS = {"Accept-Encoding": "br, gzip"}
QUOTE = "/quote?years=2&people-0-category=worker"


@pytest.fixture
def flask_requests(app):
    """How many requests reached Flask."""
    seen = []

    def count(sender, **extra):
        seen.append(1)

    request_started.connect(count, app)
    yield seen
    request_started.disconnect(count, app)


@pytest.fixture
def cookieless(app):
    return app.test_client(use_cookies=False)


@pytest.mark.parametrize("path, headers", [("/", ENCODINGS), ("/fees", {}), (QUOTE, HX)])
def test_a_second_cookieless_visit_is_answered_before_flask_with_the_same_headers(
    cookieless, flask_requests, path, headers
):
    first = cookieless.get(path, headers=headers)
    second = cookieless.get(path, headers=headers)
    assert len(flask_requests) == 1
    assert second.status_code == 200 and second.data == first.data
    for name in (
        "Content-Security-Policy",
        "Cache-Control",
        "Vary",
        "ETag",
        "Content-Type",
        "X-Content-Type-Options",
        "Content-Encoding",
        "Content-Length",
    ):
        assert second.headers.get(name) == first.headers.get(name), name
    assert second.headers["X-Request-Id"] != first.headers["X-Request-Id"]


def test_each_encoding_and_the_fragment_are_answers_of_their_own(cookieless, flask_requests):
    brotli_page = cookieless.get("/fees", headers=ENCODINGS)
    plain = cookieless.get("/fees")
    fragment = cookieless.get("/fees", headers=HX)
    assert plain.headers.get("Content-Encoding") is None and plain.data != brotli_page.data
    assert b"<html" in plain.data and b"<html" not in fragment.data
    assert cookieless.get("/fees", headers=HX).data == fragment.data


def test_a_validator_gets_a_304_before_flask(cookieless, flask_requests):
    tag = cookieless.get("/", headers=ENCODINGS).headers["ETag"]
    again = cookieless.get("/", headers={**ENCODINGS, "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert len(flask_requests) == 1
    changed = cookieless.get("/", headers={**ENCODINGS, "If-None-Match": '"other"'})
    assert changed.status_code == 200 and changed.data


def test_a_visitor_with_a_cookie_always_reaches_flask(app, flask_requests):
    client = app.test_client()
    client.set_cookie("lang", "en")
    for _ in range(2):
        assert client.get("/").status_code == 200
    assert len(flask_requests) == 2


def test_an_answer_that_sets_a_cookie_is_never_repeated(cookieless, flask_requests):
    for _ in range(2):
        page = cookieless.get("/?lang=en")
        assert "lang=en" in page.headers["Set-Cookie"]
    assert len(flask_requests) == 2


def test_only_200s_are_repeated(cookieless, flask_requests):
    for _ in range(2):
        assert cookieless.get("/no-such-page").status_code == 404
    assert len(flask_requests) == 2


def test_personal_and_posted_pages_are_never_repeated(cookieless, flask_requests):
    for _ in range(2):
        cookieless.get("/login")
        cookieless.post("/quote", data={"years": "1"})
    assert len(flask_requests) == 4


def test_another_host_is_not_answered_from_this_hosts_pages(tmp_path):
    client = make_app(tmp_path, APP_ENV="production", SECRET_KEY="p" * 64).test_client(use_cookies=False)
    for _ in range(2):
        assert client.get("/").status_code == 200
        assert client.get("/", base_url="https://elsewhere.example").status_code == 400


def test_an_answer_before_flask_is_logged_masked(cookieless, caplog):
    path = "/quote?years=1&people-0-birth=291030104196"
    cookieless.get(path, headers=HX)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tameen.request"):
        answer = cookieless.get(path, headers={**HX, "X-Request-Id": "proxy-id-12345678"})
    [record] = [r for r in caplog.records if r.name == "tameen.request"]
    assert answer.headers["X-Request-Id"] == "proxy-id-12345678"
    line = json.dumps(record.fields)
    assert "291030104196" not in line and "*********196" in line
    assert record.fields["status"] == 200 and record.fields["request_id"] == "proxy-id-12345678"
    assert record.fields["path"] == "/quote"
