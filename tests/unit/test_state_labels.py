"""Every state a request, a payment or a refund can be in has its one label (web/state_labels.py),
which every page shows: a new state without one would fail the page that lists it."""

import pytest

from models import InsuranceRequest, Payment, Refund, SmsMessage
from web.state_labels import PAYMENT_STATES, REFUND_STATES, REQUEST_STATES, SMS_STATES


@pytest.mark.parametrize(
    "labels, model",
    [
        (REQUEST_STATES, InsuranceRequest),
        (PAYMENT_STATES, Payment),
        (REFUND_STATES, Refund),
        (SMS_STATES, SmsMessage),
    ],
)
def test_each_state_has_one_label(labels, model):
    assert list(labels) == list(model.STATES)
