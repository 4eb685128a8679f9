"""The sender: delivers the SMS outbox (models.sms) through the configured backend, each
message once, beside the web server and never inside a request.

Run it with `tameen.pyz send-sms` (a systemd service; docs/operating.md), any number at
once on any number of servers; `python app.py` runs one in a thread for development.

Each pass claims the messages due, one conditional UPDATE each, and makes one try at
each: sent; or, when the provider may take it later, tried again after a wait
(SmsMessage.RETRY_AFTER), up to SMS_HTTP_RETRIES more times; or failed, which the code
page tells the person. A code's message is not sent after the code has expired.
"""

import logging
import secrets
import threading
from collections import Counter

import clock
from domain.phone import mask_mobile
from gateways.sms import SmsBackend, SmsNotSent
from models import DailySummary, SmsMessage, db
from models import daily_summary as summary

log = logging.getLogger("tameen.sms")

BATCH = 20
IDLE_SECONDS = 1.0


def new_sender_id() -> str:
    return secrets.token_hex(8)


def deliver_due(
    backend: SmsBackend, sender: str, *, retries: int, limit: int = BATCH, stop: threading.Event | None = None
) -> Counter:
    """One pass over the messages due now (until `stop` is set); how many were sent, put
    off, failed, expired, or taken by another sender first."""
    counts = Counter()
    for message in SmsMessage.due(clock.now(), limit):
        if stop is not None and stop.is_set():
            break
        if not message.claim(sender, clock.now()):
            counts["taken by another sender"] += 1
            continue
        counts[_try(message, backend, sender, retries)] += 1
    return counts


def _try(message: SmsMessage, backend: SmsBackend, sender: str, retries: int) -> str:
    if message.send_by is not None and clock.now() >= message.send_by:
        _failed(message, sender, "expired before it could be sent")
        return "expired"
    try:
        backend.send(message.to, message.body, message.idempotency_key)
    except SmsNotSent as refusal:
        if refusal.again and message.tries <= retries:
            message.try_again_later(sender, clock.now(), str(refusal))
            return "put off"
        _failed(message, sender, str(refusal))
        log.warning("SMS to %s failed after %d tries: %s", mask_mobile(message.to), message.tries, refusal)
        return "failed"
    message.mark_sent(sender, clock.now())
    return "sent"


def _failed(message: SmsMessage, sender: str, problem: str) -> None:
    at = clock.now()
    with db.atomic():
        if message.mark_failed(sender, at, problem):
            DailySummary.count_at(at, summary.SMS_FAILURES)


def run(app, stop: threading.Event, *, once: bool = False, idle: float = IDLE_SECONDS) -> Counter:
    """Passes until `stop` is set (or one pass, `once`), resting `idle` seconds whenever a
    pass found nothing to do; the counts of every pass together."""
    sender = new_sender_id()
    total = Counter()
    with app.app_context():
        backend = app.extensions["sms"].backend
        retries = app.config["SMS_HTTP_RETRIES"]
        while not stop.is_set():
            try:
                with db.connection_context():
                    counts = deliver_due(backend, sender, retries=retries, stop=stop)
            except Exception:  # the database away for a moment: the next pass tries again
                if once:
                    raise
                log.exception("SMS sender pass failed")
                counts = Counter()
            total += counts
            if once:
                break
            if not counts:
                stop.wait(idle)
    return total


def start_thread(app) -> threading.Event:
    """A sender in a daemon thread of this process (development); set the event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run, args=(app, stop), name="sms-sender", daemon=True).start()
    return stop
