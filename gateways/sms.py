"""Sending SMS: one small interface, three backends chosen by SMS_BACKEND. Pages never
call them: they write to the outbox (models.sms), and the sender (services/sms_sender.py)
calls the backend, one try at a time, with the message's idempotency key.

* console: prints the message, code included, for a developer's terminal.
* outbox: sends nothing; the message stays in the database, listed at /dev/outbox in development.
* http: posts the message to a provider over HTTPS, with a timeout.
"""

import base64
import json
import logging
import sys
import urllib.error
import urllib.request

from domain.phone import mask_mobile

log = logging.getLogger("tameen.sms")


class SmsNotSent(RuntimeError):
    """The provider did not take the message. `again`: whether another try may succeed
    (a timeout, a refused connection, 429, 5xx), or never will (any other 4xx)."""

    def __init__(self, problem: str, *, again: bool = True):
        super().__init__(problem)
        self.again = again


class SmsBackend:
    name = "abstract"

    def send(self, to: str, text: str, key: str) -> None:
        """Deliver `text` to the E.164 number `to`, or raise SmsNotSent. `key` is the same
        for every try of one message: a provider that knows it delivers the message once."""
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, to: str, text: str, key: str) -> None:
        # Development only (settings refuse it in production): the code must be readable.
        print(f"[SMS to {to}] {text}", file=self.stream or sys.stdout, flush=True)


class OutboxBackend(SmsBackend):
    """Development and tests: the outbox row is the message; /dev/outbox shows it."""

    name = "outbox"

    def send(self, to: str, text: str, key: str) -> None:
        pass


class HttpBackend(SmsBackend):
    """POSTs JSON {"to", "text", "sender"} to the provider; any 2xx answer means accepted.

    The message's key goes in the `Idempotency-Key` header (the IETF draft
    "The Idempotency-Key HTTP Header Field", as Twilio, Stripe and most SMS gateways read
    it): a provider that honours it answers a repeated key with the first answer and sends
    nothing again, so a try that timed out after the provider took it is not sent twice.
    Point SMS_HTTP_URL at a provider (or a small relay) that honours it.

    One try per call: the sender waits and tries again (models.sms.SmsMessage.RETRY_AFTER).
    Network failures, timeouts, 429 and 5xx may succeed later; other 4xx answers will not.
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
    ):
        self.url = url
        self.sender = sender
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        elif username:
            pair = base64.b64encode(f"{username}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {pair}"

    def send(self, to: str, text: str, key: str) -> None:
        body = json.dumps({"to": to, "text": text, "sender": self.sender}).encode()
        headers = {**self.headers, "Idempotency-Key": key}
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
            return
        except urllib.error.HTTPError as error:
            problem, again = f"HTTP {error.code}", error.code == 429 or error.code >= 500
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            problem, again = type(error).__name__, True
        log.warning("SMS to %s not sent: %s", mask_mobile(to), problem)
        raise SmsNotSent(problem, again=again)


class SmsGateway:
    """The configured backend, kept on the app (app.extensions["sms"]) for the sender."""

    def __init__(self, backend: SmsBackend):
        self.backend = backend

    def send(self, to: str, text: str, key: str) -> None:
        self.backend.send(to, text, key)


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
    )
