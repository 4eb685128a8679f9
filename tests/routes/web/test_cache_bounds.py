"""The page cache keys on everything that shapes a page, stays within its bytes, and keeps
pages asked with a query cheaply (web/page_cache.py, web/site_root.py, web/assets.py)."""

import pytest
from flask import render_template_string

from tests.helpers import make_app
from web import assets, page_cache

EVIL = "//evil.example"


@pytest.mark.parametrize("cookie", [None, "lang=ar"])
def test_a_script_root_sent_with_one_request_reaches_no_later_page(app, cookie):
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": cookie} if cookie else {}
    poisoned = client.get("/", headers=headers, environ_overrides={"SCRIPT_NAME": EVIL})
    assert EVIL not in poisoned.text
    for _ in range(3):
        page = client.get("/", headers=headers)
        assert page.status_code == 200 and 'href="/' in page.text
        assert EVIL not in page.text


def test_the_site_is_read_from_its_root_whatever_script_name_says(client):
    assert client.get("/fees", environ_overrides={"SCRIPT_NAME": "/fees"}).status_code == 404
    assert client.get("/", environ_overrides={"SCRIPT_NAME": "/fees"}).status_code == 200


def test_the_asset_table_stays_bounded_whatever_the_script_roots(app, client):
    for n in range(40):
        client.get("/", environ_overrides={"SCRIPT_NAME": f"/{'r' * 3000}{n}"})
    table = app.extensions["asset_urls"]
    assert len(table) <= 5  # one root: the few files the pages name
    # Even where a script root does arrive (another WSGI server, an embedding app):
    for n in range(assets.URL_TABLE_ENTRIES * 2):
        with app.test_request_context("/", base_url=f"http://localhost/{'r' * 3000}{n}/"):
            render_template_string("{{ asset_url('css/site.css') }}")
    assert len(table) <= assets.URL_TABLE_ENTRIES and table.bytes <= assets.URL_TABLE_BYTES


def held_bytes(pages) -> int:
    """The bodies the cache holds, counted from the pages themselves."""
    return sum(
        len(page.body) + sum(map(len, page.encoded.values()))
        for page, _ in pages.table._entries.values()  # noqa: SLF001
    )


def test_many_unique_queries_stay_within_the_byte_bound(tmp_path):
    app = make_app(tmp_path, PAGE_CACHE_MB="1")
    client = app.test_client(use_cookies=False)
    pages = app.extensions["page_cache"]
    people = "&".join(
        f"people-{i}-category=worker&people-{i}-born=1990-01-{1 + i % 28:02}" for i in range(60)
    )
    for n in range(60):
        answer = client.get(f"/fees?years={n}&{people}", headers={"Accept-Encoding": "gzip, br"})
        assert answer.status_code == 200
        assert held_bytes(pages) <= pages.table.bytes <= 1024 * 1024
    plain = client.get(f"/fees?years=1&{people}")
    assert 60 * len(plain.data) > 2 * 1024 * 1024  # without the bound, twice what it allows
    assert len(pages.table) < 60


def test_pages_asked_with_a_query_are_compressed_cheaply(client, monkeypatch):
    seen = []

    def spy(data, encoding, thorough=False):
        seen.append(thorough)
        return page_cache.compress.__wrapped__(data, encoding, thorough)

    spy.__wrapped__ = page_cache.compress
    monkeypatch.setattr(page_cache, "compress", spy)
    client.get("/fees?years=3&people-0-category=worker", headers={"Accept-Encoding": "br"})
    assert seen == [False]
    client.get("/fees", headers={"Accept-Encoding": "br"})
    assert seen == [False, True]
