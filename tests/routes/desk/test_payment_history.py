"""The desk shows a payment's history: every message to and from the bank, in order,
in Arabic and English; the applicant's own pages never show it."""

import pytest

from tests.helpers import stored


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", ("Messages with the bank", "Sent to the bank's payment page", "Inquiry answered by the bank")),
        ("ar", ("الرسائل المتبادلة مع البنك", "أُرسل إلى صفحة الدفع لدى البنك", "ردّ البنك على الاستعلام")),
    ],
)
def test_the_request_page_at_the_desk_lists_the_messages_with_the_bank(desk, waiting, lang, words):
    reference, _refund = waiting
    page = desk.get(f"/desk/requests/{reference}?lang={lang}").text
    for word in words:
        assert word in page
    assert page.index(words[1]) < page.index(words[2])  # oldest first
    assert "CAPTURED" in page and stored(reference).latest_payment().track_id in page


def test_the_applicant_never_sees_the_messages_with_the_bank(client, waiting):
    reference, _refund = waiting
    assert "Messages with the bank" not in client.get(f"/requests/{reference}?lang=en").text
    assert "Messages with the bank" not in client.get(f"/requests/{reference}/receipt?lang=en").text
