"""services/sms_sender.py: the outbox delivered once per message, by senders racing on
their own connections (run it on PostgreSQL too with TEST_DATABASE_URL), with the same
idempotency key on every try, a wait between tries, and a claim taken back after a crash."""

import threading
import time
from datetime import timedelta

import pytest

import models
from gateways.sms import HttpBackend, SmsBackend, SmsNotSent
from models import SmsMessage
from services import sms_sender
from tests.fakes.sms_provider import SmsProvider

RETRIES = 2


class Recorder(SmsBackend):
    """Takes a while per message, so that senders overlap; records every call."""

    def __init__(self, refusals=()):
        self.calls: list[tuple[str, str, str]] = []
        self.refusals = list(refusals)
        self.lock = threading.Lock()

    def send(self, to, text, key):
        time.sleep(0.002)
        with self.lock:
            self.calls.append((to, text, key))
            if self.refusals:
                raise self.refusals.pop(0)


def deliver(backend, sender="one"):
    return sms_sender.deliver_due(backend, sender, retries=RETRIES)


def test_a_message_is_sent_once_and_marked_sent(context, clock):
    message = SmsMessage.enqueue("+96550000001", "hello")
    backend = Recorder()
    assert deliver(backend)["sent"] == 1
    assert backend.calls == [("+96550000001", "hello", message.idempotency_key)]
    stored = SmsMessage.get_by_id(message.id)
    assert (stored.state, stored.sent_at, stored.tries, stored.claimed_by) == ("sent", clock.now(), 1, None)
    assert deliver(backend) == {} and len(backend.calls) == 1


@pytest.mark.parametrize("round_number", range(3))
def test_two_senders_racing_send_each_message_once(context, round_number):
    made = [SmsMessage.enqueue(f"+9655000{n:04d}", f"message {n}") for n in range(30)]
    backend = Recorder()
    barrier = threading.Barrier(2)
    results = {}

    def run(name):
        with context.app_context(), models.db.connection_context():
            barrier.wait()
            try:
                counts = sms_sender.deliver_due(backend, name, retries=RETRIES, limit=100)
                results[name] = counts
            except Exception as problem:  # reported below
                results[name] = problem

    threads = [threading.Thread(target=run, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(isinstance(result, Exception) for result in results.values()), results
    keys = sorted(key for _to, _text, key in backend.calls)
    assert keys == sorted(m.idempotency_key for m in made), f"round {round_number}: {results}"
    assert sum(result["sent"] for result in results.values()) == len(made)
    assert SmsMessage.select().where(SmsMessage.state == SmsMessage.SENT).count() == len(made)


def test_a_refused_try_waits_then_goes_again_with_the_same_key(context, clock):
    message = SmsMessage.enqueue("+96550000001", "hello")
    backend = Recorder(refusals=[SmsNotSent("HTTP 503"), SmsNotSent("TimeoutError")])
    assert deliver(backend)["put off"] == 1
    assert deliver(backend) == {}  # not before its wait
    clock.advance(seconds=5)
    assert deliver(backend)["put off"] == 1
    clock.advance(seconds=19)
    assert deliver(backend) == {}
    clock.advance(seconds=1)
    assert deliver(backend)["sent"] == 1
    assert {key for _to, _text, key in backend.calls} == {message.idempotency_key}
    assert len(backend.calls) == 3 and SmsMessage.get_by_id(message.id).state == "sent"


def test_a_message_fails_after_its_retries_or_at_once_when_refused_for_good(context, clock):
    again = SmsMessage.enqueue("+96550000001", "provider down")
    never = SmsMessage.enqueue("+96550000002", "bad number")
    backend = Recorder(refusals=[SmsNotSent("HTTP 503"), SmsNotSent("HTTP 400", again=False)])
    assert deliver(backend) == {"put off": 1, "failed": 1}
    assert SmsMessage.get_by_id(never.id).problem == "HTTP 400"
    backend.refusals = [SmsNotSent("HTTP 503")] * RETRIES
    for _ in range(RETRIES):
        clock.advance(minutes=5)
        deliver(backend)
    stored = SmsMessage.get_by_id(again.id)
    assert (stored.state, stored.tries, stored.failed_at) == ("failed", RETRIES + 1, clock.now())


def test_a_code_is_not_sent_after_it_has_expired(context, clock):
    message = SmsMessage.enqueue("+96550000001", "code 123456", send_by=clock.now() + timedelta(minutes=10))
    clock.advance(minutes=10)
    backend = Recorder()
    assert deliver(backend) == {"expired": 1} and backend.calls == []
    assert SmsMessage.get_by_id(message.id).state == "failed"


def test_a_claim_left_by_a_crashed_sender_is_taken_back_after_its_timeout(context, clock):
    message = SmsMessage.enqueue("+96550000001", "hello")
    assert message.claim("crashed", clock.now())  # then the process died
    backend = Recorder()
    assert deliver(backend) == {}
    clock.advance(minutes=5, seconds=1)
    assert deliver(backend)["sent"] == 1
    assert not message.mark_sent("crashed", clock.now())  # a zombie cannot mark it again
    assert [key for _to, _text, key in backend.calls] == [message.idempotency_key]


def test_a_retry_after_a_timeout_is_delivered_once_by_a_provider_that_honours_the_key(context, clock):
    """The first try reaches the provider, which answers too late; the next carries the
    same key, and the phone gets one message."""
    provider = SmsProvider(delay=0.4)
    try:
        SmsMessage.enqueue("+96550000001", "your code 123456")
        backend = HttpBackend(provider.url, timeout=0.1)
        assert deliver(backend)["put off"] == 1
        provider.delay = 0
        clock.advance(seconds=5)
        assert deliver(backend)["sent"] == 1
        assert len(provider.requests) == 2 and len(provider.delivered) == 1
        keys = {request["headers"]["Idempotency-Key"] for request in provider.requests}
        assert len(keys) == 1
    finally:
        provider.close()


def test_the_command_makes_one_pass(app, tmp_path):
    from gateways.sms import OutboxBackend

    app.extensions["sms"].backend = OutboxBackend()
    with app.app_context():
        SmsMessage.enqueue("+96550000001", "hello")
    result = app.test_cli_runner().invoke(args=["send-sms", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output
    with app.app_context():
        assert SmsMessage.get().state == "sent"


def test_a_sender_thread_delivers_until_stopped(context):
    backend = Recorder()
    context.extensions["sms"].backend = backend
    stop = sms_sender.start_thread(context)
    try:
        SmsMessage.enqueue("+96550000001", "hello")
        for _ in range(100):
            if backend.calls:
                break
            time.sleep(0.05)
    finally:
        stop.set()
    assert len(backend.calls) == 1
