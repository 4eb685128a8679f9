"""The foundation: languages, headers, CSRF, error pages, health check, start-up checks."""

import re

import pytest
from flask import abort
from peewee import SqliteDatabase

import models
from settings import ConfigError
from tests.helpers import HX, form_post, make_app, requires_sqlite


def html_tag(body: str) -> str:
    return re.search(r"<html[^>]*>", body).group(0)


def test_start_page_is_arabic_and_right_to_left_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "ادفع" in response.text


def test_lang_parameter_switches_to_english_and_the_cookie_keeps_it(client):
    response = client.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in response.text
    assert "lang=en" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    again = client.get("/")
    assert '<html lang="en" dir="ltr">' in again.text
    back = client.get("/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in back.text
    assert '<html lang="ar" dir="rtl">' in client.get("/").text


def test_unknown_language_is_ignored(client):
    response = client.get("/?lang=fr")
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "Set-Cookie" not in response.headers


def test_every_page_links_to_the_other_language_without_javascript(client):
    assert 'href="/?lang=en"' in client.get("/").text
    assert 'href="/?lang=ar"' in client.get("/?lang=en").text


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    # Scripts, styles and connections: only from here, by default-src (no directive of
    # their own that could widen it).
    assert "script-src" not in csp and "style-src" not in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client):
    for path in ("/", "/?lang=en", "/missing"):
        body = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
        assert " style=" not in body and "<style" not in body
        assert not re.search(r"\son[a-z]+=", body)


def test_no_page_references_another_host(client):
    for path in ("/", "/?lang=en", "/missing"):
        body = client.get(path).text
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', body):
            assert url.startswith(("/", "#", "data:")) and not url.startswith("//"), url


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_requires_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        make_app(tmp_path, APP_ENV="production", SECRET_KEY="")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        make_app(tmp_path, APP_ENV="production", SECRET_KEY="too-short")


def test_production_sets_secure_cookies(tmp_path):
    app = make_app(tmp_path, APP_ENV="production", SECRET_KEY="p" * 64)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/?lang=en")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_development_keeps_one_generated_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = make_app(tmp_path, APP_ENV="development", SECRET_KEY="")
    second = make_app(tmp_path, APP_ENV="development", SECRET_KEY="")
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key


def test_unknown_app_env_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="APP_ENV"):
        make_app(tmp_path, APP_ENV="staging")


def test_unknown_fee_schedule_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="FEE_SCHEDULE"):
        make_app(tmp_path, FEE_SCHEDULE="no-such-schedule")


@requires_sqlite
def test_database_is_created_with_wal_and_foreign_keys(app, tmp_path):
    assert (tmp_path / "test.sqlite3").exists()
    with models.db.connection_context():
        assert models.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert models.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert models.db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1


def test_healthz_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "up"}


def test_healthz_down_when_the_database_cannot_be_reached(client, tmp_path):
    working = models.db.obj
    models.db.initialize(SqliteDatabase(str(tmp_path / "missing-dir" / "x.sqlite3")))
    try:
        response = client.get("/healthz")
    finally:
        models.db.initialize(working)
    assert response.status_code == 503
    assert response.json["database"] == "down"


def test_init_db_command(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "Database ready" in result.output


# --- error pages ---------------------------------------------------------


@pytest.fixture
def failing_app(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def forbidden():
        abort(403)

    def limited():
        from werkzeug.exceptions import TooManyRequests

        error = TooManyRequests()
        error.retry_after = 120
        raise error

    def broken():
        raise RuntimeError("secret traceback detail")

    def accept_post():
        return "posted"

    app.add_url_rule("/test/forbidden", view_func=forbidden)
    app.add_url_rule("/test/limited", view_func=limited)
    app.add_url_rule("/test/broken", view_func=broken)
    app.add_url_rule("/test/post", view_func=accept_post, methods=["POST"])
    return app


ERRORS = {
    400: ("/test/post", "post", "This form has expired", "انتهت صلاحية هذا النموذج"),
    403: ("/test/forbidden", "get", "You cannot open this page", "لا يمكنك فتح هذه الصفحة"),
    404: ("/no-such-page", "get", "Page not found", "الصفحة غير موجودة"),
    405: ("/healthz", "post", "That action is not allowed here", "هذا الإجراء غير مسموح به هنا"),
    429: ("/test/limited", "get", "Too many attempts", "محاولات كثيرة جدًا"),
    500: ("/test/broken", "get", "Sorry, something went wrong on our side", "عذرًا، حدث خطأ من جهتنا"),
}


@pytest.mark.parametrize("code", sorted(ERRORS))
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_error_pages_in_both_languages(failing_app, code, lang):
    path, method, english, arabic = ERRORS[code]
    client = failing_app.test_client()
    response = getattr(client, method)(f"{path}?lang={lang}")
    assert response.status_code == code
    assert (arabic if lang == "ar" else english) in response.text
    assert f'<html lang="{lang}"' in response.text
    assert "Traceback" not in response.text and "secret traceback detail" not in response.text


def test_too_many_requests_says_when_to_retry(failing_app):
    response = failing_app.test_client().get("/test/limited?lang=en")
    assert response.headers["Retry-After"] == "120"
    assert "Try again in 2 minutes." in response.text


def test_error_for_htmx_is_a_fragment(client):
    response = client.get("/no-such-page", headers=HX)
    assert response.status_code == 404
    assert "<html" not in response.text and "error-page" in response.text


def test_csrf_token_required_on_post(failing_app):
    client = failing_app.test_client()
    assert client.post("/test/post", data={"x": "1"}).status_code == 400
    assert client.post("/test/post", data={"csrf_token": "forged"}).status_code == 400
    assert form_post(client, "/test/post", {"x": "1"}).status_code == 200


# --- static files --------------------------------------------------------


def asset_urls(body: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', body)


def test_static_files_are_compressed_and_cached_for_a_year(client):
    urls = asset_urls(client.get("/fees").text)  # the calculator loads htmx too
    assert any("htmx-2.0.11.min.js" in url for url in urls)
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=31536000" in response.headers["Cache-Control"]


def test_static_file_without_compression_and_unknown_file(client):
    url = asset_urls(client.get("/").text)[0]
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nope.css").status_code == 404


def test_first_visit_to_the_start_page_fits_the_budget(client):
    """Page plus every asset it loads, as transferred with compression: at most 60 KB."""
    accept = {"Accept-Encoding": "br, gzip"}
    page = client.get("/", headers=accept)
    assert page.headers["Content-Encoding"] == "br"
    total = len(page.data)
    for url in asset_urls(client.get("/").text):
        total += len(client.get(url, headers=accept).data)
    assert total <= 60 * 1024, total
