"""Fixtures every test can use: a fresh app with its own instance folder and database per
test, its test client, and a clock to move instead of sleeping.

TAMEEN_CLOCK=2027-02-28T21:30:00Z starts the one clock there for the whole run (and for
the servers the tests start, which inherit it): CI runs the quick suite so at the hours
where Kuwait's day and UTC's differ.

Plain helpers (form_post, register_and_login, civil_id_for, ...) live in tests/helpers.py;
this file is not imported.
"""

import os
from datetime import datetime, timedelta

import pytest

import clock
from tests.helpers import PRODUCTION_KNET, drop_test_schemas, make_app


@pytest.fixture(autouse=True)
def _drop_test_schemas():
    yield
    drop_test_schemas()


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def _sms_provider_address(monkeypatch):
    """Production refuses to start without an SMS provider (SMS_BACKEND=http). Tests that
    build a production app get this placeholder; nothing is ever sent to it. The same for
    the bank's settings (PRODUCTION_KNET)."""
    if "SMS_HTTP_URL" not in os.environ:
        monkeypatch.setenv("SMS_HTTP_URL", "https://sms.invalid/send")
    for name, value in PRODUCTION_KNET.items():
        if name not in os.environ:
            monkeypatch.setenv(name, value)


class FrozenClock:
    """The one clock (clock.py), frozen: tests move time instead of sleeping."""

    def __init__(self, start):
        self.at = start

    @property
    def at(self):
        return clock.now()

    @at.setter
    def at(self, instant) -> None:
        clock.freeze(instant)

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)

    # A test taking this fixture as `clock` still reads the time as the app does.
    def now(self):
        return clock.now()

    def today_in_kuwait(self):
        return clock.today_in_kuwait()


@pytest.fixture(name="clock")
def frozen_clock():
    """The clock stood at 08:00 UTC on 10 January 2026, to be moved with .advance() or .at."""
    yield FrozenClock(datetime(2026, 1, 10, 8, 0, 0))
    clock.unfreeze()
