"""Sending e-mail: one small interface, backends chosen by the SMTP_ settings.

* smtp: any standard SMTP server (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD,
  SMTP_FROM), STARTTLS when the server offers it, TLS from the start on port 465, and a
  short timeout: a slow server never holds a page for long.
* console: prints the message, for a developer's terminal (development without SMTP_HOST).
* outbox: keeps the messages in memory (`sent`), for the tests.
* none: sends nothing (production without SMTP_HOST: SMS alone tells the person).
"""

import logging
import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import make_msgid

log = logging.getLogger("tameen.email")


class EmailNotSent(RuntimeError):
    """The server did not take the message."""


class EmailBackend:
    name = "abstract"

    def send(self, to: str, subject: str, text: str) -> None:
        """Deliver a plain-text message to `to`, or raise EmailNotSent."""
        raise NotImplementedError


class NoEmail(EmailBackend):
    name = "none"

    def send(self, to: str, subject: str, text: str) -> None:
        return None


class ConsoleBackend(EmailBackend):
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, to: str, subject: str, text: str) -> None:
        print(f"[E-mail to {to}] {subject}\n{text}", file=self.stream or sys.stdout, flush=True)


class OutboxBackend(EmailBackend):
    name = "outbox"

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, text: str) -> None:
        self.sent.append((to, subject, text))


class SmtpBackend(EmailBackend):
    name = "smtp"

    def __init__(self, host: str, port: int, *, user: str, password: str, sender: str, timeout: float):
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.sender = sender
        self.timeout = timeout

    def message(self, to: str, subject: str, text: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid()
        message.set_content(text)
        return message

    def send(self, to: str, subject: str, text: str) -> None:
        context = ssl.create_default_context()
        try:
            if self.port == 465:
                server = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with server:
                if self.port != 465:
                    server.ehlo()
                    if server.has_extn("starttls"):
                        server.starttls(context=context)
                        server.ehlo()
                if self.user:
                    server.login(self.user, self.password)
                server.send_message(self.message(to, subject, text))
        except (smtplib.SMTPException, OSError) as problem:
            log.warning("e-mail not sent: %s", type(problem).__name__)
            raise EmailNotSent(type(problem).__name__) from problem


def backend_from_config(config) -> EmailBackend:
    if config["SMTP_HOST"]:
        return SmtpBackend(
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            user=config["SMTP_USER"],
            password=config["SMTP_PASSWORD"],
            sender=config["SMTP_FROM"],
            timeout=config["SMTP_TIMEOUT"],
        )
    return {"development": ConsoleBackend, "testing": OutboxBackend}.get(config["APP_ENV"], NoEmail)()
