"""Errors and edges: what a page does with arguments, bodies, hosts and names it did not
expect (issue 15, section 4)."""
import re

import pytest

LANGUAGE_LINK = re.compile(r'<a class="language-switch" href="([^"]*)"')


def language_link(body: str) -> str:
    return LANGUAGE_LINK.search(body).group(1).replace("&amp;", "&")


# --- the language switch builds its link from known arguments only --------------------

@pytest.mark.parametrize("query", ["_method=POST", "_anchor=top", "_external=1", "_scheme=javascript",
                                   "_method=POST&_anchor=x&_external=1&years=2"])
def test_url_for_keywords_in_the_query_are_not_obeyed(client, caplog, query):
    response = client.get(f"/fees?lang=en&{query}")
    assert response.status_code == 200
    link = language_link(response.text)
    assert link.startswith("/fees?") and "#" not in link and "_" not in link, link
    assert link.endswith("lang=ar")
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_the_language_link_keeps_the_page_and_its_ordinary_query(client):
    response = client.get("/fees?years=3&lang=en&years=4")
    assert language_link(response.text) == "/fees?years=3&years=4&lang=ar"


def test_a_page_with_an_address_argument_links_to_itself(client):
    code = "x" * 20
    response = client.get(f"/verify/{code}?lang=en&_anchor=x")
    assert response.status_code == 404
    assert language_link(response.text) == f"/verify/{code}?lang=ar"
    found = client.get("/no-such-page?_method=POST&_external=1")
    assert found.status_code == 404 and language_link(found.text) == "/?lang=ar"  # English is remembered
