"""Staff log in at the desk with a password and a TOTP code, within the applicants' limits,
and are signed out by logging out, by being made inactive or after twelve hours."""

import pytest

from models import StaffMember
from tests.helpers import STAFF_PASSWORD, code_now, form_post, staff_login


def test_staff_log_in_with_password_and_totp(app, reviewer, clock):
    desk = app.test_client()
    page = desk.get("/desk/login?lang=en")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    response = staff_login(desk, reviewer)
    assert response.status_code == 302 and response.headers["Location"] == "/desk/"
    home = desk.get("/desk/")
    assert home.status_code == 200 and "Staff reviewer1" in home.text
    assert StaffMember.get_by_id(reviewer.id).last_login_at == clock.at


def test_next_page_after_log_in_stays_on_the_desk(app, reviewer, clock):
    desk = app.test_client()
    assert desk.get("/desk/refunds").headers["Location"] == "/desk/login?next=/desk/refunds"
    response = form_post(
        desk,
        "/desk/login?next=/desk/refunds",
        {"login": "reviewer1", "password": STAFF_PASSWORD, "code": code_now(reviewer)},
    )
    assert response.headers["Location"] == "/desk/refunds"
    other = app.test_client()
    clock.advance(seconds=30)
    response = form_post(
        other,
        "/desk/login?next=https://evil.example/",
        {"login": "reviewer1", "password": STAFF_PASSWORD, "code": code_now(reviewer)},
    )
    assert response.headers["Location"] == "/desk/"


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "The code has 6 digits"),
    ],
)
def test_the_second_factor_is_required(app, reviewer, clock, code, message):
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    response = staff_login(desk, reviewer, code=code)
    assert response.status_code == 200 and message in response.text
    assert desk.get("/desk/").status_code == 302


def test_a_wrong_code_or_password_is_refused_with_one_message(app, reviewer, clock):
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    right = code_now(reviewer)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for response in (
        staff_login(desk, reviewer, code=wrong),
        staff_login(desk, reviewer, password="not the password"),
        form_post(desk, "/desk/login", {"login": "nobody", "password": STAFF_PASSWORD, "code": right}),
    ):
        assert response.status_code == 200
        assert "The user name, password or code is not right" in response.text
    assert desk.get("/desk/").status_code == 302
    # A wrong password did not spend the code: it still works.
    assert staff_login(desk, reviewer, code=right).status_code == 302


def test_a_totp_code_works_once(app, reviewer, clock):
    first, second = app.test_client(), app.test_client()
    second.get("/desk/login?lang=en")
    code = code_now(reviewer)
    assert staff_login(first, reviewer, code=code).status_code == 302
    replay = staff_login(second, reviewer, code=code)
    assert replay.status_code == 200 and "not right" in replay.text
    clock.advance(seconds=10)  # still the same 30-second window
    assert staff_login(second, reviewer, code=code).status_code == 200
    # An older code is no good either, even within the drift allowed.
    assert staff_login(second, reviewer, code=code_now(reviewer, seconds_later=-30)).status_code == 200
    clock.advance(seconds=30)
    assert staff_login(second, reviewer, code=code_now(reviewer)).status_code == 302


def test_a_code_from_a_phone_slightly_off_is_accepted(app, reviewer, clock):
    desk = app.test_client()
    assert staff_login(desk, reviewer, code=code_now(reviewer, seconds_later=-25)).status_code == 302
    clock.advance(minutes=5)
    other = app.test_client()
    assert staff_login(other, reviewer, code=code_now(reviewer, seconds_later=-120)).status_code == 200


def two_codes(client, staff, code, next_code):
    return form_post(
        client,
        "/desk/login",
        {"login": staff.login, "password": STAFF_PASSWORD, "code": code, "next_code": next_code},
    )


def test_failures_never_lock_a_staff_member_out_but_ask_for_two_codes(app, reviewer, clock):
    for serial in range(3):  # a stranger, from three addresses
        for _ in range(5):
            staff_login(
                app.test_client(),
                reviewer,
                password="wrong password",
                environ_base={"REMOTE_ADDR": f"203.0.113.{serial}"},
            )
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    # The right password and code alone are not enough now, but nothing is refused.
    asked = staff_login(desk, reviewer)
    assert asked.status_code == 200 and "Type the next code too" in asked.text
    assert 'name="next_code"' in asked.text and desk.get("/desk/").status_code == 302
    # One code guessed is not enough: it takes two consecutive ones.
    clock.advance(seconds=30)
    before = code_now(reviewer, seconds_later=-30)
    guessed = two_codes(desk, reviewer, f"{(int(before) + 1) % 10**6:06d}", code_now(reviewer))
    assert guessed.status_code == 200 and "not right" in guessed.text
    both = two_codes(desk, reviewer, code_now(reviewer, seconds_later=-30), code_now(reviewer))
    assert both.status_code == 302 and desk.get("/desk/").status_code == 200
    # Neither code works again.
    replay = two_codes(app.test_client(), reviewer, code_now(reviewer, seconds_later=-30), code_now(reviewer))
    assert replay.status_code == 200


def test_staff_log_in_is_limited_per_address(app, reviewer, clock):
    here = {"REMOTE_ADDR": "198.51.100.20"}
    for serial in range(20):
        form_post(
            app.test_client(),
            "/desk/login",
            {"login": f"nobody{serial}", "password": "x", "code": "123456"},
            environ_base=here,
        )
    assert staff_login(app.test_client(), reviewer, environ_base=here).status_code == 429
    assert (
        staff_login(app.test_client(), reviewer, environ_base={"REMOTE_ADDR": "198.51.100.21"}).status_code
        == 302
    )


def test_inactive_staff_cannot_log_in_and_are_signed_out(app, desk, reviewer, clock):
    StaffMember.update(active=False).where(StaffMember.id == reviewer.id).execute()
    assert desk.get("/desk/").status_code == 302
    clock.advance(seconds=30)
    assert staff_login(app.test_client(), reviewer).status_code == 200


def test_log_out_signs_out_every_browser(app, desk, reviewer, clock):
    copy = app.test_client()
    with desk.session_transaction() as session:
        saved = dict(session)
    with copy.session_transaction() as session:
        session.update(saved)
    assert copy.get("/desk/").status_code == 200
    response = form_post(desk, "/desk/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/desk/login"
    assert desk.get("/desk/").status_code == 302
    assert copy.get("/desk/").status_code == 302


def test_a_desk_session_ends_after_twelve_hours(desk, clock):
    for _ in range(2 * 12 * 4):  # busy all day: a page every 7.5 minutes
        assert desk.get("/desk/").status_code == 200
        clock.advance(minutes=7, seconds=30)
    assert desk.get("/desk/").status_code == 302


def test_a_desk_session_ends_after_fifteen_idle_minutes(desk, clock):
    clock.advance(minutes=14)
    assert desk.get("/desk/").status_code == 200
    clock.advance(minutes=15)
    assert desk.get("/desk/").status_code == 302
