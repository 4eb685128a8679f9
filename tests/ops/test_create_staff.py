"""`flask create-staff`: an operator makes a reviewer or an admin, whose TOTP secret is
printed once; what it refuses."""

import re

import pytest

from models import AuditEvent, StaffMember
from tests.helpers import STAFF_PASSWORD, staff_login


def test_create_staff_prints_the_totp_secret_once(app, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-staff",
            "reviewer9",
            "--name",
            "Noura",
            "--civil-id",
            "٢٩١٠٣٠١٠٤١٩٦",
            "--password-stdin",
        ],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    secret = re.search(r"TOTP secret: ([A-Z2-7]+)", result.output).group(1)
    assert "otpauth://totp/Tameen:reviewer9?secret=" + secret in result.output
    staff = StaffMember.get(StaffMember.login == "reviewer9")
    assert (staff.role, staff.civil_id, staff.name) == ("reviewer", "291030104196", "Noura")
    assert staff.password_hash.startswith("$argon2id$") and STAFF_PASSWORD not in staff.password_hash
    assert AuditEvent.get(AuditEvent.action == "staff.created").record_id == str(staff.id)
    desk = app.test_client()
    assert staff_login(desk, staff).status_code == 302


def test_create_staff_with_a_civil_id_login_and_admin_role(app, clock):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-staff", "279040907388", "--name", "Fahad", "--role", "admin"],
        input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    staff = StaffMember.get(StaffMember.login == "279040907388")
    assert staff.is_admin and staff.civil_id == "279040907388"


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["staffer", "--name", "X Y"], STAFF_PASSWORD, "--civil-id is required"),
        (["290011500180", "--name", "X Y"], STAFF_PASSWORD, "not a valid civil ID"),
        (["a", "--name", "X Y", "--civil-id", "291030104196"], STAFF_PASSWORD, "user name is 2 to 40"),
        (
            ["staffer", "--name", "X Y", "--civil-id", "291030104196", "--role", "boss"],
            STAFF_PASSWORD,
            "boss",
        ),
        (["staffer", "--name", "X Y", "--civil-id", "291030104196"], "password", "password refused"),
    ],
)
def test_create_staff_refusals(app, args, stdin, message):
    result = app.test_cli_runner().invoke(
        args=["create-staff", *args, "--password-stdin"], input=stdin + "\n"
    )
    assert result.exit_code != 0 and message in result.output
    assert not StaffMember.select().exists()


def test_create_staff_twice_is_refused(app):
    runner = app.test_cli_runner()
    args = ["create-staff", "staffer", "--name", "X Y", "--civil-id", "291030104196", "--password-stdin"]
    assert runner.invoke(args=args, input=STAFF_PASSWORD + "\n").exit_code == 0
    again = runner.invoke(args=args, input=STAFF_PASSWORD + "\n")
    assert again.exit_code != 0 and "exists already" in again.output
