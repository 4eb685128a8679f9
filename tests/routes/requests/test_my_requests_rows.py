"""My requests: each row says whom it covers and, once paid, until when; a draft is "Not paid yet"."""

from tests.helpers import HX, fill_until_check, paid_request, start_request, stored


def test_a_paid_row_names_its_people_and_the_cover_end(client, user):
    reference = paid_request(client)
    end = stored(reference).cover_end.strftime("%d/%m/%Y")
    for headers in ({}, HX):
        listing = client.get("/requests?lang=en", headers=headers)
        assert "Covers <bdi>Ali</bdi> and 1 other person until" in listing.text
        assert end in listing.text


def test_a_draft_row_is_not_paid_yet_and_names_its_people_without_an_end(client, user):
    reference = start_request(client)
    fill_until_check(client, reference)
    listing = client.get("/requests?lang=en")
    assert "Not paid yet" in listing.text and "Draft" not in listing.text
    assert "Covers <bdi>Ali</bdi> and 1 other person</small>" in listing.text


def test_the_arabic_row_counts_the_others_and_says_not_paid_yet(client, user):
    reference = start_request(client)
    fill_until_check(client, reference)
    listing = client.get("/requests?lang=ar")
    assert "لم يُدفع بعد" in listing.text
    assert "يغطي <bdi>Ali</bdi>" in listing.text
