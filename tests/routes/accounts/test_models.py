"""The account models' own behaviour: codes, counters, clean-up, and the migration that
made the details registration no longer asks optional."""

from datetime import datetime, timedelta

import peewee
import pytest
from playhouse.db_url import connect

import clock
import migrations
import models
from models import OneTimeCode, RateLimit, SmsMessage, User
from tests.helpers import database_url_for, make_app, use_outbox

SECRET = b"k" * 32


def test_rate_limit_counts_within_its_window(app, clock):
    window = timedelta(minutes=15)
    assert [RateLimit.hit("k", window, clock.now()).hits for _ in range(3)] == [1, 2, 3]
    clock.advance(minutes=14, seconds=59)
    assert RateLimit.hit("k", window, clock.now()).hits == 4
    row = RateLimit.current("k", window, clock.now())
    assert row.seconds_left(window, clock.now()) == 1
    clock.advance(seconds=1)
    assert RateLimit.current("k", window, clock.now()) is None
    assert RateLimit.hit("k", window, clock.now()).hits == 1  # a new window
    RateLimit.forget("k")
    assert RateLimit.select().count() == 0


def test_code_statuses(app, clock):
    user = User.create(
        civil_id="291030104196",
        name_ar="س",
        name_en="S",
        user_name="S",
        mobile="+96550012345",
        email="s@example.com",
        gender="female",
        language="ar",
        governorate="KW-KU",
        account_kind="personal",
    )
    row, code = OneTimeCode.issue(OneTimeCode.REGISTER, user.mobile, user, SECRET, clock.now())
    assert len(code) == 6 and code.isdigit() and code not in row.code_hash
    assert row.seconds_until_resend(clock.now()) == 60
    wrong = "000000" if code != "000000" else "111111"
    assert row.verify(wrong, SECRET, clock.now()) == ("wrong", 4)
    assert row.verify(code, b"another secret", clock.now()).status == "wrong"
    assert row.verify(code, SECRET, clock.now()).status == "ok"
    # Used once, never again.
    assert OneTimeCode.get_by_id(row.id).verify(code, SECRET, clock.now()).status == "expired"


def test_number_cap_frees_an_hour_after_the_oldest(app, clock):
    first = clock.now()
    for _ in range(OneTimeCode.PER_NUMBER_PER_HOUR):
        OneTimeCode.issue(OneTimeCode.RESET, "+96550012345", None, SECRET, clock.now())
        clock.advance(minutes=1)
    assert OneTimeCode.number_free_at("+96550012345", clock.now()) == first + timedelta(hours=1)
    assert OneTimeCode.number_free_at("+96560012345", clock.now()) is None
    clock.at = first + timedelta(hours=1, seconds=1)
    assert OneTimeCode.number_free_at("+96550012345", clock.now()) is None


def test_prune_removes_only_dead_records(app, clock):
    OneTimeCode.issue(OneTimeCode.RESET, "+96550012345", None, SECRET, clock.now())
    RateLimit.hit("old", timedelta(minutes=15), clock.now())
    SmsMessage.create(to="+96550012345", body="old")
    clock.advance(days=2)
    OneTimeCode.issue(OneTimeCode.RESET, "+96550012345", None, SECRET, clock.now())
    RateLimit.hit("new", timedelta(minutes=15), clock.now())
    assert models.prune_security_records(clock.now()) == 2
    assert OneTimeCode.select().count() == 1 and [r.key for r in RateLimit.select()] == ["new"]
    assert SmsMessage.select().count() == 1


def test_prune_command(app):
    result = app.test_cli_runner().invoke(args=["prune-security-records"])
    assert result.exit_code == 0 and "Removed 0 old records." in result.output


# --- migration 0009: the details registration no longer asks are optional ----------


class UserBefore0009(peewee.Model):
    """The user table as versions before issue 16 made it: every detail required."""

    civil_id = peewee.CharField(max_length=12, unique=True)
    name_ar = peewee.CharField(max_length=100)
    name_en = peewee.CharField(max_length=100)
    user_name = peewee.CharField(max_length=40)
    mobile = peewee.CharField(max_length=16)
    email = peewee.CharField(max_length=254)
    gender = peewee.CharField(max_length=6)
    language = peewee.CharField(max_length=2)
    governorate = peewee.CharField(max_length=5)
    account_kind = peewee.CharField(max_length=10)
    password_hash = peewee.CharField(max_length=255, null=True)
    mobile_verified_at = peewee.DateTimeField(null=True)
    session_version = peewee.CharField(max_length=32)
    created_at = peewee.DateTimeField()

    class Meta:
        table_name = "user"


LATER = ("name_ar", "name_en", "user_name", "email", "gender", "governorate", "account_kind")


def test_migration_0009_makes_the_details_optional_and_keeps_every_account(tmp_path):
    url = database_url_for(tmp_path)
    database = connect(url, **({"pragmas": models.SQLITE_PRAGMAS} if url.startswith("sqlite") else {}))
    with database.bind_ctx([UserBefore0009]), database.connection_context():
        database.create_tables([UserBefore0009])
        assert not any(c.null for c in database.get_columns("user") if c.name in LATER)
        UserBefore0009.create(
            civil_id="291030104196",
            name_ar="سارة أحمد",
            name_en="Sara Ahmed",
            user_name="Sara",
            mobile="+96550012345",
            email="sara@example.com",
            gender="female",
            language="en",
            governorate="KW-HA",
            account_kind="company",
            session_version="v" * 22,
            created_at=datetime(2025, 1, 1),
        )
    database.close()

    app = make_app(tmp_path)  # starting the new version upgrades the database

    assert "0009_optional_account_details" in app.extensions["migrations_run"]
    with models.db.connection_context():
        nullable = {c.name: c.null for c in models.db.get_columns("user")}
        assert all(nullable[name] for name in LATER)
        assert not (nullable["civil_id"] or nullable["mobile"] or nullable["language"])
        kept = User.get(User.civil_id == "291030104196")
        assert [getattr(kept, name) for name in LATER] == [
            "سارة أحمد",
            "Sara Ahmed",
            "Sara",
            "sara@example.com",
            "female",
            "KW-HA",
            "company",
        ]
        # An account as registration now leaves it.
        User.create(civil_id="279040907388", mobile="+96560012345", language="ar", name_en="Mona")
        assert User.get(User.civil_id == "279040907388").full_name("ar") == "Mona"
    with models.db.connection_context():  # a second start finds nothing to do
        assert migrations.upgrade(models.db, models.MODELS) == []


def test_full_name_falls_back_to_the_other_script(app):
    both = User(name_ar="سارة", name_en="Sara")
    assert (both.full_name("ar"), both.full_name("en")) == ("سارة", "Sara")
    assert User(name_ar="سارة").full_name("en") == "سارة"
    assert User(name_en="Sara").full_name("ar") == "Sara"
    assert User().full_name("ar") == ""


def test_an_account_with_one_name_still_keeps_its_staff_namesake_away(app):
    """Staff may not decide on, or release the civil ID of, an account in their own name:
    the check compares the one name an account now may have."""
    from models import InsuranceRequest, StaffMember
    from services import claims

    use_outbox(app)
    with app.app_context():
        owner = User.create(
            civil_id="291030104196",
            mobile="+96550012345",
            language="ar",
            name_ar="سارة أحمد",
            password_hash="not checked here",
        )
        held = InsuranceRequest.start(owner)
        namesake, colleague = (
            StaffMember.create(
                login=login,
                civil_id=civil_id,
                name=name,
                role=StaffMember.REVIEWER,
                password_hash="not a hash",
                totp_secret="JBSWY3DPEHPK3PXP",
            )
            for login, civil_id, name in [
                ("r1", "280020209003", "ســارة  أحمد"),
                ("r2", "279040907388", "Someone Else"),
            ]
        )
        assert not namesake.may_decide_on(held) and colleague.may_decide_on(held)
        with pytest.raises(claims.ClaimRefused):
            claims.release_civil_id(owner, namesake, {"checked": "card"}, clock.now())
        assert claims.release_civil_id(owner, colleague, {"checked": "card"}, clock.now())
