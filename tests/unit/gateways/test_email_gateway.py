"""The e-mail backends, and the SMTP settings. The smtp backend talks to a tiny SMTP
server on 127.0.0.1 started here (plain SMTP, RFC 5321's few commands)."""

import io
import socket
import socketserver
import threading
import time
from email import message_from_bytes

import pytest

from gateways.email import (
    ConsoleBackend,
    EmailNotSent,
    NoEmail,
    OutboxBackend,
    SmtpBackend,
    backend_from_config,
)
from settings import ConfigError, load_settings


class SmtpServer:
    """Takes every message; `messages` holds (sender, recipients, raw message)."""

    def __init__(self):
        self.messages = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 test ESMTP\r\n")
                sender, recipients = "", []
                while line := self.rfile.readline():
                    command = line.decode().strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
                    elif verb == "MAIL":
                        sender = command.split(":", 1)[1].strip(" <>")
                        self.wfile.write(b"250 OK\r\n")
                    elif verb == "RCPT":
                        recipients.append(command.split(":", 1)[1].strip(" <>"))
                        self.wfile.write(b"250 OK\r\n")
                    elif verb == "DATA":
                        self.wfile.write(b"354 go on\r\n")
                        body = b""
                        while (chunk := self.rfile.readline()) != b".\r\n":
                            body += chunk
                        server.messages.append((sender, recipients, body))
                        self.wfile.write(b"250 OK\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 OK\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


def backend(port, timeout=2.0) -> SmtpBackend:
    return SmtpBackend("127.0.0.1", port, user="", password="", sender="tameen@example.kw", timeout=timeout)


def test_smtp_sends_a_plain_text_message_in_utf8(smtp):
    backend(smtp.port).send("sara@example.com", "تأمين: الدفع", "النتيجة: مدفوعة")
    [(sender, recipients, raw)] = smtp.messages
    assert (sender, recipients) == ("tameen@example.kw", ["sara@example.com"])
    message = message_from_bytes(raw)
    assert message["To"] == "sara@example.com" and message["Message-ID"]
    assert message.get_payload(decode=True).decode().strip() == "النتيجة: مدفوعة"


def test_a_slow_server_holds_a_page_no_longer_than_the_timeout():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    started = time.monotonic()
    with pytest.raises(EmailNotSent):
        backend(silent.getsockname()[1], timeout=0.5).send("sara@example.com", "s", "t")
    assert time.monotonic() - started < 3
    silent.close()


def test_no_server_is_not_sent():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(EmailNotSent):
        backend(port).send("sara@example.com", "s", "t")


def test_the_stand_ins():
    stream = io.StringIO()
    ConsoleBackend(stream).send("sara@example.com", "Subject", "Body")
    assert "[E-mail to sara@example.com] Subject\nBody" in stream.getvalue()
    outbox = OutboxBackend()
    outbox.send("sara@example.com", "Subject", "Body")
    assert outbox.sent == [("sara@example.com", "Subject", "Body")]


@pytest.mark.parametrize(
    "environment, expected",
    [("development", ConsoleBackend), ("testing", OutboxBackend), ("production", NoEmail)],
)
def test_without_smtp_host_a_stand_in_or_nothing(environment, expected):
    config = {"SMTP_HOST": "", "APP_ENV": environment}
    assert type(backend_from_config(config)) is expected


def test_the_smtp_settings(tmp_path):
    environ = {
        "APP_ENV": "development",
        "SMTP_HOST": "mail.example.kw",
        "SMTP_FROM": "Tameen <no-reply@example.kw>",
    }
    settings = load_settings(environ, tmp_path)
    assert (settings["SMTP_PORT"], settings["SMTP_TIMEOUT"]) == (587, 5)
    assert isinstance(backend_from_config(settings), SmtpBackend)
    with pytest.raises(ConfigError, match="SMTP_FROM"):
        load_settings({"APP_ENV": "development", "SMTP_HOST": "mail.example.kw"}, tmp_path)
    with pytest.raises(ConfigError, match="SMTP_TIMEOUT"):
        load_settings({**environ, "SMTP_TIMEOUT": "600"}, tmp_path)
