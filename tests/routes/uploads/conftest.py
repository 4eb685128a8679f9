"""Fixtures for uploads: a company's officer, logged in, reading pages in English."""

import pytest

from tests.helpers import civil_id_for, mobile_for, register_and_login


@pytest.fixture
def officer(client):
    user = register_and_login(client, civil_id_for(40, born="800505"), mobile_for(40), account_kind="company")
    client.get("/?lang=en")
    return user
