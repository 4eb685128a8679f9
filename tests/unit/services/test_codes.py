"""services/codes.py: issuing, checking and resending SMS codes, with no request at all.

A phone reads the SMS outbox (models.sms), where every code's message is written with it,
so each test can say who got what; the sender is not run here (tests/unit/services/test_sms_sender.py).
"""

import re

import pytest

import clock
from gateways.sms import OutboxBackend
from models import OneTimeCode, SmsMessage, User
from services import codes

SECRET = b"k" * 32
OWNER_MOBILE = "+96550012345"
STRANGER_MOBILE = "+96560054321"


class Phone:
    @property
    def sent(self) -> list[tuple[str, str]]:
        return [(m.to, m.body) for m in SmsMessage.select().order_by(SmsMessage.id)]

    def code_sent_to(self, mobile: str) -> str:
        texts = [text for to, text in self.sent if to == mobile]
        return re.search(r"\b([0-9]{6})\b", texts[-1]).group(1)


@pytest.fixture
def phone(app):
    app.extensions["sms"].backend = OutboxBackend()
    phone = Phone()
    # An application context only: the service needs the configured gateway and the
    # translations, never a request or a session.
    with app.app_context():
        yield phone


def make_user(civil_id="291030104196", mobile=OWNER_MOBILE, language="en", finished=True) -> User:
    at = clock.now()
    return User.create(
        civil_id=civil_id,
        name_ar="سارة",
        name_en="Sara",
        user_name="Sara",
        mobile=mobile,
        email="sara@example.com",
        gender="female",
        language=language,
        governorate="KW-HA",
        account_kind="personal",
        password_hash="not checked here" if finished else None,
        mobile_verified_at=at if finished else None,
    )


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def reloaded(row):
    return type(row).get_by_id(row.id)


# --- issue -----------------------------------------------------------------


def test_a_code_goes_to_the_number_in_the_persons_language(phone, clock):
    user = make_user(language="ar", finished=False)
    row = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now())
    [(to, text)] = phone.sent
    assert to == OWNER_MOBILE and text.startswith("تأمين: رمزك للتحقق")
    code = phone.code_sent_to(OWNER_MOBILE)
    assert code not in row.code_hash
    assert (row.purpose, row.mobile, row.user_id) == (OneTimeCode.REGISTER, OWNER_MOBILE, user.id)
    assert row.expires_at == clock.now() + OneTimeCode.LIFETIME


@pytest.mark.parametrize(
    "purpose, words",
    [
        (OneTimeCode.REGISTER, "to verify your mobile"),
        (OneTimeCode.RESET, "to reset your password"),
        (OneTimeCode.CHANGE_MOBILE, "to change your mobile number"),
    ],
)
def test_the_text_says_what_the_code_is_for(phone, clock, purpose, words):
    codes.issue(purpose, OWNER_MOBILE, make_user(), SECRET, clock.now())
    assert words in phone.sent[0][1]


def test_a_decoy_writes_no_sms_and_never_verifies(phone, clock):
    row = codes.issue(OneTimeCode.RESET, STRANGER_MOBILE, None, SECRET, clock.now())
    assert phone.sent == []
    assert row.user_id is None and row.mobile == STRANGER_MOBILE
    for guess in ("000000", "123456", "999999"):
        assert codes.check(row, guess, SECRET, clock.now()).status == "wrong"


def test_the_sms_waits_in_the_outbox_with_its_code_and_goes_no_later_than_it_lasts(phone, clock):
    row = codes.issue(OneTimeCode.CHANGE_MOBILE, OWNER_MOBILE, make_user(), SECRET, clock.now())
    [message] = SmsMessage.select()
    assert (message.state, message.code_id, message.send_by) == (SmsMessage.PENDING, row.id, row.expires_at)


def fail_last_sms() -> None:
    last = SmsMessage.select().order_by(SmsMessage.id.desc()).first()
    SmsMessage.update(state=SmsMessage.FAILED).where(SmsMessage.id == last.id).execute()


@pytest.mark.parametrize(
    "purpose, shown",
    [
        (OneTimeCode.REGISTER, True),
        (OneTimeCode.CHANGE_MOBILE, True),
        (OneTimeCode.RESET, False),  # it would tell that the account exists
        (OneTimeCode.LOGIN, False),  # it would tell that the password was right
    ],
)
def test_a_failed_sms_is_told_where_it_reveals_nothing(phone, clock, purpose, shown):
    row = codes.issue(purpose, OWNER_MOBILE, make_user(), SECRET, clock.now())
    assert not codes.send_failed(row)
    fail_last_sms()
    assert codes.send_failed(row) is shown


def test_a_failed_sms_lets_a_new_code_go_at_once(phone, clock):
    user = make_user(finished=False)
    old = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now())
    fail_last_sms()
    new = codes.resend(old, SECRET, clock.now())
    assert new.id != old.id and not codes.send_failed(new)
    assert codes.check(new, phone.code_sent_to(OWNER_MOBILE), SECRET, clock.now()).status == "ok"


# --- registering a civil ID that has an account -----------------------------


def test_a_taken_civil_id_tells_the_number_typed_and_gives_a_decoy(phone, clock):
    owner = make_user(language="en")
    row = codes.issue_for_taken_civil_id(STRANGER_MOBILE, "ar", SECRET, clock.now())
    [(to, text)] = phone.sent
    assert to == STRANGER_MOBILE and "بطاقتك المدنية" in text  # in the language of the form
    assert (row.purpose, row.mobile, row.user_id) == (OneTimeCode.REGISTER, STRANGER_MOBILE, None)
    assert codes.check(row, "123456", SECRET, clock.now()).status == "wrong"
    assert reloaded(owner).mobile == OWNER_MOBILE


def test_a_taken_civil_id_costs_one_real_send_like_a_new_account(phone, clock):
    """Both answers send one SMS to the number typed, so neither is quicker."""
    codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, make_user(finished=False), SECRET, clock.now())
    codes.issue_for_taken_civil_id(STRANGER_MOBILE, "en", SECRET, clock.now())
    assert [to for to, _ in phone.sent] == [OWNER_MOBILE, STRANGER_MOBILE]


def test_a_failed_notice_is_told_like_a_failed_code(phone, clock):
    row = codes.issue_for_taken_civil_id(STRANGER_MOBILE, "en", SECRET, clock.now())
    fail_last_sms()
    assert codes.send_failed(row)


# --- reset -----------------------------------------------------------------


def test_a_reset_code_goes_to_the_account_with_both_details(phone, clock):
    user = make_user()
    row = codes.issue_for_reset(user.civil_id, OWNER_MOBILE, SECRET, clock.now())
    assert row.user_id == user.id and [to for to, _ in phone.sent] == [OWNER_MOBILE]
    code = phone.code_sent_to(OWNER_MOBILE)
    assert codes.check(row, code, SECRET, clock.now()).status == "ok"


@pytest.mark.parametrize(
    "civil_id, mobile, finished",
    [
        ("288070804106", OWNER_MOBILE, True),  # no such account
        ("291030104196", STRANGER_MOBILE, True),  # not the account's number
        ("291030104196", OWNER_MOBILE, False),  # a registration never finished
    ],
    ids=["unknown civil ID", "another number", "unfinished account"],
)
def test_details_that_match_no_account_get_a_decoy(phone, clock, civil_id, mobile, finished):
    make_user(finished=finished)
    row = codes.issue_for_reset(civil_id, mobile, SECRET, clock.now())
    assert row.user_id is None and row.mobile == mobile and row.purpose == OneTimeCode.RESET
    assert phone.sent == []


# --- log-in after repeated failures ------------------------------------------------


def test_a_login_code_goes_to_the_accounts_own_number(phone, clock):
    user = make_user()
    row = codes.issue_for_login(user, SECRET, clock.now())
    [(to, text)] = phone.sent
    assert to == OWNER_MOBILE and "to log in" in text
    assert codes.check(row, phone.code_sent_to(OWNER_MOBILE), SECRET, clock.now()).status == "ok"


def test_a_wrong_password_gets_a_decoy_login_code(phone, clock):
    row = codes.issue_for_login(None, SECRET, clock.now())
    assert phone.sent == [] and row.user_id is None
    assert codes.check(row, "123456", SECRET, clock.now()).status == "wrong"


# --- check -----------------------------------------------------------------


def test_a_right_registration_code_verifies_the_mobile(phone, clock):
    user = make_user(finished=False)
    row = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now())
    clock.advance(minutes=2)
    assert codes.check(row, phone.code_sent_to(OWNER_MOBILE), SECRET, clock.now()).status == "ok"
    assert reloaded(user).mobile_verified_at == clock.now()


def test_a_right_code_for_a_new_number_makes_it_the_accounts(phone, clock):
    user = make_user()
    row = codes.issue(OneTimeCode.CHANGE_MOBILE, STRANGER_MOBILE, user, SECRET, clock.now())
    clock.advance(minutes=1)
    assert codes.check(row, phone.code_sent_to(STRANGER_MOBILE), SECRET, clock.now()).status == "ok"
    user = reloaded(user)
    assert user.mobile == STRANGER_MOBILE and user.mobile_verified_at == clock.now()


def test_the_old_number_is_told_of_the_new_one(phone, clock):
    user = make_user(language="en")
    row = codes.issue(OneTimeCode.CHANGE_MOBILE, STRANGER_MOBILE, user, SECRET, clock.now())
    codes.check(row, phone.code_sent_to(STRANGER_MOBILE), SECRET, clock.now())
    to, text = phone.sent[-1]
    assert to == OWNER_MOBILE and "changed to 6005 4321" in text


def test_a_wrong_code_for_a_new_number_tells_nobody(phone, clock):
    row = codes.issue(OneTimeCode.CHANGE_MOBILE, STRANGER_MOBILE, make_user(), SECRET, clock.now())
    codes.check(row, wrong(phone.code_sent_to(STRANGER_MOBILE)), SECRET, clock.now())
    assert [to for to, _ in phone.sent] == [STRANGER_MOBILE]


def test_a_right_reset_code_leaves_the_account_as_it_is(phone, clock):
    user = make_user()
    verified_at = user.mobile_verified_at
    row = codes.issue_for_reset(user.civil_id, OWNER_MOBILE, SECRET, clock.now())
    clock.advance(minutes=1)
    assert codes.check(row, phone.code_sent_to(OWNER_MOBILE), SECRET, clock.now()).status == "ok"
    assert reloaded(user).mobile_verified_at == verified_at


def test_wrong_codes_count_down_then_even_the_right_one_is_refused(phone, clock):
    user = make_user(finished=False)
    row = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now())
    code = phone.code_sent_to(OWNER_MOBILE)
    left = [codes.check(row, wrong(code), SECRET, clock.now()) for _ in range(5)]
    assert left == [("wrong", 4), ("wrong", 3), ("wrong", 2), ("wrong", 1), ("exhausted", 0)]
    assert codes.check(row, code, SECRET, clock.now()).status == "exhausted"
    assert reloaded(user).mobile_verified_at is None


def test_a_code_works_until_it_expires_and_only_once(phone, clock):
    user = make_user(finished=False)
    first = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now())
    code = phone.code_sent_to(OWNER_MOBILE)
    clock.advance(minutes=10)
    assert codes.check(first, code, SECRET, clock.now()).status == "expired"

    second = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now())
    code = phone.code_sent_to(OWNER_MOBILE)
    clock.advance(minutes=9, seconds=59)
    assert codes.check(second, code, SECRET, clock.now()).status == "ok"
    assert codes.check(reloaded(second), code, SECRET, clock.now()).status == "expired"


def test_a_code_checks_only_under_the_secret_it_was_made_with(phone, clock):
    row = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, make_user(), SECRET, clock.now())
    code = phone.code_sent_to(OWNER_MOBILE)
    assert codes.check(row, code, b"another secret", clock.now()).status == "wrong"


# --- resend ----------------------------------------------------------------


def test_a_new_code_waits_a_minute_after_the_last(phone, clock):
    row = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, make_user(), SECRET, clock.now())
    clock.advance(seconds=20)
    with pytest.raises(codes.ResendTooSoon) as too_soon:
        codes.ensure_resend_due(row, clock.now())
    assert too_soon.value.seconds == 40
    with pytest.raises(codes.ResendTooSoon):
        codes.resend(row, SECRET, clock.now())
    assert len(phone.sent) == 1 and OneTimeCode.select().count() == 1
    clock.advance(seconds=40)
    codes.ensure_resend_due(row, clock.now())


def test_a_new_code_retires_the_old_one(phone, clock):
    user = make_user(finished=False)
    old = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now())
    old_code = phone.code_sent_to(OWNER_MOBILE)
    clock.advance(seconds=60)
    new = codes.resend(old, SECRET, clock.now())
    assert (new.purpose, new.mobile, new.user_id) == (old.purpose, old.mobile, user.id)
    assert new.id != old.id and len(phone.sent) == 2
    assert codes.check(reloaded(old), old_code, SECRET, clock.now()).status == "expired"
    assert codes.check(new, phone.code_sent_to(OWNER_MOBILE), SECRET, clock.now()).status == "ok"


def test_a_decoy_is_followed_by_a_decoy(phone, clock):
    old = codes.issue(OneTimeCode.RESET, STRANGER_MOBILE, None, SECRET, clock.now())
    clock.advance(seconds=61)
    new = codes.resend(old, SECRET, clock.now())
    assert new.user_id is None and phone.sent == []
    assert reloaded(old).used_at == clock.now()


# --- the WebOTP line ------------------------------------------------------------


def last_line(phone: Phone, mobile: str) -> str:
    return [text for to, text in phone.sent if to == mobile][-1].splitlines()[-1]


@pytest.mark.parametrize(
    "purpose", [OneTimeCode.REGISTER, OneTimeCode.RESET, OneTimeCode.LOGIN, OneTimeCode.CHANGE_MOBILE]
)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_code_sms_ends_with_the_webotp_line(phone, purpose, language):
    user = make_user(language=language)
    codes.issue(purpose, OWNER_MOBILE, user, SECRET, clock.now(), host="tameen.example.kw")
    assert last_line(phone, OWNER_MOBILE) == f"@tameen.example.kw #{phone.code_sent_to(OWNER_MOBILE)}"


@pytest.mark.parametrize("purpose", OneTimeCode.WITHOUT_ACCOUNT)
def test_express_codes_carry_it_too(phone, purpose):
    codes.issue_for_express(purpose, STRANGER_MOBILE, "ar", SECRET, clock.now(), host="127.0.0.1")
    assert last_line(phone, STRANGER_MOBILE) == f"@127.0.0.1 #{phone.code_sent_to(STRANGER_MOBILE)}"


def test_resends_keep_the_host(phone, clock):
    row = codes.issue_for_reset("291030104196", OWNER_MOBILE, SECRET, clock.now(), host="a.example")
    assert row.user_id is None  # no such account: a decoy, and no SMS at all
    user = make_user()
    row = codes.issue(OneTimeCode.REGISTER, OWNER_MOBILE, user, SECRET, clock.now(), host="a.example")
    clock.advance(seconds=61)
    codes.resend(row, SECRET, clock.now(), host="a.example")
    assert last_line(phone, OWNER_MOBILE) == f"@a.example #{phone.code_sent_to(OWNER_MOBILE)}"


def test_without_a_host_the_line_names_public_url(app, phone):
    app.config["PUBLIC_URL"] = "https://tameen.example.kw"
    codes.issue(OneTimeCode.LOGIN, OWNER_MOBILE, make_user(), SECRET, clock.now())
    assert last_line(phone, OWNER_MOBILE).startswith("@tameen.example.kw #")


def test_with_neither_the_sms_has_no_webotp_line(app, phone):
    app.config["PUBLIC_URL"] = ""
    codes.issue(OneTimeCode.LOGIN, OWNER_MOBILE, make_user(), SECRET, clock.now())
    [(_to, text)] = phone.sent
    assert "@" not in text and "#" not in text


def test_messages_that_carry_no_code_have_no_webotp_line(phone):
    codes.issue_for_taken_civil_id(STRANGER_MOBILE, "en", SECRET, clock.now())
    [(_to, text)] = phone.sent
    assert "already has an account" in text and "#" not in text
