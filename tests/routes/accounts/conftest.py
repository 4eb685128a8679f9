"""Fixtures for the account pages: SMS kept in the outbox, where the tests read the codes."""

import pytest

from tests.helpers import use_outbox


@pytest.fixture
def client(app):
    use_outbox(app)
    return app.test_client()
