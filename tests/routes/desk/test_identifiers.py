"""The desk shows civil IDs, IBANs, references, phones and payment ids as isolated
identifiers (<bdi class="id">): one line, left to right, inside Arabic or English text."""

import pytest

from tests.helpers import APPLICANT, stored


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_refund_and_its_request_show_identifiers_isolated(desk, waiting, lang):
    reference, refund = waiting
    track_id = stored(reference).latest_payment().track_id
    page = desk.get(f"/desk/refunds/{refund.id}?lang={lang}").text
    assert '<bdi class="id iban">KW81 CBKU 0000 0000 0000 1234 5601 01</bdi>' in page
    assert f'<bdi class="id">{track_id}</bdi>' in page
    assert f'<bdi class="id">{reference}</bdi>' in page
    request_page = desk.get(f"/desk/requests/{reference}?lang={lang}").text
    assert f'<bdi class="id">{APPLICANT}</bdi>' in request_page
    assert f'<bdi class="id">{track_id}</bdi>' in request_page
    assert 'dd dir="ltr"' not in request_page  # the cell keeps the page's direction
    queue = desk.get(f"/desk/refunds?lang={lang}").text
    assert f'<td><bdi class="id">{reference}</bdi></td>' in queue


@pytest.mark.parametrize("lang, hint", [("en", "Like 01/01/2026"), ("ar", "مثل \u206601/01/2026\u2069")])
def test_typed_dates_are_hinted_day_first_and_read_either_way(admin_desk, waiting, lang, hint):
    assert hint in admin_desk.get(f"/desk/export?lang={lang}").text
    day_first = admin_desk.get("/desk/export?kind=refunds&date_from=01/01/2026&date_to=31/01/2026")
    iso = admin_desk.get("/desk/export?kind=refunds&date_from=2026-01-01&date_to=2026-01-31")
    assert day_first.status_code == 200 and day_first.data == iso.data
    assert day_first.mimetype == "text/csv"
