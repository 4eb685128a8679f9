"""Desk accounts: the only way a staff member comes to be."""

import models
from domain import totp
from domain.passwords import check_password
from models import StaffMember


class StaffExists(ValueError):
    """A staff member with that login is on file already."""


def create_staff_member(
    login: str,
    civil_id: str,
    name: str,
    role: str,
    password: str,
    hasher,
    created_by: str,
    mobile: str | None = None,
) -> tuple[StaffMember, str]:
    """The new staff member and their TOTP secret, which is shown once and never again;
    `mobile` (E.164), when given, keeps them off requests whose holder has it.
    domain.passwords.WeakPassword or StaffExists when it must not be made."""
    check_password(password, personal=(civil_id,))
    with models.db.atomic():
        if StaffMember.get_or_none(StaffMember.login == login) is not None:
            raise StaffExists(login)
        secret = totp.new_secret()
        staff = StaffMember(
            login=login,
            civil_id=civil_id,
            name=name,
            role=role,
            mobile=mobile,
            totp_secret=secret,
            password_hash="",
        )
        staff.set_password(password, hasher)
        staff.save()
        models.audit(
            "staff.created",
            staff,
            after={"login": login, "role": role, "name": name, "mobile": mobile},
            actor=models.Actor("system", None, created_by),
        )
    return staff, secret


def logged_in(staff: StaffMember, at) -> None:
    StaffMember.update(last_login_at=at).where(StaffMember.id == staff.id).execute()
    models.audit("staff.login", staff, actor=models.actor_of(staff))


def login_failed(staff: StaffMember | None, login: str, address: str) -> None:
    """Audited under the login as typed (cut short): there may be no such staff member."""
    models.audit(
        "staff.login_failed",
        ("staff", staff.id if staff else "-"),
        after={"login": login[:40], "address": address},
        actor=models.Actor("system", None, "desk login"),
    )


def logged_out(staff: StaffMember) -> None:
    models.audit("staff.logout", staff, actor=models.actor_of(staff))
