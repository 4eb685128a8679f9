"""Rotating SECRET_KEY with the old one in SECRET_KEY_FALLBACKS logs nobody out: a session
signed with the old key, an SMS code sent under it and the rate-limit counts kept under it
are all still honoured; without the fallback they are not."""

import pytest

from models import OneTimeCode
from tests.helpers import (
    APPLICANT,
    form_post,
    latest_code,
    make_app,
    mobile_for,
    register,
    register_and_login,
)
from web import rate_limits

OLD_KEY = "old-" + "o" * 40
NEW_KEY = "new-" + "n" * 40


def rotated(tmp_path, old_client, **fallbacks):
    """The same site restarted with NEW_KEY, and a browser holding old_client's cookie."""
    app = make_app(tmp_path, SECRET_KEY=NEW_KEY, **fallbacks)
    browser = app.test_client()
    browser.set_cookie("session", old_client.get_cookie("session").value)
    return app, browser


def test_a_session_signed_with_the_old_key_still_works(tmp_path, clock):
    before = make_app(tmp_path, SECRET_KEY=OLD_KEY).test_client()
    register_and_login(before)
    assert before.get("/account").status_code == 200

    _app, browser = rotated(tmp_path, before, SECRET_KEY_FALLBACKS=OLD_KEY)
    assert browser.get("/account").status_code == 200
    _app, stranger = rotated(tmp_path, before)
    assert stranger.get("/account").status_code == 302  # no fallback: logged out


def test_a_code_sent_before_the_rotation_still_verifies(tmp_path, clock):
    before = make_app(tmp_path, SECRET_KEY=OLD_KEY).test_client()
    assert register(before, APPLICANT, mobile_for(1)).status_code == 302
    code = latest_code("+965" + mobile_for(1))

    _app, browser = rotated(tmp_path, before, SECRET_KEY_FALLBACKS=OLD_KEY)
    answer = form_post(browser, "/register/code", {"code": code})
    assert answer.status_code == 302 and answer.location.endswith("/register/password")


def test_a_code_is_checked_against_the_listed_keys_only(tmp_path, clock):
    make_app(tmp_path)
    row, code = OneTimeCode.issue(OneTimeCode.EXPRESS, "+96550000001", None, OLD_KEY.encode(), clock.now())
    assert row.verify(code, (NEW_KEY.encode(),), clock.now()).status == "wrong"
    assert row.verify(code, (NEW_KEY.encode(), OLD_KEY.encode()), clock.now()).status == "ok"


def test_uses_counted_under_the_old_key_still_count(tmp_path, clock):
    limit = rate_limits.RESETS_PER_ADDRESS
    before = make_app(tmp_path, SECRET_KEY=OLD_KEY)
    with before.test_request_context():
        for _ in range(limit.hits - 1):
            rate_limits.spend(limit, "192.0.2.7")

    after = make_app(tmp_path, SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=f"unused-{'u' * 40}, {OLD_KEY}")
    with after.test_request_context():
        assert not rate_limits.reached(limit, "192.0.2.7")
        rate_limits.spend(limit, "192.0.2.7")
        assert rate_limits.reached(limit, "192.0.2.7")
        with pytest.raises(Exception) as refused:
            rate_limits.spend(limit, "192.0.2.7")
        assert refused.value.code == 429
        rate_limits.forget(limit, "192.0.2.7")
        assert not rate_limits.reached(limit, "192.0.2.7")
