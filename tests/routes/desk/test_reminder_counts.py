"""The desk's front page counts the renewal reminders sent and the renewals after them."""

import re
from datetime import timedelta

from services import reminders
from tests.helpers import form_post, paid_request, stored


def count(page: str, name: str) -> int:
    return int(re.search(rf'data-count="{name}">(\d+)<', page).group(1))


def test_reminders_sent_and_renewals_that_followed(app, client, applicant, desk, clock):
    page = desk.get("/desk/").text
    assert "Renewal reminders" in page and count(page, "reminders-sent") == 0
    reference = paid_request(client)
    insurance_request = stored(reference)
    last_day = insurance_request.cover_end
    with app.test_request_context():
        reminders.send_reminders(last_day - timedelta(days=30), (30, 7), lambda r: "renew", lambda t: "stop")
    clock.advance(minutes=1)
    assert form_post(client, f"/requests/{reference}/renew").status_code == 302
    page = desk.get("/desk/").text
    assert (count(page, "reminders-sent"), count(page, "renewals-started"), count(page, "renewals-paid")) == (
        1,
        1,
        0,
    )
