"""The desk's front page shows the last 30 days from the summary rows: an inline SVG with
its title, and the same figures in a table, with or without htmx."""

import re

import pytest

from tests.helpers import paid_request


def today_row(page: str) -> list[str]:
    body = page.split('<table class="daily-table">', 1)[1].split("<tbody>", 1)[1]
    first = body.split("</tr>", 1)[0]
    return re.findall(r"<td>([^<]*)</td>", first)


@pytest.mark.parametrize("htmx", [False, True])
def test_the_home_page_draws_the_month_and_tabulates_it(client, applicant, desk, htmx):
    paid_request(client)
    page = desk.get("/desk/", headers={"HX-Request": "true"} if htmx else {}).text
    svg = page.split('<svg viewBox="', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="daily-title"' in svg
    assert '<title id="daily-title">' in svg
    assert "style=" not in svg  # the CSP allows no inline styles: classes only
    assert svg.count('class="daily-bar"') == 2  # one payment: its count and its amount
    assert "<caption" in page and page.count("<tr>") >= 31
    row = today_row(page)
    assert row[0] == "1" and row[2] == "0"  # one payment, no refund


def test_an_empty_month_draws_empty_strips(desk):
    page = desk.get("/desk/").text
    assert 'class="daily-bar"' not in page and "The last 30 days" in page
