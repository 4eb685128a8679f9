"""Limits on logging in, sending codes and resetting passwords, per account and per
client address. The counters live in the database, so every server process shares them.

An account's failed log-ins never lock it: anyone can type a civil ID or a staff login,
so a lock would be a stranger's weapon against its owner. Past LOGIN_FAILURES_PER_ACCOUNT
the log-in asks for more (an SMS code for applicants, two TOTP codes for staff) instead;
only an address is refused outright."""

import hashlib
import hmac
import math
from datetime import timedelta
from typing import NamedTuple

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

import clock
import models
from models import RateLimit


class Limit(NamedTuple):
    name: str
    hits: int
    window: timedelta


LOGIN_FAILURES_PER_ACCOUNT = Limit("login-account", 5, timedelta(minutes=15))
LOGIN_FAILURES_PER_ADDRESS = Limit("login-address", 20, timedelta(minutes=15))
# Wrong passwords typed to change the mobile, by someone already logged in.
PASSWORD_CHECKS_PER_ACCOUNT = Limit("password-account", 5, timedelta(minutes=15))
CODES_PER_ACCOUNT = Limit("codes-account", 10, timedelta(hours=1))
CODES_PER_ADDRESS = Limit("codes-address", 20, timedelta(hours=1))
RESETS_PER_ACCOUNT = Limit("reset-account", 5, timedelta(hours=1))
RESETS_PER_ADDRESS = Limit("reset-address", 10, timedelta(hours=1))
# Registering a civil ID that has an account tells the number typed so (by SMS): counted
# for every civil ID registered, taken or not, so the refusal itself tells nothing.
REGISTRATIONS_PER_CIVIL_ID = Limit("register-civil-id", 3, timedelta(days=1))
# The bank's return address asks the bank about the payment it names: anyone may call it.
PAYMENT_RETURNS_PER_ADDRESS = Limit("return-address", 30, timedelta(minutes=15))


def client_address() -> str:
    return request.remote_addr or "unknown"


def _key(limit: Limit, subject: str, secret_key: str | None = None) -> str:
    # Keyed hash: the table holds no civil IDs or addresses in clear.
    secret = (secret_key or current_app.secret_key).encode()
    digest = hmac.new(secret, subject.encode(), hashlib.sha256)
    return f"{limit.name}:{digest.hexdigest()[:40]}"


def _earlier_keys(limit: Limit, subject: str) -> list[str]:
    """The counters kept under SECRET_KEY_FALLBACKS: uses counted just before the key was
    rotated still count (read only; new uses are counted under SECRET_KEY)."""
    return [_key(limit, subject, old) for old in current_app.config.get("SECRET_KEY_FALLBACKS") or ()]


def _earlier_hits(limit: Limit, subject: str, at) -> int:
    rows = (RateLimit.current(key, limit.window, at) for key in _earlier_keys(limit, subject))
    return sum(row.hits for row in rows if row is not None)


def too_many(seconds: int):
    error = TooManyRequests()
    error.retry_after = max(1, math.ceil(seconds))
    raise error


def _used(limit: Limit, subject: str, at) -> tuple[int, float]:
    """(uses in the window, seconds until the current window ends), counting nothing."""
    row = RateLimit.current(_key(limit, subject), limit.window, at)
    earlier = _earlier_hits(limit, subject, at)
    seconds = row.seconds_left(limit.window, at) if row is not None else limit.window.total_seconds()
    return (row.hits if row is not None else 0) + earlier, seconds


def ensure_below(limit: Limit, subject: str) -> None:
    """429 when `subject` has already used up `limit`; counts nothing."""
    hits, seconds = _used(limit, subject, clock.now())
    if hits >= limit.hits:
        too_many(seconds)


def reached(limit: Limit, subject: str) -> bool:
    """True when `subject` has used up `limit` in its window; counts nothing."""
    return _used(limit, subject, clock.now())[0] >= limit.hits


def count(limit: Limit, subject: str) -> None:
    RateLimit.hit(_key(limit, subject), limit.window, clock.now())


def spend(limit: Limit, subject: str) -> None:
    """Count one use, and 429 when it goes over the limit."""
    at = clock.now()
    row = RateLimit.hit(_key(limit, subject), limit.window, at)
    if row.hits + _earlier_hits(limit, subject, at) > limit.hits:
        too_many(row.seconds_left(limit.window, at))


def take(limit: Limit, subject: str) -> bool:
    """Count one use; False when it goes over the limit (for things skipped, not refused)."""
    at = clock.now()
    row = RateLimit.hit(_key(limit, subject), limit.window, at)
    return row.hits + _earlier_hits(limit, subject, at) <= limit.hits


def forget(limit: Limit, subject: str) -> None:
    for key in (_key(limit, subject), *_earlier_keys(limit, subject)):
        RateLimit.forget(key)


def too_many_codes_for(mobile: str) -> None:
    """429 when `mobile` has had its codes for this hour."""
    at = clock.now()
    free_at = models.OneTimeCode.number_free_at(mobile, at)
    if free_at is not None:
        too_many((free_at - at).total_seconds())


def init_app(app) -> None:
    # Behind a reverse proxy every request comes from the proxy: trust its
    # X-Forwarded-For for as many hops as the operator says, and no more.
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
