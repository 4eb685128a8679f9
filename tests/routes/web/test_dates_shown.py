"""Dates are shown dd/mm/yyyy in both languages, in ASCII digits and on Kuwait's clock,
each isolated as an identifier (<bdi class="id">) so that it stays one line in Arabic text."""

from datetime import date, datetime

import pytest
from flask import render_template_string

from tests.helpers import start_request

DAY = date(2028, 3, 31)
STORED = datetime(2028, 3, 31, 21, 30)  # UTC: 00:30 on 1 April in Kuwait


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_filters_print_day_first_in_ascii_digits(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        shown = render_template_string(
            "{{ day|dateformat('long') }} {{ at|datetimeformat('medium') }} {{ at|dateformat }}"
            "[{{ none|dateformat }}{{ none|datetimeformat }}]",
            day=DAY,
            at=STORED,
            none=None,
        )
    assert shown == (
        '<bdi class="id">31/03/2028</bdi> <bdi class="id">01/04/2028 00:30</bdi> '
        '<bdi class="id">01/04/2028</bdi>[]'
    )


def test_a_date_inside_a_translated_sentence_keeps_its_markup(app):
    with app.test_request_context("/?lang=ar"):
        shown = render_template_string(
            '{{ _("in force from %(date)s", date=day|dateformat("medium")) }}', day=DAY
        )
    assert '<bdi class="id">31/03/2028</bdi>' in shown and "&lt;" not in shown


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_my_requests_shows_the_day_of_the_last_change_in_kuwait(client, user, clock, lang):
    clock.at = datetime(2026, 1, 10, 22, 0)  # already 11 January in Kuwait
    start_request(client)
    page = client.get(f"/requests?lang={lang}").text
    assert '<bdi class="id">11/01/2026</bdi>' in page
