"""One cover period for a paid request, decided when it is paid: the receipt shows it,
the reminders count down to its end, and an upload finds its people covered until then.
Frozen late on one Kuwait day and paid after midnight in Kuwait (21:00 UTC), the cover
runs from the day paid, everywhere."""

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from services import reminders
from services.uploads import covered_civil_ids
from tests.helpers import ADULT, fill_until_check, form_post, register_and_login, start_request, stored

FROZEN_AT = datetime(2026, 3, 1, 20, 50)  # 23:50 on 1 March in Kuwait
PAID_AT = datetime(2026, 3, 1, 21, 5)  # 00:05 on 2 March in Kuwait
FIRST_DAY, LAST_DAY = date(2026, 3, 2), date(2028, 3, 1)  # two years from the day paid


def test_the_receipt_the_reminders_and_the_uploads_check_agree_on_the_cover(app, client, clock):
    clock.at = FROZEN_AT
    applicant = register_and_login(client)
    reference = start_request(client)
    fill_until_check(client, reference)
    bank = form_post(client, f"/requests/{reference}/check", {"confirm": "y"})
    assert bank.status_code == 303
    clock.at = PAID_AT
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    assert client.get(back.headers["Location"]).status_code == 303

    paid = stored(reference)
    assert (paid.cover_start, paid.cover_end) == (FIRST_DAY, LAST_DAY)

    receipt = client.get(f"/requests/{reference}/receipt?lang=en").text
    for day in (FIRST_DAY, LAST_DAY):
        assert f'<bdi class="id">{day:%d/%m/%Y}</bdi>' in receipt

    due = reminders.due_reminders(LAST_DAY - timedelta(days=7), (30, 7))
    assert [(item.request.reference, item.cover_end) for item in due] == [(reference, LAST_DAY)]
    assert reminders.due_reminders(LAST_DAY + timedelta(days=1), (30, 7)) == []

    assert covered_civil_ids(applicant, {ADULT}, LAST_DAY) == {ADULT}
    assert covered_civil_ids(applicant, {ADULT}, LAST_DAY + timedelta(days=1)) == set()
