"""services/accounts.py: a new password, set once per verified code and told by SMS."""

import pytest

import clock
from domain.passwords import make_hasher, verify_password
from gateways.sms import OutboxBackend
from models import SmsMessage, User
from services import accounts

HASHER = make_hasher(cheap=True)


class Phone:
    """What the SMS outbox holds."""

    @property
    def sent(self) -> list[tuple[str, str]]:
        return [(m.to, m.body) for m in SmsMessage.select().order_by(SmsMessage.id)]


@pytest.fixture
def phone(app):
    app.extensions["sms"].backend = OutboxBackend()
    with app.app_context():
        yield Phone()


@pytest.fixture
def user(phone):
    return User.create(
        civil_id="291030104196",
        name_ar="سارة",
        name_en="Sara",
        user_name="Sara",
        mobile="+96550012345",
        email="sara@example.com",
        gender="female",
        language="en",
        governorate="KW-HA",
        account_kind="personal",
        password_hash="not checked here",
        mobile_verified_at=clock.now(),
    )


def test_a_verified_state_sets_one_password_even_when_two_race(phone, user):
    version = user.session_version
    # Two copies of the same cookie, each with the account as it read it.
    first, second = User.get_by_id(user.id), User.get_by_id(user.id)
    assert accounts.choose_password(first, version, "first long passphrase", HASHER, tell_owner=True)
    assert not accounts.choose_password(second, version, "second long passphrase", HASHER, tell_owner=True)
    stored = User.get_by_id(user.id)
    assert verify_password(HASHER, stored.password_hash, "first long passphrase")
    assert stored.session_version != version  # every browser is signed out
    assert [to for to, _ in phone.sent] == ["+96550012345"]
    assert "password of your account has been changed" in phone.sent[0][1]


def test_a_first_password_is_not_announced(phone, user):
    assert accounts.choose_password(
        user, user.session_version, "first long passphrase", HASHER, tell_owner=False
    )
    assert phone.sent == []


def test_a_frozen_account_gets_no_new_password(phone, user):
    assert user.freeze(clock.now())
    assert not accounts.choose_password(
        user, user.session_version, "first long passphrase", HASHER, tell_owner=True
    )
