"""Forgotten password: civil ID and mobile, a code by SMS, a new password; no hint of who has an account."""

import pytest

import clock
from gateways.sms import SmsBackend, SmsNotSent
from models import OneTimeCode, User
from tests.helpers import (
    HX,
    PASSWORD,
    civil_id_for,
    form_post,
    latest_code,
    login,
    mobile_for,
    register_and_login,
    sms_to,
    use_outbox,
    without_tokens,
)

CIVIL_ID = "288070804106"
MOBILE = "65012345"
E164 = "+96565012345"
NEW_PASSWORD = "another long passphrase"


@pytest.fixture
def account(app):
    use_outbox(app)
    register_and_login(app.test_client(), CIVIL_ID, MOBILE, language="ar")
    return CIVIL_ID


def ask_for_reset(client, civil_id=CIVIL_ID, mobile=MOBILE, **kwargs):
    return form_post(client, "/reset", {"civil_id": civil_id, "mobile": mobile}, **kwargs)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize("lang, heading", [("ar", "إعادة تعيين كلمة المرور"), ("en", "Reset your password")])
def test_reset_page_renders(client, headers, lang, heading):
    response = client.get(f"/reset?lang={lang}", headers=headers)
    assert response.status_code == 200 and heading in response.text
    assert "<html" in response.text


def test_reset_with_the_code_sent_by_sms(app, client, account):
    elsewhere = app.test_client()
    assert login(elsewhere, account).status_code == 302

    response = ask_for_reset(client, "٢٨٨٠٧٠٨٠٤١٠٦", "٦٥٠١٢٣٤٥")
    assert response.headers["Location"] == "/reset/code"
    assert "إعادة تعيين" in sms_to(E164)[-1]  # the account's language
    response = form_post(client, "/reset/code", {"code": latest_code(E164)})
    assert response.headers["Location"] == "/reset/password"
    page = client.get("/reset/password?lang=en")
    assert "Choose a new password" in page.text
    response = form_post(client, "/reset/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/account/"
    assert "Your password has been changed" in client.get("/account/?lang=en").text

    # Other browsers are signed out; only the new password works.
    assert elsewhere.get("/account/").status_code == 302
    assert login(app.test_client(), account, PASSWORD).status_code == 200
    assert login(app.test_client(), account, NEW_PASSWORD).status_code == 302


def test_a_new_password_is_told_to_the_accounts_number(client, account):
    ask_for_reset(client)
    form_post(client, "/reset/code", {"code": latest_code(E164)})
    form_post(client, "/reset/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "تغيّرت كلمة مرور حسابك" in sms_to(E164)[-1]  # in the account's language


def test_a_copy_of_the_verified_cookie_cannot_set_a_second_password(app, client, account):
    ask_for_reset(client)
    assert form_post(client, "/reset/code", {"code": latest_code(E164)}).status_code == 302
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    first = form_post(client, "/reset/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert first.headers["Location"] == "/account/"
    third = "a third long passphrase"
    assert copy.get("/reset/password").headers["Location"] == "/reset"
    second = form_post(copy, "/reset/password", {"password": third, "confirm": third})
    assert second.headers["Location"] == "/reset"
    assert copy.get("/account/").status_code == 302
    assert login(app.test_client(), account, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), account, third).status_code == 200


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_reset_code_page_renders(client, account, headers):
    ask_for_reset(client)
    response = client.get("/reset/code?lang=en", headers=headers)
    assert response.status_code == 200
    assert "If the civil ID and mobile number match an account" in response.text


def test_no_enumeration_through_reset(app, account):
    known, unknown, wrong_mobile = app.test_client(), app.test_client(), app.test_client()
    answers = [
        ask_for_reset(known, CIVIL_ID, MOBILE),
        ask_for_reset(unknown, civil_id_for(5), MOBILE),
        ask_for_reset(wrong_mobile, CIVIL_ID, "65054321"),
    ]
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {(302, "/reset/code")}
    pages = [
        without_tokens(c.get("/reset/code?lang=en").text).replace("6505 4321", "6501 2345")
        for c in (known, unknown, wrong_mobile)
    ]
    assert pages[0] == pages[1] == pages[2]
    wrong_tries = [form_post(c, "/reset/code?lang=en", {"code": "000000"}) for c in (unknown, wrong_mobile)]
    assert without_tokens(wrong_tries[0].text) == without_tokens(wrong_tries[1].text).replace(
        "6505 4321", "6501 2345"
    )
    assert "You have 4 more tries" in wrong_tries[0].text
    # Only the real owner's number got an SMS, once for the registration and once now.
    assert len(sms_to(E164)) == 2 and sms_to("+96565054321") == []


def test_a_decoy_code_never_verifies(app):
    with app.app_context():
        row, code = OneTimeCode.issue(OneTimeCode.RESET, E164, None, b"secret", _now())
        assert row.verify(code, b"secret", _now()).status == "wrong"


def _now():

    return clock.now()


def test_wrong_code_for_reset_leaves_the_password(client, account):
    ask_for_reset(client)
    code = latest_code(E164)
    for _ in range(5):
        form_post(client, "/reset/code", {"code": "000000" if code != "000000" else "111111"})
    response = form_post(client, "/reset/code?lang=en", {"code": code})
    assert "wrong code too many times" in response.text
    assert client.get("/reset/password").headers["Location"] == "/reset"


def test_the_password_step_needs_a_verified_code(client, account, clock):
    assert client.get("/reset/password").headers["Location"] == "/reset"
    ask_for_reset(client)
    assert client.get("/reset/password").headers["Location"] == "/reset"
    form_post(client, "/reset/code", {"code": latest_code(E164)})
    clock.advance(minutes=16)  # too long after the code
    assert client.get("/reset/password").headers["Location"] == "/reset"


def test_reset_is_limited_per_account(client, account):
    for serial in range(5):
        # Different numbers each time, so the per-number cap is not what stops it.
        assert ask_for_reset(client, CIVIL_ID, mobile_for(200 + serial)).status_code == 302
    refused = ask_for_reset(client, CIVIL_ID, MOBILE, query_string={"lang": "en"})
    assert refused.status_code == 429 and "Too many attempts" in refused.text


def test_reset_is_limited_the_same_for_unknown_accounts(client):
    unknown = civil_id_for(9)
    for serial in range(5):
        assert ask_for_reset(client, unknown, mobile_for(300 + serial)).status_code == 302
    assert ask_for_reset(client, unknown, MOBILE).status_code == 429


def test_reset_is_limited_per_address(app, client):
    here = {"REMOTE_ADDR": "198.51.100.7"}
    for serial in range(10):
        response = ask_for_reset(
            client, civil_id_for(400 + serial), mobile_for(400 + serial), environ_base=here
        )
        assert response.status_code == 302
    assert ask_for_reset(client, civil_id_for(499), mobile_for(499), environ_base=here).status_code == 429
    assert (
        ask_for_reset(
            app.test_client(),
            civil_id_for(499),
            mobile_for(499),
            environ_base={"REMOTE_ADDR": "198.51.100.8"},
        ).status_code
        == 302
    )


class Failing(SmsBackend):
    def send(self, to, text):
        raise SmsNotSent("provider down")


def test_a_failed_reset_sms_is_not_revealed(app, client, account):
    app.extensions["sms"].backend = Failing()
    response = ask_for_reset(client)
    assert response.headers["Location"] == "/reset/code"


def test_reset_form_problems(client):
    response = form_post(client, "/reset?lang=en", {"civil_id": "290011500180", "mobile": "22123456"})
    assert response.status_code == 200
    assert "This civil ID number is not right" in response.text
    assert "This is a land line" in response.text
    assert 'value="22123456"' in response.text


def test_resend_for_reset(client, account, clock):
    ask_for_reset(client)
    clock.advance(seconds=61)
    assert form_post(client, "/reset/code/resend").headers["Location"] == "/reset/code"
    assert len([t for t in sms_to(E164)]) == 3
    assert form_post(client, "/reset/code", {"code": latest_code(E164)}).status_code == 302
    assert User.get(User.civil_id == CIVIL_ID).can_log_in
