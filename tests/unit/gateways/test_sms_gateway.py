"""The SMS backends. The http backend talks to a fake provider on 127.0.0.1
(tests/fakes/sms_provider.py); each call is one try, and carries the message's key."""

import base64
import io
import socket
import time

import pytest

from gateways.sms import ConsoleBackend, HttpBackend, SmsNotSent, backend_from_config
from tests.fakes.sms_provider import SmsProvider

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def provider():
    made = SmsProvider()
    yield made
    made.close()


def backend(url, **options):
    return HttpBackend(url, **{"timeout": 2, **options})


def test_http_sends_json_with_basic_auth_and_the_key(provider):
    backend(provider.url, username="tameen", password="s3cret", sender="Tameen").send(
        "+96550012345", "رمزك 123456", KEY
    )
    [request] = provider.requests
    assert request["body"] == {"to": "+96550012345", "text": "رمزك 123456", "sender": "Tameen"}
    expected = base64.b64encode(b"tameen:s3cret").decode()
    assert request["headers"]["Authorization"] == f"Basic {expected}"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["headers"]["Idempotency-Key"] == KEY


def test_http_token_auth(provider):
    backend(provider.url, token="abc123").send("+96550012345", "hello", KEY)
    assert provider.requests[0]["headers"]["Authorization"] == "Bearer abc123"


@pytest.mark.parametrize("status, again", [(503, True), (500, True), (429, True), (401, False), (400, False)])
def test_http_makes_one_try_and_says_whether_another_may_succeed(provider, status, again):
    provider.statuses = [status]
    with pytest.raises(SmsNotSent, match=str(status)) as refusal:
        backend(provider.url).send("+96550012345", "hello", KEY)
    assert refusal.value.again is again
    assert len(provider.requests) == 1


def test_http_timeout_may_succeed_later(provider):
    provider.delay = 0.5
    started = time.monotonic()
    with pytest.raises(SmsNotSent) as refusal:
        backend(provider.url, timeout=0.1).send("+96550012345", "hello", KEY)
    assert refusal.value.again and time.monotonic() - started < 0.45


def test_a_repeated_key_is_delivered_once_by_a_provider_that_honours_it(provider):
    """The try that timed out reached the provider: the next, with the same key, does not
    send the message again."""
    provider.delay = 0.3
    with pytest.raises(SmsNotSent):
        backend(provider.url, timeout=0.1).send("+96550012345", "hello", KEY)
    provider.delay = 0
    backend(provider.url).send("+96550012345", "hello", KEY)
    assert [r["headers"]["Idempotency-Key"] for r in provider.requests] == [KEY, KEY]
    assert len(provider.delivered) == 1


def test_http_nobody_listening():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SmsNotSent):
        backend(f"http://127.0.0.1:{port}/sms").send("+96550012345", "hello", KEY)


def test_http_failure_log_masks_the_number(provider, caplog):
    provider.statuses = [400]
    with pytest.raises(SmsNotSent):
        backend(provider.url).send("+96550012345", "hello", KEY)
    assert "+965 ••••2345" in caplog.text and "50012345" not in caplog.text


def test_console_prints_the_code():
    stream = io.StringIO()
    ConsoleBackend(stream).send("+96550012345", "your code is 123456", KEY)
    assert "+96550012345" in stream.getvalue() and "123456" in stream.getvalue()


def test_backend_from_config():
    config = {
        "SMS_BACKEND": "http",
        "SMS_HTTP_URL": "https://sms.example/send",
        "SMS_HTTP_USERNAME": "u",
        "SMS_HTTP_PASSWORD": "p",
        "SMS_HTTP_TOKEN": "",
        "SMS_HTTP_SENDER": "Tameen",
        "SMS_HTTP_TIMEOUT": 4.0,
        "SMS_HTTP_RETRIES": 1,
    }
    made = backend_from_config(config)
    assert isinstance(made, HttpBackend)
    assert (made.url, made.timeout) == ("https://sms.example/send", 4.0)
    assert backend_from_config({**config, "SMS_BACKEND": "console"}).name == "console"
    assert backend_from_config({**config, "SMS_BACKEND": "outbox"}).name == "outbox"
