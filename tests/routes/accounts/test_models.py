"""The account models' own behaviour: codes, counters, clean-up."""
from datetime import timedelta

import models
from models import OneTimeCode, RateLimit, SmsMessage, User

SECRET = b"k" * 32


def test_rate_limit_counts_within_its_window(app, clock):
    window = timedelta(minutes=15)
    assert [RateLimit.hit("k", window, models.now()).hits for _ in range(3)] == [1, 2, 3]
    clock.advance(minutes=14, seconds=59)
    assert RateLimit.hit("k", window, models.now()).hits == 4
    row = RateLimit.current("k", window, models.now())
    assert row.seconds_left(window, models.now()) == 1
    clock.advance(seconds=1)
    assert RateLimit.current("k", window, models.now()) is None
    assert RateLimit.hit("k", window, models.now()).hits == 1  # a new window
    RateLimit.forget("k")
    assert RateLimit.select().count() == 0


def test_code_statuses(app, clock):
    user = User.create(civil_id="291030104196", name_ar="س", name_en="S", user_name="S",
                       mobile="+96550012345", email="s@example.com", gender="female",
                       language="ar", governorate="KW-KU", account_kind="personal")
    row, code = OneTimeCode.issue(OneTimeCode.REGISTER, user.mobile, user, SECRET, models.now())
    assert len(code) == 6 and code.isdigit() and code not in row.code_hash
    assert row.seconds_until_resend(models.now()) == 60
    wrong = "000000" if code != "000000" else "111111"
    assert row.verify(wrong, SECRET, models.now()) == ("wrong", 4)
    assert row.verify(code, b"another secret", models.now()).status == "wrong"
    assert row.verify(code, SECRET, models.now()).status == "ok"
    # Used once, never again.
    assert OneTimeCode.get_by_id(row.id).verify(code, SECRET, models.now()).status == "expired"


def test_number_cap_frees_an_hour_after_the_oldest(app, clock):
    first = models.now()
    for _ in range(OneTimeCode.PER_NUMBER_PER_HOUR):
        OneTimeCode.issue(OneTimeCode.RESET, "+96550012345", None, SECRET, models.now())
        clock.advance(minutes=1)
    assert OneTimeCode.number_free_at("+96550012345", models.now()) == first + timedelta(hours=1)
    assert OneTimeCode.number_free_at("+96560012345", models.now()) is None
    clock.at = first + timedelta(hours=1, seconds=1)
    assert OneTimeCode.number_free_at("+96550012345", models.now()) is None


def test_prune_removes_only_dead_records(app, clock):
    OneTimeCode.issue(OneTimeCode.RESET, "+96550012345", None, SECRET, models.now())
    RateLimit.hit("old", timedelta(minutes=15), models.now())
    SmsMessage.create(to="+96550012345", body="old")
    clock.advance(days=2)
    OneTimeCode.issue(OneTimeCode.RESET, "+96550012345", None, SECRET, models.now())
    RateLimit.hit("new", timedelta(minutes=15), models.now())
    assert models.prune_security_records(models.now()) == 2
    assert OneTimeCode.select().count() == 1 and [r.key for r in RateLimit.select()] == ["new"]
    assert SmsMessage.select().count() == 1


def test_prune_command(app):
    result = app.test_cli_runner().invoke(args=["prune-security-records"])
    assert result.exit_code == 0 and "Removed 0 old records." in result.output
