"""Errors and edges: what a page does with arguments, bodies, hosts and names it did not
expect (issue 15, section 4)."""

import re

import pytest

LANGUAGE_LINK = re.compile(r'<a class="language-switch" href="([^"]*)"')


def language_link(body: str) -> str:
    return LANGUAGE_LINK.search(body).group(1).replace("&amp;", "&")


# --- the language switch builds its link from known arguments only --------------------


@pytest.mark.parametrize(
    "query",
    [
        "_method=POST",
        "_anchor=top",
        "_external=1",
        "_scheme=javascript",
        "_method=POST&_anchor=x&_external=1&years=2",
    ],
)
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


@pytest.mark.parametrize("lang, title", [("en", "What you sent is too large"), ("ar", "ما أرسلته كبير جدًا")])
def test_a_body_over_the_limit_is_refused_with_413_and_its_page(app, caplog, lang, title):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = app.test_client().post(
        f"/login?lang={lang}", data="x" * too_big, content_type="application/x-www-form-urlencoded"
    )
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

    for name, view in (
        ("crash", crash),
        ("internal_error", internal_error),
        ("unavailable", unavailable),
        ("failing_hook", failing_hook),
    ):
        app.add_url_rule(f"/test/{name}", view_func=view)
    return app


@pytest.mark.parametrize(
    "name, status, text",
    [
        ("crash", 500, "the view failed"),
        ("internal_error", 500, "raised as an HTTP error"),
        ("unavailable", 503, "the service is down"),
        ("failing_hook", 500, "an after-request hook failed"),
    ],
)
def test_every_5xx_writes_its_exception_to_the_log_once(failing_app, caplog, name, status, text):
    response = failing_app.test_client().get(f"/test/{name}?lang=en")
    assert response.status_code == status
    assert "Sorry, something went wrong on our side" in response.text and text not in response.text
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert len(errors) == 1, [record.getMessage() for record in errors]
    assert errors[0].exc_info and text in errors[0].exc_text and "Traceback" in errors[0].exc_text
    assert f"/test/{name}" in errors[0].getMessage()


# --- names: no hidden characters, and shown isolated ----------------------------------

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows shows reversed
HIDDEN_MESSAGE = "The name has an invisible character that changes how text is shown"


@pytest.mark.parametrize(
    "field, value",
    [
        ("name_ar", "سارة\u2067 أحمد"),
        ("name_en", f"Sara {OVERRIDE}Ahmed"),
        ("user_name", "Sara\u200b"),
    ],
)
def test_account_details_refuse_names_with_hidden_characters(client, user, field, value):
    # Registration asks one name, with the password (tests/routes/accounts/test_register.py);
    # the others are given on the account page.
    from models import User
    from tests.helpers import REGISTRATION, form_post

    response = form_post(client, "/account/details", {**REGISTRATION, field: value})
    assert response.status_code == 200 and HIDDEN_MESSAGE in response.text
    assert getattr(User.get_by_id(user.id), field) == REGISTRATION[field]


def test_request_pages_refuse_people_and_sponsor_names_with_hidden_characters(client, user):
    from tests.helpers import ADULT, form_post, person, start_request, stored

    reference = start_request(client)
    form_post(client, f"/requests/{reference}/service", {"service_type": "individual"})
    people = form_post(
        client,
        f"/requests/{reference}/people",
        {**person(0, ADULT, f"Ali {OVERRIDE}Hassan"), "action": "continue"},
    )
    assert people.status_code == 200 and HIDDEN_MESSAGE in people.text
    assert not list(stored(reference).covered())
    sponsor = form_post(
        client, f"/requests/{reference}/sponsor", {"sponsor_name": "Sponsor\ufeff", "sponsor_civil_id": ADULT}
    )
    assert sponsor.status_code == 200 and HIDDEN_MESSAGE in sponsor.text
    assert stored(reference).sponsor_name in (None, "")


def test_a_refund_refuses_an_account_holder_with_hidden_characters(client, user):
    from models import Refund
    from tests.helpers import ask_refund, paid_request

    reference = paid_request(client)
    response = ask_refund(client, reference, account_holder=f"سارة {OVERRIDE}أحمد")
    assert response.status_code == 200 and HIDDEN_MESSAGE in response.text
    assert not Refund.select().exists()


def test_create_staff_refuses_a_name_with_hidden_characters(app):
    from models import StaffMember
    from tests.helpers import STAFF_PASSWORD

    result = app.test_cli_runner().invoke(
        args=[
            "create-staff",
            "staffer",
            "--name",
            f"Noura {OVERRIDE}Ali",
            "--civil-id",
            "291030104196",
            "--password-stdin",
        ],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code != 0 and "U+202E" in result.output
    assert not StaffMember.select().exists()


def test_names_and_identifiers_show_isolated_on_check_receipt_and_desk(app, client, user):
    from tests.helpers import (
        ADULT,
        ask_refund,
        fill_until_check,
        make_staff,
        paid_request,
        staff_login,
        start_request,
        stored,
    )

    reference = start_request(client)
    fill_until_check(client, reference)
    check = client.get(f"/requests/{reference}/check").text
    assert "<bdi>Ali</bdi>" in check and "<bdi>Mona</bdi>" in check
    assert "<bdi>Sponsor</bdi>" in check and f'<bdi class="id">{ADULT}</bdi>' in check
    assert '<bdi class="id">A1234567</bdi>' in check

    paid = paid_request(client)
    receipt = client.get(f"/requests/{paid}/receipt").text
    assert "<bdi>Ali</bdi>" in receipt and "<bdi>Sponsor</bdi>" in receipt
    assert f'<bdi class="id">{ADULT}</bdi>' in receipt
    assert ask_refund(client, paid).status_code == 303

    staff = make_staff(app)
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, staff).status_code == 302
    assert "<bdi>Staff reviewer1</bdi>" in desk.get("/desk/").text
    request_page = desk.get(f"/desk/requests/{paid}").text
    assert (
        "<bdi>سارة أحمد</bdi>" in request_page and '<bdi lang="en" dir="ltr">Sara Ahmed</bdi>' in request_page
    )
    assert "<bdi>Sponsor</bdi>" in request_page and "<bdi>Ali</bdi>" in request_page
    refund = stored(paid).refunds.get()
    assert "<bdi>سارة أحمد</bdi>" in desk.get(f"/desk/refunds/{refund.id}").text


# --- absolute links name the public address; other hosts are refused -------------------

PUBLIC_URL = "https://tameen.example.kw"


def production_app(tmp_path, **overrides):
    from flask import url_for

    from tests.helpers import make_app

    app = make_app(tmp_path, APP_ENV="production", SECRET_KEY="p" * 64, PUBLIC_URL=PUBLIC_URL, **overrides)
    app.add_url_rule(
        "/test/receipt-link",
        view_func=lambda: url_for("receipts.verify", code="Zx8_kP2-qL5mN7rT9vW1yA", _external=True),
    )
    return app


def test_production_needs_a_public_address(tmp_path):
    from settings import ConfigError
    from tests.helpers import make_app

    for wrong in (
        "",
        "tameen.example.kw",
        "http://tameen.example.kw",
        "https://tameen.example.kw/app",
        "https://user:secret@tameen.example.kw",
        "https://tameen.example.kw:port",
        "https://tameen.example.kw/?x=1",
    ):
        with pytest.raises(ConfigError, match="PUBLIC_URL"):
            make_app(tmp_path, APP_ENV="production", SECRET_KEY="p" * 64, PUBLIC_URL=wrong)
    app = make_app(
        tmp_path, APP_ENV="production", SECRET_KEY="p" * 64, PUBLIC_URL="https://Tameen.Example.KW:443/"
    )
    assert app.config["PUBLIC_URL"] == PUBLIC_URL


def test_links_that_leave_the_app_name_the_public_address_whatever_the_host_header(tmp_path):
    app = production_app(tmp_path)
    client = app.test_client()
    # TLS ends at the proxy: the request reaches the app as plain http, with the right Host.
    link = client.get("/test/receipt-link", base_url="http://tameen.example.kw")
    assert link.status_code == 200
    assert link.text == f"{PUBLIC_URL}/verify/Zx8_kP2-qL5mN7rT9vW1yA"
    with app.app_context():  # operator commands build them the same way
        from flask import url_for

        assert url_for("payments.notify") == f"{PUBLIC_URL}/payments/notify"


@pytest.mark.parametrize(
    "host", ["attacker.example", "tameen.example.kw.attacker.example", "tameen.example.kw:8443", "127.0.0.1"]
)
def test_production_refuses_requests_for_another_host(tmp_path, caplog, host):
    app = production_app(tmp_path)
    client = app.test_client()
    for path in ("/test/receipt-link", "/?lang=en"):
        response = client.get(path, base_url=f"https://{host}")
        assert response.status_code == 400
        assert "attacker" not in response.text and PUBLIC_URL not in response.text
    assert client.get("/healthz", base_url=f"http://{host}").status_code == 200  # load balancers
    assert client.get("/?lang=en", base_url=PUBLIC_URL).status_code == 200


def test_development_and_tests_answer_any_host(client):
    response = client.get("/?lang=en", base_url="http://192.168.1.20:5000")
    assert response.status_code == 200
