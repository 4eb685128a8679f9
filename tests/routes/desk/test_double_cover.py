"""Double payments at the desk: the same civil ID covered twice across accounts (which the
residents are not told), the cover dates in the payment search, and the other payment on
a "paid twice" refund."""

from domain.dates import format_day
from tests.helpers import (
    ADULT,
    HX,
    ask_refund,
    civil_id_for,
    mobile_for,
    paid_request,
    register_and_login,
    stored,
)


def paid_by_another_account(app):
    """A second account paying for the same two people as `paid_request`."""
    other = app.test_client()
    register_and_login(other, civil_id_for(2), mobile_for(2))
    other.get("/?lang=en")
    return other, paid_request(other)


def test_the_desk_lists_one_civil_id_covered_twice_across_accounts(app, client, applicant, desk):
    first = paid_request(client)
    other, second = paid_by_another_account(app)
    for headers in ({}, HX):
        page = desk.get("/desk/duplicates", headers=headers)
        assert page.status_code == 200
        assert first in page.text and second in page.text and ADULT in page.text
        assert format_day(stored(second).cover_end) in page.text
    # Linked from every desk page's menu.
    assert 'href="/desk/duplicates"' in desk.get("/desk/").text
    # Neither resident was told: the second paid like the first.
    assert "is already covered" not in other.get(f"/requests/{second}").text


def test_the_duplicates_page_is_for_staff_only(client, applicant):
    paid_request(client)
    response = client.get("/desk/duplicates")
    assert response.status_code in (302, 303, 404)
    assert "/desk/duplicates" not in client.get("/requests").text


def test_no_duplicates_and_pages(client, applicant, desk):
    paid_request(client)
    page = desk.get("/desk/duplicates").text
    assert "No civil ID is covered twice for the same days." in page
    assert desk.get("/desk/duplicates?page=x").status_code == 200


def test_the_payment_search_shows_the_cover_dates(client, applicant, desk):
    reference = paid_request(client)
    paid = stored(reference)
    page = desk.get(f"/desk/payments?q={reference}").text
    assert format_day(paid.cover_start) in page and format_day(paid.cover_end) in page


def test_a_paid_twice_refund_shows_the_other_payment(app, client, applicant, desk):
    first = paid_request(client)
    _other, second = paid_by_another_account(app)
    assert ask_refund(client, first, reason="paid_twice").status_code == 303
    refund = stored(first).latest_refund()
    page = desk.get(f"/desk/refunds/{refund.id}").text
    assert "Other payments for the same people and days" in page
    assert second in page and stored(second).latest_payment().track_id in page


def test_another_reasons_refund_does_not_look_for_one(client, applicant, desk):
    reference = paid_request(client)
    assert ask_refund(client, reference).status_code == 303
    page = desk.get(f"/desk/refunds/{stored(reference).latest_refund().id}").text
    assert "Other payments for the same people and days" not in page
