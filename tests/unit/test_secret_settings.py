"""SECRET_KEY_FALLBACKS and TOTP_ENCRYPTION_KEY: what they take, and what they refuse
with a message that says what to fix."""

import pytest
from cryptography.fernet import Fernet

from settings import ConfigError, load_settings
from tests.helpers import PRODUCTION_KNET, PRODUCTION_OPERATOR, PRODUCTION_PUBLIC_URL, PRODUCTION_SECRETS

KEY = "k" * 40
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": KEY,
    "SMS_HTTP_URL": "https://sms.example/",
    "PUBLIC_URL": PRODUCTION_PUBLIC_URL,
    **PRODUCTION_KNET,
    **PRODUCTION_OPERATOR,
    **PRODUCTION_SECRETS,
}


def test_fallbacks_are_earlier_keys_separated_by_commas(tmp_path):
    assert load_settings(PRODUCTION, tmp_path)["SECRET_KEY_FALLBACKS"] == []
    found = load_settings({**PRODUCTION, "SECRET_KEY_FALLBACKS": f" {'a' * 32} ,{'b' * 40},"}, tmp_path)
    assert found["SECRET_KEY_FALLBACKS"] == ["a" * 32, "b" * 40]


def test_fallbacks_refuse_the_current_key_and_short_keys_in_production(tmp_path):
    with pytest.raises(ConfigError, match="key number 2 is the current SECRET_KEY: remove it"):
        load_settings({**PRODUCTION, "SECRET_KEY_FALLBACKS": f"{'a' * 32},{KEY}"}, tmp_path)
    with pytest.raises(ConfigError, match="key number 1 is shorter than 32 characters"):
        load_settings({**PRODUCTION, "SECRET_KEY_FALLBACKS": "short"}, tmp_path)
    testing = load_settings({"APP_ENV": "testing", "SECRET_KEY_FALLBACKS": "short"}, tmp_path)
    assert testing["SECRET_KEY_FALLBACKS"] == ["short"]


def test_production_needs_a_totp_encryption_key_and_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError, match="TOTP_ENCRYPTION_KEY is required in production.*generate_key"):
        load_settings({**PRODUCTION, "TOTP_ENCRYPTION_KEY": ""}, tmp_path)
    with pytest.raises(ConfigError, match="TOTP_ENCRYPTION_KEY must be a Fernet key"):
        load_settings({**PRODUCTION, "TOTP_ENCRYPTION_KEY": "not a key"}, tmp_path)
    key = Fernet.generate_key().decode()
    assert load_settings({**PRODUCTION, "TOTP_ENCRYPTION_KEY": key}, tmp_path)["TOTP_ENCRYPTION_KEY"] == key


def test_development_generates_one_totp_key_and_keeps_it(tmp_path):
    first = load_settings({"APP_ENV": "development"}, tmp_path)["TOTP_ENCRYPTION_KEY"]
    assert load_settings({"APP_ENV": "development"}, tmp_path)["TOTP_ENCRYPTION_KEY"] == first
    Fernet(first)
    assert (tmp_path / "totp_encryption_key").stat().st_mode & 0o077 == 0
