"""Nobody decides on their own request: not only by civil ID (an account's civil ID may be
someone else's until claimed), but by the holder's mobile and every name on it too."""

import pytest

from models import Refund, StaffMember
from tests.helpers import (
    STAFF_PASSWORD,
    approve,
    civil_id_for,
    form_post,
    make_staff,
    mobile_for,
    staff_login,
)


@pytest.mark.parametrize(
    "alike, value",
    [
        ("mobile", "+965" + mobile_for(1)),  # the holder's mobile
        ("name", "  sara   AHMED "),  # the holder's name in English, however written
        ("name", "سارة أحمد"),  # in Arabic
        ("name", "Mona"),  # a person covered
        ("name", "sponsor"),  # the sponsor
    ],
    ids=["mobile", "name_en", "name_ar", "covered", "sponsor"],
)
def test_a_reviewer_cannot_decide_on_a_request_of_their_mobile_or_name(app, waiting, clock, alike, value):
    reference, refund = waiting
    own = make_staff(app, login="conflicted", civil_id=civil_id_for(950, born="700101"))
    setattr(own, alike, value)
    own.save()
    desk = app.test_client()
    desk.get("/desk/login?lang=en")
    assert staff_login(desk, own).status_code == 302
    assert "you cannot decide on its refunds" in desk.get(f"/desk/refunds/{refund.id}").text
    refused = approve(desk, refund)
    assert refused.status_code == 403 and "Another reviewer must decide" in refused.text
    assert form_post(desk, f"/desk/refunds/{refund.id}/reject", {"reason": "x"}).status_code == 403
    assert Refund.get_by_id(refund.id).state == Refund.REQUESTED


def test_a_reviewer_with_another_name_and_mobile_decides(app, waiting, clock):
    reference, refund = waiting
    other = make_staff(app, login="other", civil_id=civil_id_for(951, born="700101"))
    other.mobile, other.name = "+96599000111", "Noura Al-Ali"
    other.save()
    desk = app.test_client()
    assert staff_login(desk, other).status_code == 302
    assert approve(desk, refund).status_code == 303


def test_create_staff_records_the_mobile(app, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-staff",
            "reviewer9",
            "--name",
            "Noura",
            "--civil-id",
            "291030104196",
            "--mobile",
            "٥٠٠١ ٢٣٤٥",
            "--password-stdin",
        ],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert StaffMember.get(StaffMember.login == "reviewer9").mobile == "+96550012345"
    refused = runner.invoke(
        args=[
            "create-staff",
            "reviewer8",
            "--name",
            "Noura",
            "--civil-id",
            "291030104196",
            "--mobile",
            "22123456",
            "--password-stdin",
        ],
        input=STAFF_PASSWORD + "\n",
    )
    assert refused.exit_code != 0 and "--mobile" in refused.output
