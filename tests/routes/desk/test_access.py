"""Who reaches which desk page: staff and applicants are kept apart (neither session opens
the other's pages), and the admin pages are for admins only."""

import pytest

from models import Refund
from tests.helpers import APPLICANT, civil_id_for, form_post, mobile_for, register_and_login, staff_login


def desk_routes(app) -> list[tuple[str, str]]:
    """(method, address) of every desk route but the log-in page, placeholders filled."""
    values = {"reference": "TM-AAAA-AAAA", "refund_id": 1}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/desk") or rule.endpoint == "desk_login.login":
            continue
        address = rule.build({name: values[name] for name in rule.arguments})[1]
        found += [(method, address) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_an_applicant_cannot_reach_any_staff_page(app, client, waiting):
    routes = desk_routes(app)
    assert len(routes) >= 10
    for method, address in routes:
        if method == "GET":
            response = client.get(address)
        else:
            response = form_post(client, address, {"method": "gateway", "reason": "no"})
        if address == "/desk/logout":  # logging out of a desk session one does not have
            continue
        assert response.status_code == 302, (method, address)
        assert response.headers["Location"].startswith("/desk/login"), (method, address)
    assert Refund.get().state == Refund.REQUESTED
    assert client.get("/requests").status_code == 200  # still the applicant
    # Logging in at the desk with the applicant's own credentials gets nowhere either.
    response = form_post(
        client, "/desk/login", {"login": APPLICANT, "password": "a long enough passphrase", "code": "123456"}
    )
    assert response.status_code == 200 and "not right" in response.text


def test_a_stranger_cannot_reach_any_staff_page(app):
    stranger = app.test_client()
    for method, address in desk_routes(app):
        if method == "GET":
            response = stranger.get(address)
            assert response.status_code == 302 and response.headers["Location"].startswith("/desk/login")


def test_a_staff_session_is_not_an_applicant(app, desk):
    for url in ("/requests", "/account/"):
        response = desk.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "My requests" not in desk.get("/fees?lang=en").text


def test_logging_in_as_an_applicant_ends_the_desk_session(app, desk):
    register_and_login(desk, civil_id_for(5), mobile_for(5))
    assert desk.get("/requests").status_code == 200
    assert desk.get("/desk/").status_code == 302


def test_logging_in_at_the_desk_ends_the_applicant_session(app, client, applicant, reviewer, clock):
    assert client.get("/requests").status_code == 200
    assert staff_login(client, reviewer).status_code == 302
    assert client.get("/requests").status_code == 302
    assert client.get("/desk/").status_code == 200


# --- roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/desk/audit",
        "/desk/export",
        "/desk/schedules",
        "/desk/export?kind=payments&date_from=2026-01-01&date_to=2026-01-31",
    ],
)
def test_a_reviewer_cannot_see_admin_pages(desk, admin_desk, url):
    assert desk.get(url).status_code == 403
    assert admin_desk.get(url).status_code == 200


def test_admin_links_only_for_admins(desk, admin_desk):
    assert "/desk/audit" not in desk.get("/desk/").text
    assert "/desk/audit" in admin_desk.get("/desk/").text
