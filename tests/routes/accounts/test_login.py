"""Logging in and out, the limits on guessing, and answers that do not tell who has an account."""
import pytest
from argon2 import PasswordHasher

from models import RateLimit, User
from tests.helpers import (HX, PASSWORD, civil_id_for, form_post, login, make_app, mobile_for,
                           register, register_and_login, use_outbox, without_tokens)

CIVIL_ID = "279040907388"


@pytest.fixture
def account(app):
    """A registered account, logged out; returns its civil ID."""
    use_outbox(app)
    setup = app.test_client()
    register_and_login(setup, CIVIL_ID, "90012345")
    return CIVIL_ID


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize("lang, heading", [("ar", "تسجيل الدخول"), ("en", "Log in")])
def test_login_page_renders(client, headers, lang, heading):
    response = client.get(f"/login?lang={lang}", headers=headers)
    assert response.status_code == 200
    assert heading in response.text
    assert 'autocomplete="current-password"' in response.text
    assert "<html" in response.text


def test_login_with_civil_id_and_password(client, account):
    response = login(client, "٢٧٩٠٤٠٩٠٧٣٨٨")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    page = client.get("/account/?lang=en")
    assert page.status_code == 200 and "Log out" in page.text


def test_login_starts_a_new_session(client, account):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["sid"] = "known-to-an-attacker"
    login(client, account)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["sid"] != "known-to-an-attacker" and len(session["sid"]) >= 20
        first_sid = session["sid"]
    form_post(client, "/logout")
    login(client, account)
    with client.session_transaction() as session:
        assert session["sid"] != first_sid


@pytest.mark.parametrize("target, landing", [
    ("/account/details", "/account/details"),
    ("/account/?tab=1", "/account/?tab=1"),
    ("https://evil.example/", "/account/"),
    ("//evil.example/", "/account/"),
    ("/\\evil.example/", "/account/"),
    ("javascript:alert(1)", "/account/"),
])
def test_login_returns_only_to_local_pages(client, account, target, landing):
    response = form_post(client, "/login", {"civil_id": account, "password": PASSWORD},
                         query_string={"next": target})
    assert response.headers["Location"] == landing


def test_a_protected_page_sends_to_login_and_back(client, account):
    response = client.get("/account/details")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account/details"
    response = form_post(client, "/login?next=/account/details",
                         {"civil_id": account, "password": PASSWORD})
    assert response.headers["Location"] == "/account/details"


def test_wrong_password_and_unknown_civil_id_get_the_same_answer(client, account):
    wrong_password = login(client, account, "not the password", query_string={"lang": "en"})
    unknown = login(client, civil_id_for(42), "not the password", query_string={"lang": "en"})
    assert wrong_password.status_code == unknown.status_code == 200
    assert "The civil ID number or the password is not right" in wrong_password.text
    assert "<title>Error: Log in" in wrong_password.text
    same_form = without_tokens(unknown.text).replace(civil_id_for(42), account)
    assert without_tokens(wrong_password.text) == same_form


class CountingHasher(PasswordHasher):
    def __init__(self):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=8)
        self.verifications = 0

    def verify(self, hash, password):
        self.verifications += 1
        return super().verify(hash, password)


def test_unknown_civil_ids_cost_an_argon2_check_too(app, client, account):
    hasher = CountingHasher()
    app.extensions["password_hasher"] = hasher
    login(client, account, "not the password")
    login(client, civil_id_for(42), "not the password")
    # An account that never chose a password is checked the same way.
    register(app.test_client(), civil_id_for(43), mobile_for(43))
    login(client, civil_id_for(43), "not the password")
    assert hasher.verifications == 3


def test_an_unfinished_registration_cannot_log_in(app, client):
    register(app.test_client(), CIVIL_ID, "90012345")
    response = login(client, CIVIL_ID, "", query_string={"lang": "en"})
    assert "Enter your password" in response.text
    response = login(client, CIVIL_ID, "anything at all", query_string={"lang": "en"})
    assert "The civil ID number or the password is not right" in response.text


def test_login_form_problems_keep_the_civil_id(client):
    response = form_post(client, "/login?lang=en", {"civil_id": "290011500180", "password": "x"})
    assert "This civil ID number is not right" in response.text
    assert 'value="290011500180"' in response.text
    assert 'type="password"' in response.text and 'value="x"' not in response.text


def test_login_needs_the_csrf_token(client, account):
    response = client.post("/login", data={"civil_id": account, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account/").status_code == 302


# --- limits ----------------------------------------------------------------

def test_an_account_is_limited_after_five_failures(app, client, account, clock):
    for _ in range(5):
        assert login(client, account, "wrong guess").status_code == 200
    refused = login(client, account, PASSWORD, query_string={"lang": "en"})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert refused.headers["Retry-After"] == "900"
    assert "Try again in 15 minutes." in refused.text
    # From another address too: the limit belongs to the account.
    elsewhere = app.test_client()
    assert login(elsewhere, account, PASSWORD,
                 environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 429
    clock.advance(minutes=15)
    assert login(client, account).status_code == 302


def test_unknown_civil_ids_are_limited_the_same_way(client):
    unknown = civil_id_for(77)
    for _ in range(5):
        assert login(client, unknown, "wrong guess").status_code == 200
    assert login(client, unknown, "wrong guess").status_code == 429


def test_success_clears_the_account_count(client, account):
    for _ in range(4):
        login(client, account, "wrong guess")
    assert login(client, account).status_code == 302
    form_post(client, "/logout")
    for _ in range(4):
        assert login(client, account, "wrong guess").status_code == 200


def test_an_address_is_limited_after_twenty_failures(app, client, account):
    here = {"REMOTE_ADDR": "192.0.2.10"}
    for serial in range(20):
        assert login(client, civil_id_for(1000 + serial), "guess", environ_base=here).status_code == 200
    assert login(client, account, PASSWORD, environ_base=here).status_code == 429
    # Another address is not affected.
    other = app.test_client()
    assert login(other, account, environ_base={"REMOTE_ADDR": "192.0.2.11"}).status_code == 302


def test_counters_are_in_the_database_and_shared_between_processes(tmp_path, account, app):
    # A second app on the same database stands in for another server process.
    first = app.test_client()
    for _ in range(3):
        login(first, account, "wrong guess")
    second_app = make_app(tmp_path)
    second = second_app.test_client()
    for _ in range(2):
        login(second, account, "wrong guess")
    assert login(second, account).status_code == 429
    keys = [row.key for row in RateLimit.select()]
    assert keys and not any(account in key or "127.0.0.1" in key for key in keys)


# --- logout ----------------------------------------------------------------

def test_logout_only_by_post(client, account):
    login(client, account)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/account/").status_code == 200
    response = form_post(client, "/logout", query_string={"lang": "en"})
    assert response.headers["Location"] == "/login"
    assert "You have logged out." in client.get("/login?lang=en").text
    assert client.get("/account/").status_code == 302


def test_a_copied_session_cookie_is_useless_after_logout(client, account):
    login(client, account)
    copied = client.get_cookie("session").value
    form_post(client, "/logout")
    client.set_cookie("session", copied)
    assert client.get("/account/").status_code == 302


def test_nav_shows_login_or_logout(client, account):
    assert 'href="/login"' in client.get("/?lang=en").text
    login(client, account)
    body = client.get("/?lang=en").text
    assert 'action="/logout"' in body and 'method="post"' in body
    assert 'href="/account/"' in body


def test_start_page_sets_no_session_for_visitors(client):
    response = client.get("/")
    assert "session=" not in response.headers.get("Set-Cookie", "")
    assert User.select().count() == 0
