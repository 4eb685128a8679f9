"""Creating an account: the form, the SMS code, choosing a password."""

import re

import pytest

from models import OneTimeCode, SmsMessage, User
from tests.helpers import (
    HX,
    PASSWORD,
    REGISTRATION,
    RefusingSms,
    civil_id_for,
    deliver_sms,
    form_post,
    latest_code,
    make_app,
    register,
    register_and_login,
    sms_to,
    use_outbox,
    without_tokens,
)

CIVIL_ID = "291030104196"
MOBILE = "50012345"
E164 = "+96550012345"


def field_value(body: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', body)
    return match.group(1) if match else None


# --- the form --------------------------------------------------------------


@pytest.mark.parametrize("lang, heading", [("ar", "إنشاء حساب"), ("en", "Create an account")])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_register_page_renders(client, lang, heading, headers):
    response = client.get(f"/register?lang={lang}", headers=headers)
    assert response.status_code == 200
    assert heading in response.text
    assert "<html" in response.text
    # Only what paying needs: the rest is asked on the account page, later.
    for name in ("civil_id", "mobile"):
        assert f'<label for="{name}">' in response.text
    assert response.text.count("<label") == 2 and "<fieldset" not in response.text
    for name in ("name_ar", "name_en", "user_name", "email", "gender", "language"):
        assert f'name="{name}"' not in response.text


def test_arabic_indic_digits_are_accepted(client):
    response = register(client, "٢٩١٠٣٠١٠٤١٩٦", "٥٠٠١ ٢٣٤٥")
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/code"
    user = User.get(User.civil_id == CIVIL_ID)
    assert user.mobile == E164
    assert user.password_hash is None and user.mobile_verified_at is None
    assert re.search(r"\b[0-9]{6}\b", sms_to(E164)[0])


def test_persian_digits_too(client):
    assert register(client, "۲۹۱۰۳۰۱۰۴۱۹۶", "۵۰۰۱۲۳۴۵").status_code == 302
    assert User.get(User.civil_id == CIVIL_ID).mobile == E164


@pytest.mark.parametrize("language, words", [("ar", "رمزك"), ("en", "your code")])
def test_the_code_comes_in_the_language_of_the_page(client, language, words):
    use_outbox(client.application)
    form_post(client, f"/register?lang={language}", {"civil_id": CIVIL_ID, "mobile": MOBILE})
    assert words in sms_to(E164)[0]
    assert User.get().language == language


def test_the_code_sms_ends_with_the_webotp_line(client):
    register(client, CIVIL_ID, MOBILE)
    code = latest_code(E164)
    # No PUBLIC_URL in the tests: the host the request came to.
    assert sms_to(E164)[0].splitlines()[-1] == f"@localhost #{code}"


def test_the_webotp_line_names_the_public_host(tmp_path):
    app = make_app(tmp_path, PUBLIC_URL="https://tameen.example.kw")
    client = app.test_client()
    use_outbox(app)
    # Over https, Flask-WTF wants the form's own page as the referrer.
    response = form_post(
        client,
        "/register",
        {"civil_id": CIVIL_ID, "mobile": MOBILE},
        headers={"Referer": "https://tameen.example.kw/register"},
    )
    assert response.status_code == 302
    assert sms_to(E164)[0].splitlines()[-1] == f"@tameen.example.kw #{latest_code(E164)}"


def test_the_code_is_stored_hashed(client):
    register(client, CIVIL_ID, MOBILE)
    code = latest_code(E164)
    row = OneTimeCode.get()
    assert code not in row.code_hash
    assert row.expires_at - row.created_at == OneTimeCode.LIFETIME


CIVIL_ID_PROBLEMS = [
    ("290011500180", "This civil ID number is not right: check it against your card"),  # check digit
    ("291133104196", "does not hold a possible date of birth"),  # 13th month
    ("290230100000", "does not hold a possible date of birth"),  # 30 February
    ("191030104196", "A civil ID number starts with 2 or 3"),
    ("2910301041", "12 digits"),
    ("", "Enter your civil ID number"),
]


@pytest.mark.parametrize("civil_id, message", CIVIL_ID_PROBLEMS)
def test_civil_id_problems_keep_every_answer(client, civil_id, message):
    use_outbox(client.application)
    response = form_post(
        client, "/register?lang=en", {**REGISTRATION, "civil_id": civil_id, "mobile": "٥٠٠١٢٣٤٥"}
    )
    body = response.text
    assert response.status_code == 200
    assert "<title>Error: Create an account" in body
    summary = body[body.index('class="error-summary"') : body.index("</ul>")]
    assert message in summary and 'href="#civil_id"' in summary
    beside = body[body.index('id="civil_id-error"') :]
    assert message in beside[: beside.index("</span>\n")]
    assert 'aria-describedby="civil_id-hint civil_id-error"' in body
    assert field_value(body, "mobile") == "50012345"
    assert field_value(body, "civil_id") == civil_id
    assert User.select().count() == 0 and SmsMessage.select().count() == 0


@pytest.mark.parametrize(
    "mobile, message",
    [
        ("22123456", "This is a land line"),
        ("+966501234567", "Enter a Kuwaiti mobile number"),
        ("1234", "Enter a Kuwaiti mobile number, like 5001 2345"),
        ("", "Enter your mobile number"),
    ],
)
def test_mobile_problems(client, mobile, message):
    response = form_post(
        client, "/register?lang=en", {**REGISTRATION, "civil_id": CIVIL_ID, "mobile": mobile}
    )
    assert response.status_code == 200
    assert message in response.text
    assert 'id="mobile-error"' in response.text
    assert field_value(response.text, "civil_id") == CIVIL_ID
    assert User.select().count() == 0


def test_the_details_asked_later_are_not_taken_at_registration(client):
    register(client, CIVIL_ID, MOBILE, email="not-an-address", gender="other")
    user = User.get()
    assert (
        user.name_ar,
        user.name_en,
        user.user_name,
        user.email,
        user.gender,
        user.governorate,
        user.account_kind,
    ) == (None,) * 7


def test_registration_needs_the_csrf_token(client):
    data = {**REGISTRATION, "civil_id": CIVIL_ID, "mobile": MOBILE}
    assert client.post("/register", data=data).status_code == 400
    assert client.post("/register", data={**data, "csrf_token": "forged"}).status_code == 400
    assert User.select().count() == 0 and SmsMessage.select().count() == 0


# --- a civil ID that already has an account ---------------------------------


def test_a_taken_civil_id_gets_the_same_page_and_an_sms_to_the_number_typed(app, client):
    owner = register_and_login(client, CIVIL_ID, MOBILE, language="ar")
    stranger, newcomer = app.test_client(), app.test_client()
    stranger_mobile, newcomer_mobile = "60012345", "60054321"

    to_stranger = form_post(stranger, "/register?lang=en", {"civil_id": CIVIL_ID, "mobile": stranger_mobile})
    to_newcomer = form_post(
        newcomer, "/register?lang=en", {"civil_id": civil_id_for(7), "mobile": newcomer_mobile}
    )
    assert to_stranger.status_code == to_newcomer.status_code == 302
    assert to_stranger.headers["Location"] == to_newcomer.headers["Location"] == "/register/code"

    def page(c, mobile):
        body = c.get("/register/code?lang=en").text
        return without_tokens(body).replace(mobile[:4] + " " + mobile[4:], "MOBILE")

    assert page(stranger, stranger_mobile) == page(newcomer, newcomer_mobile)

    # Each number typed gets one SMS: a code, or the news that the civil ID is taken and
    # how to claim it, in the language of the page. The account's number hears nothing.
    assert len(sms_to("+965" + newcomer_mobile)) == 1
    [taken] = sms_to("+965" + stranger_mobile)
    assert "already has an account" in taken and "civil ID card" in taken
    assert not re.search(r"\b[0-9]{6}\b", taken)
    assert len(sms_to(owner.mobile)) == 1  # its own registration code only
    owner = User.get_by_id(owner.id)
    assert owner.name_en == "Sara Ahmed" and owner.mobile == "+96550012345"

    # Whatever the stranger types, the decoy code never lets them through.
    for guess in ("000000", "123456", "999999"):
        response = form_post(stranger, "/register/code?lang=en", {"code": guess})
        assert response.status_code == 200 and "The code is not right" in response.text


def test_the_news_of_a_taken_civil_id_comes_in_the_language_of_the_page(app, client):
    register_and_login(client, CIVIL_ID, MOBILE, language="en")
    form_post(app.test_client(), "/register?lang=ar", {"civil_id": CIVIL_ID, "mobile": "60012345"})
    [taken] = sms_to("+96560012345")
    assert "بطاقتك المدنية" in taken


def test_a_failed_sms_is_reported_the_same_for_a_taken_civil_id(app, client):
    register_and_login(client, CIVIL_ID, MOBILE)
    deliver_sms(app)
    app.extensions["sms"].backend = RefusingSms()
    visitors = [app.test_client(), app.test_client()]
    for visitor, civil_id in zip(visitors, (CIVIL_ID, civil_id_for(7)), strict=True):
        form = {**REGISTRATION, "civil_id": civil_id, "mobile": "60012345"}
        assert form_post(visitor, "/register?lang=en", form).headers["Location"] == "/register/code"
    assert deliver_sms(app)["failed"] == 2
    answers = [visitor.get("/register/code?lang=en") for visitor in visitors]
    assert all("We could not send the SMS with your code" in a.text for a in answers)
    assert without_tokens(answers[0].text) == without_tokens(answers[1].text)


def test_an_unfinished_registration_is_taken_over(app, client):
    register(client, CIVIL_ID, MOBILE)
    first_code = latest_code(E164)
    other = app.test_client()
    register(other, CIVIL_ID, "60012345")
    # The first attempt's code no longer verifies anything.
    response = form_post(client, "/register/code?lang=en", {"code": first_code})
    assert "This code has expired" in response.text
    assert form_post(other, "/register/code", {"code": latest_code("+96560012345")}).status_code == 302
    assert User.get(User.civil_id == CIVIL_ID).mobile == "+96560012345"


@pytest.mark.parametrize("taken", [True, False], ids=["taken", "new"])
def test_registering_one_civil_id_is_limited_per_day_whoever_types_it(app, client, clock, taken):
    """Each try tells the number typed whether the civil ID has an account: a few a day
    per civil ID, from any number, taken or not (so the refusal tells nothing)."""
    if taken:
        register_and_login(client, CIVIL_ID, MOBILE)
    use_outbox(app)
    answers = []
    for n in range(6):
        clock.advance(hours=2)  # past the hourly limits per number and per address
        stranger = app.test_client()
        answer = form_post(stranger, "/register?lang=en", {"civil_id": CIVIL_ID, "mobile": f"6{n:07d}"})
        answers.append(answer.status_code)
    expected_first = 2 if taken else 3  # an owner's own registration counted too
    assert answers[:expected_first] == [302] * expected_first
    assert set(answers[expected_first:]) == {429}
    clock.advance(hours=24)
    again = form_post(app.test_client(), "/register", {"civil_id": CIVIL_ID, "mobile": "69999999"})
    assert again.status_code == 302
    other = form_post(app.test_client(), "/register", {"civil_id": civil_id_for(7), "mobile": "69999998"})
    assert other.status_code == 302


# --- the code --------------------------------------------------------------


def test_code_page_needs_a_registration_in_progress(client):
    assert client.get("/register/code").headers["Location"] == "/register"
    assert client.get("/register/password").headers["Location"] == "/register"


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_code_page_renders(client, headers):
    register(client, CIVIL_ID, MOBILE)
    response = client.get("/register/code?lang=en", headers=headers)
    assert response.status_code == 200
    # The number is isolated left-to-right (U+2066..U+2069), so Arabic text keeps its order.
    assert "We have sent a code by SMS to \u20665001 2345\u2069." in response.text
    assert 'autocomplete="one-time-code"' in response.text
    assert "<html" in response.text


def test_wrong_code_then_right_code(client):
    register(client, CIVIL_ID, MOBILE)
    code = latest_code(E164)
    wrong = "000000" if code != "000000" else "111111"
    response = form_post(client, "/register/code?lang=en", {"code": wrong})
    assert "The code is not right. You have 4 more tries." in response.text
    assert "<title>Error: " in response.text
    arabic_digits = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = form_post(client, "/register/code", {"code": arabic_digits})
    assert response.headers["Location"] == "/register/password"
    assert User.get().mobile_verified_at is not None


@pytest.mark.parametrize(
    "code, message", [("12345", "The code has 6 digits"), ("", "Enter the code from the SMS")]
)
def test_code_format(client, code, message):
    register(client, CIVIL_ID, MOBILE)
    response = form_post(client, "/register/code?lang=en", {"code": code})
    assert message in response.text and 'id="code-error"' in response.text


def test_the_sixth_try_is_refused_even_when_right(client):
    register(client, CIVIL_ID, MOBILE)
    code = latest_code(E164)
    wrong = "000000" if code != "000000" else "111111"
    for tries_left in (4, 3, 2, 1):
        response = form_post(client, "/register/code?lang=en", {"code": wrong})
        assert f"You have {tries_left} more tr" in response.text
    response = form_post(client, "/register/code?lang=en", {"code": wrong})
    assert "You have typed a wrong code too many times" in response.text
    response = form_post(client, "/register/code?lang=en", {"code": code})
    assert response.status_code == 200
    assert "You have typed a wrong code too many times" in response.text
    assert User.get().mobile_verified_at is None


def test_an_expired_code_is_refused(client, clock):
    register(client, CIVIL_ID, MOBILE)
    code = latest_code(E164)
    clock.advance(minutes=10)
    response = form_post(client, "/register/code?lang=en", {"code": code})
    assert "This code has expired. Ask for a new code." in response.text
    assert User.get().mobile_verified_at is None


def test_a_code_just_before_expiry_works(client, clock):
    register(client, CIVIL_ID, MOBILE)
    clock.advance(minutes=9, seconds=59)
    assert form_post(client, "/register/code", {"code": latest_code(E164)}).status_code == 302


def test_resend_waits_a_minute(client, clock):
    register(client, CIVIL_ID, MOBILE)
    first = latest_code(E164)
    clock.advance(seconds=20)
    response = form_post(client, "/register/code/resend?lang=en")
    assert response.status_code == 200
    assert "You can ask for a new code in 40 seconds." in response.text
    assert 'href="#resend"' in response.text
    assert len(sms_to(E164)) == 1

    clock.advance(seconds=40)
    response = form_post(client, "/register/code/resend?lang=en")
    assert response.headers["Location"] == "/register/code"
    assert len(sms_to(E164)) == 2
    second = latest_code(E164)
    if first != second:  # one chance in a million that they are the same
        stale = form_post(client, "/register/code?lang=en", {"code": first})
        assert "The code is not right" in stale.text
    assert OneTimeCode.get(OneTimeCode.id == 1).used_at is not None  # the first is retired
    assert form_post(client, "/register/code", {"code": second}).status_code == 302


def test_at_most_five_codes_per_number_per_hour(client, clock):
    register(client, CIVIL_ID, MOBILE)
    for _ in range(4):
        clock.advance(seconds=61)
        assert form_post(client, "/register/code/resend").status_code == 302
    assert len(sms_to(E164)) == 5
    clock.advance(seconds=61)
    refused = form_post(client, "/register/code/resend?lang=en")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert len(sms_to(E164)) == 5
    # A new registration for the same number is capped too, for anyone.
    other = register(client.application.test_client(), civil_id_for(3), MOBILE)
    assert other.status_code == 429
    clock.advance(seconds=int(refused.headers["Retry-After"]))
    assert form_post(client, "/register/code/resend").status_code == 302


# --- the password ----------------------------------------------------------


@pytest.fixture
def verified(client):
    register(client, CIVIL_ID, MOBILE)
    assert form_post(client, "/register/code", {"code": latest_code(E164)}).status_code == 302
    return client


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize(
    "lang, heading, label",
    [("en", "Your name and a password", "Full name"), ("ar", "اسمك وكلمة المرور", "الاسم الكامل")],
)
def test_password_page_renders(verified, headers, lang, heading, label):
    response = verified.get(f"/register/password?lang={lang}", headers=headers)
    assert response.status_code == 200 and "<html" in response.text
    assert heading in response.text
    # The name once, in the reader's language, with the password.
    assert f'<label for="full_name">{label}</label>' in response.text
    assert 'autocomplete="name"' in response.text and 'autocomplete="new-password"' in response.text
    for name in ("name_ar", "name_en", "email", "user_name"):
        assert f'name="{name}"' not in response.text


def choose(client, name="Sara Ahmed", password=PASSWORD, confirm=None, **kwargs):
    return form_post(
        client,
        "/register/password",
        {"full_name": name, "password": password, "confirm": password if confirm is None else confirm},
        **kwargs,
    )


@pytest.mark.parametrize(
    "password, confirm, message",
    [
        ("short1", "short1", "at least 8 characters"),
        ("x" * 129, "x" * 129, "128 characters or fewer"),
        ("password123", "password123", "list of common passwords"),
        ("١٢٣٤٥٦٧٨٩", "١٢٣٤٥٦٧٨٩", "list of common passwords"),
        ("my id 291030104196", "my id 291030104196", "must not contain your civil ID"),
        ("a long enough passphrase", "a long enough passfrase", "The two passwords are not the same"),
        ("", "", "Enter a password"),
    ],
)
def test_password_rules(verified, password, confirm, message):
    response = choose(verified, password=password, confirm=confirm, query_string={"lang": "en"})
    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error: " in response.text
    assert 'value="Sara Ahmed"' in response.text  # the name is kept
    assert User.get().password_hash is None


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Enter your full name"),
        ("   ", "Enter your full name"),
        ("S" * 101, "Your name must be 100 characters or fewer"),
        ("Сара", "Write your name in Arabic or English letters"),
        ("Sara\u202eAhmed", "invisible character"),
    ],
)
def test_the_name_is_checked(verified, name, message):
    response = choose(verified, name=name, query_string={"lang": "en"})
    assert response.status_code == 200
    assert message in response.text and 'href="#full_name"' in response.text
    user = User.get()
    assert user.password_hash is None and user.name_ar is None and user.name_en is None


@pytest.mark.parametrize(
    "name, column", [("سارة أحمد", "name_ar"), ("Sara Ahmed", "name_en"), ("Sara أحمد", "name_ar")]
)
def test_the_name_is_kept_in_its_script(verified, name, column):
    assert choose(verified, name=f"  {name} ").status_code == 302
    user = User.get()
    other = "name_en" if column == "name_ar" else "name_ar"
    assert getattr(user, column) == name and getattr(user, other) is None
    # Either language shows the one name there is.
    assert user.full_name("ar") == user.full_name("en") == name


def test_password_in_any_script_logs_the_person_in(verified):
    response = choose(verified, password="كلمة سر طويلة")
    # Without a `next`, to the person's requests: what they came to do.
    assert response.headers["Location"] == "/requests"
    user = User.get()
    assert user.password_hash.startswith("$argon2id$")
    page = verified.get("/account/?lang=en")
    assert page.status_code == 200
    assert "Log out" in page.text
    # The first password cannot be chosen twice.
    assert verified.get("/register/password").headers["Location"] == "/register"


def test_register_and_login_helper(client):
    user = register_and_login(client)
    assert user.can_log_in
    assert client.get("/account/").status_code == 200
    assert PASSWORD


# --- going back to where the person was going ------------------------------


def test_next_is_carried_through_code_and_password(client):
    use_outbox(client.application)
    page = client.get("/register?lang=en&next=/requests/new")
    assert 'action="/register?next=/requests/new"' in page.text
    assert 'href="/login?next=/requests/new"' in page.text
    started = form_post(client, "/register?next=/requests/new", {"civil_id": CIVIL_ID, "mobile": MOBILE})
    assert started.headers["Location"] == "/register/code"
    assert form_post(client, "/register/code", {"code": latest_code(E164)}).status_code == 302
    response = choose(client)
    assert response.headers["Location"] == "/requests/new"
    with client.session_transaction() as session:
        assert "register_next" not in session  # the new session keeps nothing of the old


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_an_unsafe_next_is_ignored(client, target):
    use_outbox(client.application)
    page = client.get("/register", query_string={"next": target, "lang": "en"})
    assert 'action="/register"' in page.text and 'href="/login"' in page.text
    form_post(client, "/register", {"civil_id": CIVIL_ID, "mobile": MOBILE}, query_string={"next": target})
    form_post(client, "/register/code", {"code": latest_code(E164)})
    assert choose(client).headers["Location"] == "/requests"


def test_a_next_given_on_another_registration_does_not_carry_over(client):
    use_outbox(client.application)
    form_post(client, "/register?next=/requests/new", {"civil_id": CIVIL_ID, "mobile": MOBILE})
    form_post(client, "/register", {"civil_id": civil_id_for(7), "mobile": "60012345"})
    form_post(client, "/register/code", {"code": latest_code("+96560012345")})
    assert choose(client).headers["Location"] == "/requests"


# --- every code input: filled in by the phone ------------------------------

CODE_INPUT = re.compile(r'<input[^>]*name="code"[^>]*>')


@pytest.mark.parametrize(
    "start, data, code_page",
    [
        ("/register", {"civil_id": CIVIL_ID, "mobile": MOBILE}, "/register/code"),
        ("/reset", {"civil_id": CIVIL_ID, "mobile": MOBILE}, "/reset/code"),
        ("/express", {"civil_id": CIVIL_ID, "mobile": MOBILE}, "/express/code"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_every_code_input_offers_the_sms_code(client, start, data, code_page, headers):
    use_outbox(client.application)
    assert form_post(client, start, data).headers["Location"] == code_page
    body = client.get(code_page, headers=headers).text
    [code_input] = CODE_INPUT.findall(body)
    assert 'autocomplete="one-time-code"' in code_input and 'inputmode="numeric"' in code_input
