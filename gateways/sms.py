"""Sending SMS: one small interface, three backends chosen by SMS_BACKEND.

* console: prints the message, code included, for a developer's terminal.
* outbox: keeps the message in the database, listed at /dev/outbox in development.
* http: posts the message to a provider over HTTPS, with a timeout and retries.
"""

import base64
import json
import logging
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections import deque

from domain.phone import mask_mobile

log = logging.getLogger("tameen.sms")


class SmsNotSent(RuntimeError):
    """The provider did not take the message; the person should be told."""


class SmsBackend:
    name = "abstract"

    def send(self, to: str, text: str) -> None:
        """Deliver `text` to the E.164 number `to`, or raise SmsNotSent."""
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, to: str, text: str) -> None:
        # Development only (settings refuse it in production): the code must be readable.
        print(f"[SMS to {to}] {text}", file=self.stream or sys.stdout, flush=True)


class OutboxBackend(SmsBackend):
    name = "outbox"

    def send(self, to: str, text: str) -> None:
        from models import SmsMessage

        SmsMessage.create(to=to, body=text)


class HttpBackend(SmsBackend):
    """POSTs JSON {"to", "text", "sender"} to the provider; any 2xx answer means accepted.

    Network failures, timeouts, 429 and 5xx are retried; other 4xx answers are not,
    because sending the same request again will not change them.
    """

    name = "http"

    def __init__(
        self,
        url: str,
        *,
        username: str = "",
        password: str = "",
        token: str = "",
        sender: str = "",
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
    ):
        self.url = url
        self.sender = sender
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        elif username:
            pair = base64.b64encode(f"{username}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {pair}"

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text, "sender": self.sender}).encode()
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * attempt)
            request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return
            except urllib.error.HTTPError as error:
                problem = f"HTTP {error.code}"
                if error.code != 429 and error.code < 500:
                    break
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                problem = type(error).__name__
        log.warning("SMS to %s not sent: %s", mask_mobile(to), problem)
        raise SmsNotSent(problem)


class SmsGateway:
    """The backend plus a memory of how long sending takes, so that a path which
    sends nothing (unknown details) can take as long as one that does."""

    def __init__(self, backend: SmsBackend, remember: int = 20):
        self.backend = backend
        self.durations = deque(maxlen=remember)

    def send(self, to: str, text: str) -> None:
        started = time.monotonic()
        try:
            self.backend.send(to, text)
        finally:
            self.durations.append(time.monotonic() - started)

    def imitate_send(self) -> None:
        if self.durations:
            time.sleep(statistics.median(self.durations))


def backend_from_config(config) -> SmsBackend:
    name = config["SMS_BACKEND"]
    if name == "console":
        return ConsoleBackend()
    if name == "outbox":
        return OutboxBackend()
    return HttpBackend(
        config["SMS_HTTP_URL"],
        username=config["SMS_HTTP_USERNAME"],
        password=config["SMS_HTTP_PASSWORD"],
        token=config["SMS_HTTP_TOKEN"],
        sender=config["SMS_HTTP_SENDER"],
        timeout=config["SMS_HTTP_TIMEOUT"],
        retries=config["SMS_HTTP_RETRIES"],
    )
