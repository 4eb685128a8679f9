"""The SMS backends. The http backend talks to a tiny provider on 127.0.0.1 started here."""

import base64
import io
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gateways.sms import ConsoleBackend, HttpBackend, SmsGateway, SmsNotSent, backend_from_config


class Provider:
    """Answers each POST with the next status in `statuses` (the last one repeats)."""

    def __init__(self, statuses=(200,), delay=0.0):
        self.statuses = list(statuses)
        self.delay = delay
        self.requests = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                provider.requests.append(
                    {"headers": dict(self.headers), "body": json.loads(self.rfile.read(length))}
                )
                time.sleep(provider.delay)
                status = provider.statuses.pop(0) if len(provider.statuses) > 1 else provider.statuses[0]
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}')
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: what the timeout test wants

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    made = Provider()
    yield made
    made.close()


def backend(url, **options):
    return HttpBackend(url, backoff=0, **{"timeout": 2, "retries": 2, **options})


def test_http_sends_json_with_basic_auth(provider):
    backend(provider.url, username="tameen", password="s3cret", sender="Tameen").send(
        "+96550012345", "رمزك 123456"
    )
    [request] = provider.requests
    assert request["body"] == {"to": "+96550012345", "text": "رمزك 123456", "sender": "Tameen"}
    expected = base64.b64encode(b"tameen:s3cret").decode()
    assert request["headers"]["Authorization"] == f"Basic {expected}"
    assert request["headers"]["Content-Type"].startswith("application/json")


def test_http_token_auth(provider):
    backend(provider.url, token="abc123").send("+96550012345", "hello")
    assert provider.requests[0]["headers"]["Authorization"] == "Bearer abc123"


def test_http_retries_server_errors(provider):
    provider.statuses = [503, 500, 200]
    backend(provider.url).send("+96550012345", "hello")
    assert len(provider.requests) == 3


def test_http_gives_up_after_its_retries(provider):
    provider.statuses = [500]
    with pytest.raises(SmsNotSent):
        backend(provider.url, retries=1).send("+96550012345", "hello")
    assert len(provider.requests) == 2


def test_http_does_not_retry_a_refusal(provider):
    provider.statuses = [401]
    with pytest.raises(SmsNotSent, match="401"):
        backend(provider.url).send("+96550012345", "hello")
    assert len(provider.requests) == 1


def test_http_retries_too_many_requests(provider):
    provider.statuses = [429, 200]
    backend(provider.url).send("+96550012345", "hello")
    assert len(provider.requests) == 2


def test_http_timeout(provider):
    provider.delay = 0.5
    started = time.monotonic()
    with pytest.raises(SmsNotSent):
        backend(provider.url, timeout=0.1, retries=1).send("+96550012345", "hello")
    assert time.monotonic() - started < 3


def test_http_nobody_listening():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SmsNotSent):
        backend(f"http://127.0.0.1:{port}/sms", retries=0).send("+96550012345", "hello")


def test_http_failure_log_masks_the_number(provider, caplog):
    provider.statuses = [400]
    with pytest.raises(SmsNotSent):
        backend(provider.url).send("+96550012345", "hello")
    assert "+965 ••••2345" in caplog.text and "50012345" not in caplog.text


def test_console_prints_the_code():
    stream = io.StringIO()
    ConsoleBackend(stream).send("+96550012345", "your code is 123456")
    assert "+96550012345" in stream.getvalue() and "123456" in stream.getvalue()


def test_gateway_imitates_the_time_a_send_takes(provider):
    provider.delay = 0.05
    gateway = SmsGateway(backend(provider.url))
    gateway.send("+96550012345", "hello")
    started = time.monotonic()
    gateway.imitate_send()
    assert time.monotonic() - started >= 0.04
    assert len(provider.requests) == 1


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
    assert (made.url, made.timeout, made.retries) == ("https://sms.example/send", 4.0, 1)
    assert backend_from_config({**config, "SMS_BACKEND": "console"}).name == "console"
    assert backend_from_config({**config, "SMS_BACKEND": "outbox"}).name == "outbox"
