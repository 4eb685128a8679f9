"""Errors and edges: what a page does with arguments, bodies, hosts and names it did not
expect (issue 15, section 4)."""
import re

import pytest

LANGUAGE_LINK = re.compile(r'<a class="language-switch" href="([^"]*)"')


def language_link(body: str) -> str:
    return LANGUAGE_LINK.search(body).group(1).replace("&amp;", "&")


# --- the language switch builds its link from known arguments only --------------------

@pytest.mark.parametrize("query", ["_method=POST", "_anchor=top", "_external=1", "_scheme=javascript",
                                   "_method=POST&_anchor=x&_external=1&years=2"])
def test_url_for_keywords_in_the_query_are_not_obeyed(client, caplog, query):
    response = client.get(f"/fees?lang=en&{query}")
    assert response.status_code == 200
    link = language_link(response.text)
    assert link.startswith("/fees?") and "#" not in link and "_" not in link, link
    assert link.endswith("lang=ar")
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_the_language_link_keeps_the_page_and_its_ordinary_query(client):
    response = client.get("/fees?years=3&lang=en&years=4")
    assert language_link(response.text) == "/fees?years=3&years=4&lang=ar"


def test_a_page_with_an_address_argument_links_to_itself(client):
    code = "x" * 20
    response = client.get(f"/verify/{code}?lang=en&_anchor=x")
    assert response.status_code == 404
    assert language_link(response.text) == f"/verify/{code}?lang=ar"
    found = client.get("/no-such-page?_method=POST&_external=1")
    assert found.status_code == 404 and language_link(found.text) == "/?lang=ar"  # English is remembered


# --- a body over the limit, and every 5xx in the log -----------------------------------

@pytest.mark.parametrize("lang, title", [("en", "What you sent is too large"),
                                         ("ar", "ما أرسلته كبير جدًا")])
def test_a_body_over_the_limit_is_refused_with_413_and_its_page(app, caplog, lang, title):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = app.test_client().post(f"/login?lang={lang}", data="x" * too_big,
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert title in response.text and f'<html lang="{lang}"' in response.text
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


@pytest.fixture
def failing_app(app):
    from flask import abort, g
    from werkzeug.exceptions import InternalServerError

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def crash():
        raise RuntimeError("the view failed")

    def internal_error():
        raise InternalServerError("raised as an HTTP error")

    def unavailable():
        abort(503, "the service is down")

    def failing_hook():
        g.fail_in_hook = True
        return "fine until the hooks"

    @app.after_request
    def hook(response):
        if g.get("fail_in_hook"):
            raise RuntimeError("an after-request hook failed")
        return response

    for name, view in (("crash", crash), ("internal_error", internal_error),
                       ("unavailable", unavailable), ("failing_hook", failing_hook)):
        app.add_url_rule(f"/test/{name}", view_func=view)
    return app


@pytest.mark.parametrize("name, status, text", [
    ("crash", 500, "the view failed"),
    ("internal_error", 500, "raised as an HTTP error"),
    ("unavailable", 503, "the service is down"),
    ("failing_hook", 500, "an after-request hook failed"),
])
def test_every_5xx_writes_its_exception_to_the_log_once(failing_app, caplog, name, status, text):
    response = failing_app.test_client().get(f"/test/{name}?lang=en")
    assert response.status_code == status
    assert "Sorry, something went wrong on our side" in response.text and text not in response.text
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert len(errors) == 1, [record.getMessage() for record in errors]
    assert errors[0].exc_info and text in errors[0].exc_text and "Traceback" in errors[0].exc_text
    assert f"/test/{name}" in errors[0].getMessage()
