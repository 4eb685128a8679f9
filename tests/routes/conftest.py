"""Fixtures for the route tests: an applicant logged in through the real forms."""

import pytest

from tests.helpers import register_and_login


@pytest.fixture
def user(client):
    """The applicant (APPLICANT, registered and logged in), reading pages in English."""
    user = register_and_login(client)
    client.get("/?lang=en")
    return user
