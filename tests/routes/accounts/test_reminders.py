"""Turning renewal reminders off: on the account page, and by the link in a reminder
SMS, which needs no log-in: its GET shows a button, the button's POST turns them off."""

from datetime import timedelta

import pytest

from models import Reminder, User
from services import reminders
from tests.helpers import form_post, paid_request, sms_to, stored


def fresh(user):
    return User.get_by_id(user.id)


def test_the_account_page_turns_reminders_off_and_on(client, user):
    page = client.get("/account/").text
    assert "Renewal reminders" in page and "Stop reminders" in page
    response = form_post(client, "/account/reminders", {"reminders": "off"})
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert not fresh(user).reminders_on
    page = client.get("/account/").text
    assert "Renewal reminders are off." in page and "Send me reminders" in page
    form_post(client, "/account/reminders", {"reminders": "on"})
    assert fresh(user).reminders_on


def test_the_account_page_needs_the_csrf_token_and_a_login(app, client, user):
    assert client.post("/account/reminders", data={"reminders": "off"}).status_code == 400
    assert fresh(user).reminders_on
    response = form_post(app.test_client(), "/account/reminders", {"reminders": "off"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def reminded(app, client, user):
    """A paid request whose 7-day reminder went out; its SMS."""
    reference = paid_request(client)
    insurance_request = stored(reference)
    last_day = insurance_request.cover_end
    with app.test_request_context():
        counts = reminders.send_reminders(
            last_day - timedelta(days=7),
            (30, 7),
            lambda r: f"http://localhost/requests/{r.reference}/renew",
            lambda token: f"http://localhost/account/reminders/off/{token}",
        )
    assert counts["sent"] == 1
    return sms_to(user.mobile)[-1]


def test_the_link_in_the_sms_turns_reminders_off_without_a_login(app, user, reminded):
    token = Reminder.get().token
    assert f"/account/reminders/off/{token}" in reminded
    stranger = app.test_client()  # a phone's browser: no session
    page = stranger.get(f"/account/reminders/off/{token}?lang=en")
    assert page.status_code == 200 and "Stop renewal reminders?" in page.text
    assert fresh(user).reminders_on  # opening the link, or a preview of it, changes nothing
    done = form_post(stranger, f"/account/reminders/off/{token}")
    assert done.status_code == 200 and "Renewal reminders are off" in done.text
    assert not fresh(user).reminders_on
    assert form_post(stranger, f"/account/reminders/off/{token}").status_code == 200  # twice: the same
    assert not fresh(user).reminders_on


def test_the_link_page_in_arabic(app, reminded):
    page = app.test_client().get(f"/account/reminders/off/{Reminder.get().token}?lang=ar").text
    assert "إيقاف تذكيرات التجديد؟" in page


def test_an_unknown_link_is_not_found(app, user, reminded):
    stranger = app.test_client()
    assert stranger.get("/account/reminders/off/not-a-token").status_code == 404
    assert form_post(stranger, "/account/reminders/off/not-a-token").status_code == 404
    assert stranger.post(f"/account/reminders/off/{Reminder.get().token}").status_code == 400  # no CSRF
    assert fresh(user).reminders_on
