"""Fixtures for the desk: an applicant with a paid request, and staff logged in at the desk
in browsers of their own (test clients apart from the applicant's `client`)."""

import pytest

from tests.helpers import (
    ADMIN_CIVIL_ID,
    APPLICANT,
    make_staff,
    mobile_for,
    refunded_request,
    register_and_login,
    staff_login,
)


@pytest.fixture
def applicant(client, clock):
    user = register_and_login(client, APPLICANT, mobile_for(1))
    client.get("/?lang=en")
    return user


@pytest.fixture
def reviewer(app):
    return make_staff(app)


@pytest.fixture
def admin(app):
    return make_staff(app, login="admin1", civil_id=ADMIN_CIVIL_ID, role="admin")


@pytest.fixture
def desk(app, reviewer, clock):
    """A second browser: the reviewer, logged in at the desk."""
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, reviewer).status_code == 302
    return desk


@pytest.fixture
def admin_desk(app, admin, clock):
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, admin).status_code == 302
    return desk


@pytest.fixture
def waiting(client, applicant):
    """A paid request (through the sandbox bank) whose refund waits for review:
    (reference, Refund)."""
    return refunded_request(client)
