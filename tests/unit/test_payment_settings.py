"""PAYMENT_GATEWAY and the K-Net settings: production never takes fake payments silently."""

import pytest

from gateways.payments import gateway_from_config, without_card_data
from gateways.payments.knet import KnetGateway
from gateways.payments.sandbox import SandboxGateway, sandbox_key
from settings import ConfigError, load_settings
from tests.helpers import PRODUCTION_KNET, PRODUCTION_OPERATOR, PRODUCTION_PUBLIC_URL, PRODUCTION_SECRETS

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "k" * 40,
    "SMS_HTTP_URL": "https://sms.example/",
    "PUBLIC_URL": PRODUCTION_PUBLIC_URL,
    **PRODUCTION_OPERATOR,
    **PRODUCTION_SECRETS,
}


def settings(tmp_path, **environ):
    return load_settings(environ, tmp_path)


def test_sandbox_outside_production(tmp_path):
    for env in ("development", "testing"):
        ready = settings(tmp_path, APP_ENV=env)
        assert ready["PAYMENT_GATEWAY"] == "sandbox"
        assert isinstance(gateway_from_config(ready), SandboxGateway)


def test_production_takes_knet_and_needs_its_settings(tmp_path):
    with pytest.raises(ConfigError, match="KNET_TRANPORTAL_ID, KNET_PASSWORD"):
        settings(tmp_path, **PRODUCTION)
    ready = settings(tmp_path, **PRODUCTION, **PRODUCTION_KNET)
    assert ready["PAYMENT_GATEWAY"] == "knet"
    assert isinstance(gateway_from_config(ready), KnetGateway)


def test_production_refuses_the_sandbox_unless_asked_for_a_demonstration(tmp_path):
    with pytest.raises(ConfigError, match="ALLOW_SANDBOX_IN_PRODUCTION"):
        settings(tmp_path, **PRODUCTION, PAYMENT_GATEWAY="sandbox")
    with pytest.raises(ConfigError):
        settings(tmp_path, **PRODUCTION, PAYMENT_GATEWAY="sandbox", ALLOW_SANDBOX_IN_PRODUCTION="yes")
    demo = settings(tmp_path, **PRODUCTION, PAYMENT_GATEWAY="sandbox", ALLOW_SANDBOX_IN_PRODUCTION="1")
    assert demo["PAYMENT_GATEWAY"] == "sandbox" and demo["ALLOW_SANDBOX_IN_PRODUCTION"]


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("KNET_RESOURCE_KEY", "too short", "16-character"),
        ("KNET_RESOURCE_KEY", "é" * 16, "16-character"),
        ("KNET_GATEWAY_URL", "http://www.kpaytest.com.kw/kpg", "https"),
        ("KNET_GATEWAY_URL", "kpay", "https"),
        ("KNET_TIMEOUT", "forever", "KNET_TIMEOUT"),
    ],
)
def test_bad_knet_settings_are_refused(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        settings(tmp_path, **PRODUCTION, **{**PRODUCTION_KNET, name: value})


def test_a_plain_http_bank_is_allowed_outside_production(tmp_path):
    ready = settings(
        tmp_path,
        APP_ENV="development",
        PAYMENT_GATEWAY="knet",
        **{**PRODUCTION_KNET, "KNET_GATEWAY_URL": "http://127.0.0.1:9/kpg"},
    )
    assert ready["KNET_GATEWAY_URL"] == "http://127.0.0.1:9/kpg"


def test_unknown_gateway(tmp_path):
    with pytest.raises(ConfigError, match="PAYMENT_GATEWAY"):
        settings(tmp_path, APP_ENV="development", PAYMENT_GATEWAY="cash")


def test_sandbox_signatures():
    bank = SandboxGateway(sandbox_key("a" * 40))
    fields = {
        "track_id": "1",
        "payment_id": "p",
        "result": "CAPTURED",
        "amount_fils": "5000",
        "auth": "1",
        "ref": "2",
        "tran_id": "3",
    }
    result = bank.verify({**fields, "signature": bank.sign(fields)})
    assert result.outcome == "paid" and result.amount_fils == 5000
    other = SandboxGateway(sandbox_key("b" * 40))
    assert other.sign(fields) != bank.sign(fields)
    assert sandbox_key("a" * 40) != "a" * 40


def test_card_data_is_never_kept():
    assert without_card_data({"PAN": "4111", "cvv": "1", "result": "CAPTURED"}) == {"result": "CAPTURED"}
