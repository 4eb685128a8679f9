"""Shared fixtures: a fresh app with its own instance folder and database per test.

CSRF protection stays on in tests, as in production; `form_post` signs a token into
the test client's session the way Flask-WTF does.
"""
import secrets

import pytest
from itsdangerous import URLSafeTimedSerializer

from app import create_app

HX = {"HX-Request": "true"}


def make_app(tmp_path, **overrides):
    config = {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-" + "x" * 40,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token_for(client) -> str:
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    serializer = URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token")
    return serializer.dumps(raw)


def form_post(client, url, data=None, **kwargs):
    """POST a form the way a browser would, CSRF token included."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token_for(client))
    return client.post(url, data=data, **kwargs)
