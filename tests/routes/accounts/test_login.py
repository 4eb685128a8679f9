"""Logging in and out, the limits on guessing, and answers that do not tell who has an account."""

import pytest
from argon2 import PasswordHasher

from models import RateLimit, User
from settings import ConfigError
from tests.helpers import (
    HX,
    PASSWORD,
    civil_id_for,
    form_post,
    latest_code,
    login,
    make_app,
    mobile_for,
    register,
    register_and_login,
    sms_to,
    use_outbox,
    without_tokens,
)

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
    # Without a `next`, to the person's requests: what they come to do.
    assert response.headers["Location"] == "/requests"
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


@pytest.mark.parametrize(
    "target, landing",
    [
        ("/account/details", "/account/details"),
        ("/account/?tab=1", "/account/?tab=1"),
        ("https://evil.example/", "/requests"),
        ("//evil.example/", "/requests"),
        ("/\\evil.example/", "/requests"),
        ("javascript:alert(1)", "/requests"),
    ],
)
def test_login_returns_only_to_local_pages(client, account, target, landing):
    response = form_post(
        client, "/login", {"civil_id": account, "password": PASSWORD}, query_string={"next": target}
    )
    assert response.headers["Location"] == landing


def test_a_protected_page_sends_to_login_and_back(client, account):
    response = client.get("/account/details")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account/details"
    response = form_post(client, "/login?next=/account/details", {"civil_id": account, "password": PASSWORD})
    assert response.headers["Location"] == "/account/details"


def test_the_login_code_step_goes_on_to_next_or_my_requests(app, client, account, clock):
    fail(account, app=app)
    assert (
        form_post(client, "/login?next=/requests/new", {"civil_id": account, "password": PASSWORD}).headers[
            "Location"
        ]
        == "/login/code"
    )
    response = form_post(client, "/login/code", {"code": latest_code(E164)})
    assert response.headers["Location"] == "/requests/new"
    form_post(client, "/logout")
    fail(account, app=app)
    login(client, account)
    clock.advance(seconds=61)
    response = form_post(client, "/login/code", {"code": latest_code(E164)})
    assert response.headers["Location"] == "/requests"


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_login_page_links_to_register_keeping_next(client, headers):
    body = client.get("/login?lang=en&next=/requests/new", headers=headers).text
    assert 'href="/register?next=/requests/new"' in body
    assert 'action="/login?next=/requests/new"' in body
    assert 'href="/register"' in client.get("/login?lang=en").text
    # An address elsewhere is never carried on.
    elsewhere = client.get("/login?lang=en&next=//evil.example/").text
    assert 'href="/register"' in elsewhere and 'action="/login"' in elsewhere


@pytest.mark.parametrize("page", ["/login", "/register"])
def test_a_signed_in_visitor_with_next_goes_straight_there(client, account, page):
    login(client, account)
    response = client.get(f"{page}?next=/requests/new")
    assert response.status_code == 302 and response.headers["Location"] == "/requests/new"
    # An unsafe `next` is ignored: the page itself.
    assert client.get(f"{page}?next=https://evil.example/").status_code == 200


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


# --- limits: never a lock, a code instead -------------------------------------

E164 = "+96590012345"  # the account's mobile


def fail(civil_id, times=5, app=None, client=None, address="203.0.113.9"):
    """Wrong passwords for `civil_id`, as a stranger would type them from their own address."""
    for _ in range(times):
        response = login(
            client or app.test_client(), civil_id, "wrong guess", environ_base={"REMOTE_ADDR": address}
        )
        # A refusal, or past the first five, the (decoy) code step.
        assert response.status_code == 200 or response.headers["Location"] == "/login/code"


def test_failures_by_strangers_never_lock_the_owner_out(app, client, account, clock):
    for serial in range(6):  # thirty failures, from six addresses
        fail(account, app=app, address=f"203.0.113.{serial}")
    response = form_post(client, "/login?next=/account/details", {"civil_id": account, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/account/").status_code == 302  # not logged in yet
    page = client.get("/login/code?lang=en")
    assert page.status_code == 200 and "we have sent a code by SMS" in page.text
    assert "9001 2345" not in page.text  # the page never shows whose number it is
    assert "your code to log in" in sms_to(E164)[-1]
    response = form_post(client, "/login/code", {"code": latest_code(E164)})
    assert response.headers["Location"] == "/account/details"
    assert client.get("/account/").status_code == 200
    # A success clears the account's count: the next log-in needs no code.
    form_post(client, "/logout")
    assert login(client, account).headers["Location"] == "/requests"


def test_past_the_failures_a_wrong_password_gets_the_same_code_page_and_no_sms(app, account, clock):
    unknown = civil_id_for(42)
    fail(account, app=app)
    fail(unknown, app=app)
    right, wrong, stranger = app.test_client(), app.test_client(), app.test_client()
    sent_before = len(sms_to(E164))
    answers = [
        login(right, account),
        login(wrong, account, "another guess"),
        login(stranger, unknown, "another guess"),
    ]
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {(302, "/login/code")}
    pages = [without_tokens(c.get("/login/code?lang=en").text) for c in (right, wrong, stranger)]
    assert pages[0] == pages[1] == pages[2]
    assert len(sms_to(E164)) == sent_before + 1  # only the right password sent a code
    # The decoys never log anyone in, whatever is typed.
    for guessing in (wrong, stranger):
        for guess in ("000000", "123456"):
            response = form_post(guessing, "/login/code?lang=en", {"code": guess})
            assert response.status_code == 200 and "The code is not right" in response.text
        assert guessing.get("/account/").status_code == 302


def test_a_login_code_is_useless_once_the_password_changes(app, client, account, clock):
    fail(account, app=app)
    login(client, account)
    code = latest_code(E164)
    user = User.get(User.civil_id == account)
    user.set_password("a brand new passphrase", app.extensions["password_hasher"])
    user.save()
    response = form_post(client, "/login/code", {"code": code})
    assert response.headers["Location"] == "/login"
    assert client.get("/account/").status_code == 302


def test_a_new_login_code_can_be_asked_for(app, client, account, clock):
    fail(account, app=app)
    login(client, account)
    clock.advance(seconds=61)
    assert form_post(client, "/login/code/resend").headers["Location"] == "/login/code"
    assert form_post(client, "/login/code", {"code": latest_code(E164)}).status_code == 302
    assert client.get("/account/").status_code == 200


def test_unknown_civil_ids_get_the_code_step_the_same_way(app, client):
    unknown = civil_id_for(77)
    fail(unknown, client=client)
    response = login(client, unknown, "wrong guess")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"


def test_success_clears_the_account_count(client, account):
    for _ in range(4):
        login(client, account, "wrong guess")
    assert login(client, account).status_code == 302
    form_post(client, "/logout")
    for _ in range(4):
        assert login(client, account, "wrong guess").status_code == 200
    assert login(client, account).headers["Location"] == "/requests"


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
    assert login(second, account).headers["Location"] == "/login/code"
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


# --- how long a log-in lasts ---------------------------------------------------


def test_a_session_ends_after_thirty_idle_minutes(client, account, clock):
    login(client, account)
    for _ in range(3):  # each request starts the idle time again
        clock.advance(minutes=29)
        assert client.get("/account/").status_code == 200
    copied = client.get_cookie("session").value
    clock.advance(minutes=30)
    assert client.get("/account/").status_code == 302
    # The limit is the server's: a copy of the cookie has ended too.
    client.set_cookie("session", copied)
    assert client.get("/account/").status_code == 302


def test_a_session_ends_after_twelve_hours_however_busy(client, account, clock):
    login(client, account)
    for _ in range(24):
        clock.advance(minutes=29)
        assert client.get("/account/").status_code == 200
    clock.advance(minutes=25)  # 12 hours and a minute after logging in
    assert client.get("/account/").status_code == 302
    assert login(client, account).status_code == 302
    assert client.get("/account/").status_code == 200


def test_session_limits_are_settings(tmp_path, clock):
    app = make_app(tmp_path, APPLICANT_SESSION_IDLE_MINUTES="5", APPLICANT_SESSION_MAX_HOURS="1")
    use_outbox(app)
    client = app.test_client()
    register_and_login(client, CIVIL_ID, "90012345")
    clock.advance(minutes=4)
    assert client.get("/account/").status_code == 200
    clock.advance(minutes=5, seconds=1)
    assert client.get("/account/").status_code == 302
    for name, value in (
        ("APPLICANT_SESSION_IDLE_MINUTES", "0"),
        ("STAFF_SESSION_MAX_HOURS", "x"),
        ("STAFF_SESSION_IDLE_MINUTES", "1441"),
    ):
        with pytest.raises(ConfigError, match=name):
            make_app(tmp_path, **{name: value})
