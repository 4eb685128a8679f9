"""Fixtures every test can use: a fresh app with its own instance folder and database per
test, its test client, and a clock to move instead of sleeping.

Plain helpers (form_post, register_and_login, civil_id_for, ...) live in tests/helpers.py;
this file is not imported.
"""

import os

import pytest

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


class Clock:
    """Stands in for models.now(): tests move time instead of sleeping."""

    def __init__(self, start):
        self.at = start

    def __call__(self):
        return self.at

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.at += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    from datetime import datetime

    import models

    fake = Clock(datetime(2026, 1, 10, 8, 0, 0))
    monkeypatch.setattr(models.clock, "now", fake)
    return fake
