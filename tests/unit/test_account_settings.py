"""SMS and account settings read from the environment."""

from pathlib import Path

import pytest

from settings import ConfigError, load_settings
from tests.helpers import PRODUCTION_KNET, PRODUCTION_OPERATOR, PRODUCTION_PUBLIC_URL, PRODUCTION_SECRETS

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "k" * 40,
    **PRODUCTION_KNET,
    "PUBLIC_URL": PRODUCTION_PUBLIC_URL,
    **PRODUCTION_OPERATOR,
    **PRODUCTION_SECRETS,
}


def settings(tmp_path: Path, **environ):
    return load_settings(environ, tmp_path)


def test_development_and_testing_print_codes_by_default(tmp_path):
    assert settings(tmp_path, APP_ENV="development")["SMS_BACKEND"] == "console"
    assert settings(tmp_path, APP_ENV="testing")["SMS_BACKEND"] == "console"
    assert settings(tmp_path, APP_ENV="development", SMS_BACKEND="outbox")["SMS_BACKEND"] == "outbox"


@pytest.mark.parametrize("backend", ["console", "outbox"])
def test_production_refuses_backends_that_do_not_send(tmp_path, backend):
    with pytest.raises(ConfigError, match="SMS_BACKEND=http"):
        settings(tmp_path, **PRODUCTION, SMS_BACKEND=backend, SMS_HTTP_URL="https://sms.example/")


def test_production_needs_the_provider_address(tmp_path):
    with pytest.raises(ConfigError, match="SMS_HTTP_URL"):
        settings(tmp_path, **PRODUCTION, SMS_BACKEND="http", SMS_HTTP_URL="")
    with pytest.raises(ConfigError, match="https"):
        settings(tmp_path, **PRODUCTION, SMS_HTTP_URL="http://sms.example/send")
    ready = settings(
        tmp_path,
        **PRODUCTION,
        SMS_HTTP_URL="https://sms.example/send",
        SMS_HTTP_USERNAME="u",
        SMS_HTTP_PASSWORD="p",
        SMS_HTTP_TIMEOUT="5",
        SMS_HTTP_RETRIES="3",
    )
    assert ready["SMS_BACKEND"] == "http"
    assert (ready["SMS_HTTP_TIMEOUT"], ready["SMS_HTTP_RETRIES"]) == (5.0, 3)
    assert ready["PASSWORD_HASH_CHEAP"] is False


def test_development_may_use_a_plain_http_provider(tmp_path):
    ready = settings(
        tmp_path, APP_ENV="development", SMS_BACKEND="http", SMS_HTTP_URL="http://127.0.0.1:9999/sms"
    )
    assert ready["SMS_HTTP_URL"] == "http://127.0.0.1:9999/sms"


@pytest.mark.parametrize(
    "name, value",
    [
        ("SMS_BACKEND", "carrier-pigeon"),
        ("SMS_HTTP_TIMEOUT", "soon"),
        ("SMS_HTTP_TIMEOUT", "0"),
        ("SMS_HTTP_RETRIES", "-1"),
        ("SMS_HTTP_RETRIES", "٣"),
        ("PROXY_HOPS", "many"),
    ],
)
def test_bad_values_are_refused_with_the_name(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        settings(tmp_path, APP_ENV="development", **{name: value})


def test_cheap_password_hashing_only_in_tests(tmp_path):
    assert settings(tmp_path, APP_ENV="testing")["PASSWORD_HASH_CHEAP"] is True
    assert settings(tmp_path, APP_ENV="development")["PASSWORD_HASH_CHEAP"] is False
