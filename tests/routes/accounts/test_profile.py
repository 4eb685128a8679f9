"""The account page: details, changing them, and a new mobile number confirmed by code."""

import re

import pytest

from models import User
from tests.helpers import (
    ADMIN_CIVIL_ID,
    HX,
    PASSWORD,
    REGISTRATION,
    RefusingSms,
    deliver_sms,
    form_post,
    latest_code,
    make_app,
    make_staff,
    register_and_login,
    sms_to,
    staff_login,
    use_outbox,
)

OLD_MOBILE = "+96550012345"
NEW_MOBILE = "+96599887766"


def ask_for_new_mobile(client, mobile="99887766", password=PASSWORD, **kwargs):
    return form_post(client, "/account/mobile", {"mobile": mobile, "password": password}, **kwargs)


@pytest.fixture
def client(app):
    use_outbox(app)
    client = app.test_client()
    register_and_login(client, "291030104196", "50012345")
    return client


def test_account_pages_need_login(app):
    visitor = app.test_client()
    for path in ("/account/", "/account/details", "/account/mobile", "/account/mobile/code"):
        response = visitor.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=/account/")
    assert form_post(visitor, "/account/details", {"email": "x@example.com"}).status_code == 302


@pytest.mark.parametrize(
    "path, text",
    [
        ("/account/", "Your account"),
        ("/account/details", "Change your details"),
        ("/account/mobile", "Change your mobile number"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_account_pages_render(client, path, text, headers):
    for lang in ("ar", "en"):
        response = client.get(f"{path}?lang={lang}", headers=headers)
        assert response.status_code == 200
        assert "<html" in response.text
    assert text in response.text


def test_account_page_shows_the_details(client):
    body = client.get("/account/?lang=en").text
    for shown in (
        "291030104196",
        "سارة أحمد",
        "Sara Ahmed",
        "sara@example.com",
        "5001 2345",
        "Hawalli",
        "Female",
        "Personal",
        "English",
    ):
        assert shown in body


def test_details_form_starts_filled_in(client):
    body = client.get("/account/details?lang=en").text
    assert 'value="Sara Ahmed"' in body and 'value="sara@example.com"' in body
    assert re.search(r'value="KW-HA"[^>]*checked|checked[^>]*value="KW-HA"', body)
    assert re.search(r'value="personal"[^>]*checked|checked[^>]*value="personal"', body)


def test_change_details(client):
    response = form_post(
        client,
        "/account/details?lang=en",
        {
            "name_ar": "سارة محمد",
            "name_en": "Sara Mohammed",
            "user_name": "Sara M",
            "email": "sara.m@example.com",
            "language": "ar",
            "governorate": "KW-JA",
        },
    )
    assert response.headers["Location"] == "/account/"
    user = User.get()
    assert (user.name_ar, user.name_en, user.user_name, user.email, user.language, user.governorate) == (
        "سارة محمد",
        "Sara Mohammed",
        "Sara M",
        "sara.m@example.com",
        "ar",
        "KW-JA",
    )
    assert user.civil_id == "291030104196" and user.mobile == OLD_MOBILE
    assert "Your details have been saved." in client.get("/account/?lang=en").text


def test_details_problems_keep_what_was_typed(client):
    response = form_post(
        client,
        "/account/details?lang=en",
        {
            "name_ar": "سارة محمد",
            "name_en": "Sara Mohammed",
            "user_name": "Sara M",
            "email": "not an address",
            "language": "ar",
            "governorate": "KW-JA",
        },
    )
    assert response.status_code == 200
    assert "<title>Error: Change your details" in response.text
    assert 'href="#email"' in response.text and 'id="email-error"' in response.text
    assert 'value="Sara Mohammed"' in response.text and 'value="not an address"' in response.text
    assert User.get().name_en == "Sara Ahmed"


# --- details registration did not ask for ---------------------------------


@pytest.fixture
def newcomer(app):
    """An account as registration leaves it: civil ID, mobile, one name and a password."""
    use_outbox(app)
    visitor = app.test_client()
    form_post(visitor, "/register?lang=en", {"civil_id": "279040907388", "mobile": "60012345"})
    form_post(visitor, "/register/code", {"code": latest_code("+96560012345")})
    done = form_post(
        visitor, "/register/password", {"full_name": "مريم خالد", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert done.status_code == 302
    return visitor


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize(
    "lang, not_given, complete",
    [("en", "Not given", "Complete your profile"), ("ar", "لم يُذكر", "أكمل بياناتك")],
)
def test_the_account_page_copes_with_missing_details(newcomer, headers, lang, not_given, complete):
    body = newcomer.get(f"/account/?lang={lang}", headers=headers).text
    assert "None" not in body
    assert "مريم خالد" in body and "279040907388" in body
    assert body.count(not_given) == 6  # the English name, user name, e-mail, governorate, gender, kind
    assert complete in body and 'href="/account/details"' in body


def test_the_desk_shows_an_account_with_one_name_without_none(app, newcomer, clock):
    admin = make_staff(app, login="admin1", civil_id=ADMIN_CIVIL_ID, role="admin")
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, admin).status_code == 302
    page = desk.get("/desk/claims?civil_id=279040907388").text
    assert "مريم خالد" in page and "None" not in page


def test_a_complete_profile_is_not_asked_to_be_completed(client):
    assert "Complete your profile" not in client.get("/account/?lang=en").text


def test_the_details_form_makes_everything_but_one_name_optional(newcomer):
    page = newcomer.get("/account/details?lang=en").text
    assert "None" not in page and 'value="مريم خالد"' in page
    for name in ("gender", "account_kind", "governorate", "language"):
        assert f'<fieldset id="{name}"' in page
    response = form_post(
        newcomer,
        "/account/details",
        {"name_ar": "مريم خالد", "name_en": "", "user_name": "", "email": " ", "language": "ar"},
    )
    assert response.headers["Location"] == "/account/"
    user = User.get()
    assert (
        user.name_ar,
        user.name_en,
        user.user_name,
        user.email,
        user.gender,
        user.governorate,
        user.account_kind,
    ) == ("مريم خالد", None, None, None, None, None, None)

    response = form_post(
        newcomer,
        "/account/details",
        {
            "name_ar": "مريم خالد",
            "name_en": "Mariam Khalid",
            "user_name": "Mariam",
            "email": "mariam@example.com",
            "language": "en",
            "gender": "female",
            "governorate": "KW-FA",
            "account_kind": "company",
        },
    )
    assert response.headers["Location"] == "/account/"
    user = User.get()
    assert (
        user.name_en,
        user.user_name,
        user.email,
        user.language,
        user.gender,
        user.governorate,
        user.account_kind,
    ) == ("Mariam Khalid", "Mariam", "mariam@example.com", "en", "female", "KW-FA", "company")
    assert "Complete your profile" not in newcomer.get("/account/?lang=en").text


@pytest.mark.parametrize("lang, field", [("en", "name_en"), ("ar", "name_ar")])
def test_one_name_is_still_needed(newcomer, lang, field):
    response = form_post(
        newcomer, f"/account/details?lang={lang}", {"name_ar": "", "name_en": "", "language": "ar"}
    )
    assert response.status_code == 200
    assert f'href="#{field}"' in response.text and f'id="{field}-error"' in response.text
    assert User.get().name_ar == "مريم خالد"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-address", "Enter an e-mail address like name@example.com"),
        ("name_ar", "Sara", "Write your name in Arabic letters"),
        ("name_en", "سارة", "Write your name in English letters"),
        ("user_name", "S", "A user name has 2 to 40 characters"),
        ("governorate", "KW-XX", "Choose the governorate you live in"),
        ("account_kind", "bank", "Choose the kind of account"),
        ("gender", "other", "Choose your gender"),
    ],
)
def test_optional_details_are_still_checked_when_given(newcomer, field, value, message):
    data = {"name_ar": "مريم خالد", "language": "ar", field: value}
    response = form_post(newcomer, "/account/details?lang=en", data)
    assert response.status_code == 200
    assert message in response.text and f'href="#{field}"' in response.text


def test_change_mobile_with_a_code_sent_to_the_new_number(client):
    response = ask_for_new_mobile(client, "٩٩٨٨ ٧٧٦٦")
    assert response.headers["Location"] == "/account/mobile/code"
    assert len(sms_to(NEW_MOBILE)) == 1 and len(sms_to(OLD_MOBILE)) == 1  # the registration's
    assert "mobile number" in sms_to(NEW_MOBILE)[0]
    assert User.get().mobile == OLD_MOBILE  # not until the code is typed

    page = client.get("/account/mobile/code?lang=en")
    assert "We have sent a code by SMS to \u20669988 7766\u2069." in page.text
    wrong = form_post(client, "/account/mobile/code?lang=en", {"code": "12345x"})
    assert "The code has 6 digits" in wrong.text
    response = form_post(client, "/account/mobile/code", {"code": latest_code(NEW_MOBILE)})
    assert response.headers["Location"] == "/account/"
    assert User.get().mobile == NEW_MOBILE
    assert "Your mobile number is now \u20669988 7766\u2069." in client.get("/account/?lang=en").text
    # The old number hears of it: whoever changed it might not be its owner.
    told = sms_to(OLD_MOBILE)[-1]
    assert "has been changed to 9988 7766" in told and "reset your password" in told
    assert len(sms_to(NEW_MOBILE)) == 1


def test_changing_the_mobile_needs_the_current_password(client):
    missing = ask_for_new_mobile(client, password="", query_string={"lang": "en"})
    assert missing.status_code == 200 and "Enter your password" in missing.text
    wrong = ask_for_new_mobile(client, password="not my password", query_string={"lang": "en"})
    assert wrong.status_code == 200 and "The password is not right" in wrong.text
    assert 'href="#password"' in wrong.text and 'value="99887766"' in wrong.text
    assert sms_to(NEW_MOBILE) == [] and User.get().mobile == OLD_MOBILE
    assert client.get("/account/mobile/code").headers["Location"] == "/account/mobile"
    # Guessing is limited: five wrong passwords, then a pause.
    for _ in range(4):
        ask_for_new_mobile(client, password="not my password")
    assert ask_for_new_mobile(client).status_code == 429


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_mobile_code_page_renders(client, headers):
    ask_for_new_mobile(client)
    response = client.get("/account/mobile/code?lang=en", headers=headers)
    assert response.status_code == 200 and "Check your new phone" in response.text


@pytest.mark.parametrize(
    "mobile, message",
    [
        ("50012345", "This is already the mobile number on your account"),
        ("22123456", "This is a land line"),
        ("", "Enter your mobile number"),
    ],
)
def test_mobile_problems(client, mobile, message):
    response = ask_for_new_mobile(client, mobile, query_string={"lang": "en"})
    assert response.status_code == 200
    assert message in response.text and 'id="mobile-error"' in response.text
    assert len(sms_to(OLD_MOBILE)) == 1


def test_mobile_resend_waits_then_sends(client, clock):
    ask_for_new_mobile(client)
    response = form_post(client, "/account/mobile/code/resend?lang=en")
    assert "You can ask for a new code in 60 seconds." in response.text
    clock.advance(seconds=60)
    assert form_post(client, "/account/mobile/code/resend").headers["Location"] == "/account/mobile/code"
    assert len(sms_to(NEW_MOBILE)) == 2


def test_another_persons_code_is_not_yours(app, client):
    ask_for_new_mobile(client)
    other = app.test_client()
    register_and_login(other, "279040907388", "60011111")
    with client.session_transaction() as mine:
        pending = dict(mine["code"])
    with other.session_transaction() as theirs:
        theirs["code"] = pending
    assert other.get("/account/mobile/code").headers["Location"] == "/account/mobile"


FAILED_EN = "We could not send the SMS with your code. Check the number, then send a new code."
FAILED_AR = "لم نتمكن من إرسال الرسالة النصية التي تحمل رمزك. تحقق من الرقم، ثم اطلب رمزًا جديدًا."


def test_a_failed_sms_shows_on_the_code_page_with_a_button_to_send_again(app, client):
    deliver_sms(app)  # the registration's
    app.extensions["sms"].backend = RefusingSms()
    response = ask_for_new_mobile(client)
    assert response.headers["Location"] == "/account/mobile/code"  # at once, whatever the provider does
    assert FAILED_EN not in client.get("/account/mobile/code?lang=en").text
    assert deliver_sms(app)["failed"] == 1
    page = client.get("/account/mobile/code?lang=en").text
    assert FAILED_EN in page and 'id="resend"' in page and 'aria-describedby="resend-error"' in page
    assert FAILED_AR in client.get("/account/mobile/code?lang=ar").text
    assert FAILED_EN in client.get("/account/mobile/code?lang=en", headers=HX).text
    # Sending again needs no minute's wait after a failure; the new code is not failed.
    use_outbox(app)
    again = form_post(client, "/account/mobile/code/resend?lang=en", {})
    assert again.headers["Location"] == "/account/mobile/code"
    assert FAILED_EN not in client.get("/account/mobile/code?lang=en").text
    assert deliver_sms(app)["sent"] == 1
    assert User.get().mobile == OLD_MOBILE


def test_a_failed_sms_at_registration_shows_on_its_code_page(app):
    visitor = app.test_client()
    app.extensions["sms"].backend = RefusingSms()
    response = form_post(
        visitor, "/register?lang=en", {**REGISTRATION, "civil_id": "288070804106", "mobile": "60012345"}
    )
    assert response.headers["Location"] == "/register/code"
    deliver_sms(app)
    assert FAILED_EN in visitor.get("/register/code?lang=en").text


# --- the development outbox ----------------------------------------------


def test_outbox_lists_messages_in_development(tmp_path):
    app = make_app(tmp_path, APP_ENV="development", SMS_BACKEND="outbox")
    visitor = app.test_client()
    register_and_login(visitor, "291030104196", "50012345")
    page = visitor.get("/dev/outbox?lang=en")
    assert page.status_code == 200
    # Registered on an Arabic page: the SMS is in Arabic, its last line the WebOTP form
    # naming the host the request came to (no PUBLIC_URL in development).
    assert "5001 2345" in page.text and "رمزك" in page.text
    assert re.search(r"@localhost #[0-9]{6}</td>", page.text)
    assert visitor.get("/dev/outbox", headers=HX).status_code == 200


@pytest.mark.parametrize("env", ["testing", "production"])
def test_outbox_does_not_exist_elsewhere(tmp_path, env):
    app = make_app(tmp_path, APP_ENV=env, SECRET_KEY="p" * 64)
    assert app.test_client().get("/dev/outbox").status_code == 404
