"""A civil ID claimed at the desk: someone registered another person's civil ID; its owner
brings their card, an admin releases the civil ID (that account is frozen, its requests and
payments kept, every step audited) and the owner registers."""

import pytest

from models import AuditEvent, InsuranceRequest, Payment, User
from tests.helpers import (
    ADMIN_CIVIL_ID,
    APPLICANT,
    civil_id_for,
    form_post,
    login,
    make_staff,
    mobile_for,
    paid_request,
    register,
    register_and_login,
    sms_to,
    staff_login,
    stored,
    use_outbox,
)

OWNER_MOBILE = "60077001"
CHECKED = {
    "civil_id": APPLICANT,
    "card_seen": "y",
    "name_on_card": "Mariam Khalid",
    "note": "Card seen, photo matches",
}


def release(desk, **changes):
    return form_post(desk, "/desk/claims/release", {**CHECKED, **changes})


def test_the_owner_gets_their_civil_id_back_and_registers(app, client, applicant, admin_desk, clock):
    # `applicant` registered APPLICANT, which is not theirs, and paid a request with it.
    reference = paid_request(client)
    owner = app.test_client()
    use_outbox(app)
    owner.get("/?lang=en")  # the SMS comes in the language of the page
    assert register(owner, APPLICANT, OWNER_MOBILE).headers["Location"] == "/register/code"
    assert "already has an account" in sms_to("+965" + OWNER_MOBILE)[-1]

    page = admin_desk.get(f"/desk/claims?civil_id={APPLICANT}")
    assert page.status_code == 200
    assert "Sara Ahmed" in page.text and "••••0001" in page.text and mobile_for(1) not in page.text
    assert "Release the civil ID and freeze the account" in page.text

    assert release(admin_desk).headers["Location"] == "/desk/claims"
    assert "The civil ID is released" in admin_desk.get("/desk/claims").text

    # The account that held it is frozen: signed out, never to log in again, and told.
    held = User.get_by_id(applicant.id)
    assert held.frozen_at == clock.at and held.released_civil_id == APPLICANT
    assert held.civil_id != APPLICANT and not held.can_log_in
    assert client.get("/account/").status_code == 302
    assert login(app.test_client(), APPLICANT).status_code == 200
    assert "proved at the Tameen desk" in sms_to(applicant.mobile)[-1]
    # Its requests and payments are kept, and still on the desk.
    request = stored(reference)
    assert request.owner_id == applicant.id and request.state == InsuranceRequest.PAID
    assert request.latest_payment().state == Payment.PAID
    assert admin_desk.get(f"/desk/requests/{reference}").status_code == 200
    assert reference in admin_desk.get(f"/desk/payments?q={APPLICANT}").text  # by the civil ID it held

    # Every step is in the audit log, with who did it and what they checked.
    lookups = AuditEvent.select().where(AuditEvent.action == "desk.claim_lookup")
    assert [event.values("after") for event in lookups][0] == {"civil_id": APPLICANT, "found": True}
    released = AuditEvent.get(AuditEvent.action == "account.civil_id_released")
    assert (released.actor_kind, released.actor_label) == ("staff", "admin1")
    assert (released.record_kind, released.record_id) == ("applicant", str(applicant.id))
    assert released.values("before")["civil_id"] == APPLICANT
    assert released.values("after")["name_on_card"] == "Mariam Khalid"
    assert released.values("after")["card_seen"] is True
    assert "Civil ID released to its owner, account frozen" in admin_desk.get("/desk/audit").text

    # The owner registers with their civil ID.
    mine = register_and_login(owner, APPLICANT, OWNER_MOBILE)
    assert mine.id != applicant.id and mine.can_log_in
    assert owner.get("/account/").status_code == 200


def test_the_card_must_be_checked_and_recorded(client, applicant, admin_desk):
    response = release(admin_desk, card_seen="", name_on_card="")
    assert response.status_code == 200 and "<title>Error:" in response.text
    assert "Check the civil ID card, then say that you have" in response.text
    assert "Enter the name on the civil ID card" in response.text
    assert "Sara Ahmed" in response.text  # the account stays on the page, beside the problems
    assert "Enter the civil ID number on the card" not in response.text
    assert User.get_by_id(applicant.id).frozen_at is None


def test_a_civil_id_that_no_account_holds(admin_desk):
    page = admin_desk.get(f"/desk/claims?civil_id={civil_id_for(55)}")
    assert "No account holds this civil ID: its owner can register." in page.text
    assert "Release the civil ID" not in page.text
    bad = admin_desk.get("/desk/claims?civil_id=290011500180")
    assert "This civil ID number is not right" in bad.text
    assert AuditEvent.get(AuditEvent.action == "desk.claim_lookup").values("after")["found"] is False


def test_a_civil_id_is_released_once(client, applicant, admin_desk):
    assert release(admin_desk).status_code == 302
    again = release(admin_desk)
    assert again.headers["Location"] == "/desk/claims"
    assert "No account holds this civil ID" in admin_desk.get("/desk/claims").text
    assert AuditEvent.select().where(AuditEvent.action == "account.civil_id_released").count() == 1


def test_only_admins_release_a_civil_id(app, client, applicant, desk):
    assert desk.get("/desk/claims").status_code == 403
    assert release(desk).status_code == 403
    assert "Civil ID claims" not in desk.get("/desk/").text
    assert client.get("/desk/claims").headers["Location"].startswith("/desk/login")
    assert User.get_by_id(applicant.id).frozen_at is None


@pytest.mark.parametrize("alike", ["mobile", "name"])
def test_an_admin_does_not_release_an_account_that_may_be_theirs(app, client, applicant, clock, alike):
    admin = make_staff(app, login="admin2", civil_id=ADMIN_CIVIL_ID, role="admin")
    if alike == "mobile":
        admin.mobile = applicant.mobile
    else:
        admin.name = "SARA  ahmed"
    admin.save()
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, admin).status_code == 302
    refused = release(desk)
    assert refused.status_code == 403 and "another admin must release it" in refused.text
    assert User.get_by_id(applicant.id).frozen_at is None
