"""Express payment's dates: hints and error examples day first (31/03/2028), any written
form accepted, and the check page showing dates and civil IDs as isolated identifiers."""

from datetime import date

import pytest

import clock
from tests.helpers import civil_id_for, form_post, latest_code, mobile_for, use_outbox

SPONSOR = civil_id_for(43, born="700505")
MOBILE = mobile_for(43)
WORKER = civil_id_for(431, born="950101")
EXPIRY = date(clock.today_in_kuwait().year + 4, 3, 31)


def proved_mobile(client, lang):
    client.get(f"/?lang={lang}")
    use_outbox(client.application)
    assert form_post(client, "/express", {"civil_id": SPONSOR, "mobile": MOBILE}).status_code == 302
    assert form_post(client, "/express/code", {"code": latest_code("+965" + MOBILE)}).status_code == 302


def send_worker(client, expiry: str):
    return form_post(
        client,
        "/express/workers",
        {
            "people-0-civil_id": WORKER,
            "people-0-name": "Maria Santos",
            "people-0-category": "domestic_worker",
            "people-0-passport_expiry": expiry,
            "action": "continue",
        },
    )


@pytest.mark.parametrize(
    "lang, hint, error",
    [
        ("en", "For example 31/03/2028", "Enter a real date, like 31/03/2028"),
        ("ar", "مثال: \u206631/03/2028\u2069", None),
    ],
)
def test_the_expiry_hint_and_error_give_the_date_day_first(client, lang, hint, error):
    proved_mobile(client, lang)
    assert hint in client.get("/express/workers").text
    wrong = send_worker(client, "31/02/2030")
    assert wrong.status_code == 200 and hint in wrong.text
    if error:
        assert error in wrong.text


@pytest.mark.parametrize(
    "typed",
    [
        EXPIRY.strftime("%d/%m/%Y"),
        f"{EXPIRY.day}/{EXPIRY.month}/{EXPIRY.year}",
        EXPIRY.isoformat(),
        EXPIRY.strftime("%d/%m/%Y").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    ],
)
def test_every_written_form_is_accepted_and_shown_day_first(client, typed):
    proved_mobile(client, "ar")
    assert send_worker(client, typed).status_code == 302
    assert form_post(client, "/express/years", {"insurance_status": "new", "years": "1"}).status_code == 302
    page = client.get("/express/check").text
    assert f'<bdi class="id">31/03/{EXPIRY.year}</bdi>' in page
    assert f'<bdi class="id">{WORKER}</bdi>' in page and f'<bdi class="id">{SPONSOR}</bdi>' in page
