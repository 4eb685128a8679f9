"""Every desk page is a whole page, with or without HX-Request, and in Arabic too."""

import pytest

from tests.helpers import HX, approve, form_post


@pytest.mark.parametrize("headers", [{}, HX])
def test_every_desk_page_is_whole_with_or_without_htmx(client, waiting, admin_desk, headers):
    reference, refund = waiting
    for url in (
        "/desk/login",
        "/desk/",
        f"/desk/payments?q={reference}",
        f"/desk/requests/{reference}",
        "/desk/refunds",
        f"/desk/refunds/{refund.id}",
        "/desk/audit",
        "/desk/export",
        "/desk/schedules",
    ):
        page = admin_desk.get(url, headers=headers)
        assert page.status_code == 200, url
        assert "<!doctype html>" in page.text, url
        assert "<title>" in page.text and page.headers["X-Robots-Tag"] == "noindex", url
    for post in (
        approve(admin_desk, refund, method="bank_transfer", headers=headers),
        form_post(admin_desk, f"/desk/refunds/{refund.id}/reject", {"reason": ""}, headers=headers),
    ):
        assert "<!doctype html>" in post.text
    done = approve(admin_desk, refund, headers=headers)
    assert done.status_code == 303
    assert form_post(admin_desk, "/desk/logout", headers=headers).status_code == 302
    login = form_post(
        admin_desk, "/desk/login", {"login": "admin1", "password": "x", "code": "1"}, headers=headers
    )
    assert login.status_code == 200 and "<!doctype html>" in login.text


def test_desk_pages_in_arabic(admin_desk, waiting):
    reference, refund = waiting
    page = admin_desk.get(f"/desk/refunds/{refund.id}?lang=ar")
    assert 'lang="ar" dir="rtl"' in page.text
