"""`flask create-staff`: the only way a staff account comes to be. The TOTP secret is
printed once, for the new staff member's authenticator app, and never shown again."""
import re
import sys

import click
from flask.cli import with_appcontext

import models
from domain import totp
from domain.civil_id import InvalidCivilId, parse_civil_id
from domain.digits import normalise_digits
from domain.passwords import WeakPassword, check_password
from models import StaffMember
from web.applicant_session import password_hasher

_USER_NAME = re.compile(r"[a-z][a-z0-9._-]{1,39}")


def staff_login_and_civil_id(login: str, civil_id: str | None) -> tuple[str, str]:
    """(login name, civil ID) from what the operator typed; click.BadParameter otherwise."""
    login = normalise_digits(login).strip().lower()
    given = normalise_digits(civil_id).strip() if civil_id else None
    if login.isdigit():
        try:
            login = parse_civil_id(login)
        except InvalidCivilId as problem:
            raise click.BadParameter(f"{login} is not a valid civil ID: {problem}") from problem
        if given and given != login:
            raise click.BadParameter("--civil-id differs from the civil ID used as the login")
        return login, login
    if not _USER_NAME.fullmatch(login):
        raise click.BadParameter("a user name is 2 to 40 of a-z 0-9 . _ - and starts with a letter")
    if not given:
        raise click.BadParameter("--civil-id is required with a user name: it stops staff "
                                 "deciding on their own requests")
    try:
        return login, parse_civil_id(given)
    except InvalidCivilId as problem:
        raise click.BadParameter(f"--civil-id is not a valid civil ID: {problem}") from problem


@click.command("create-staff")
@click.argument("login")
@click.option("--name", required=True, help="The staff member's full name, as colleagues know it.")
@click.option("--role", type=click.Choice(StaffMember.ROLES), default=StaffMember.REVIEWER,
              show_default=True, help="reviewer: payments and refunds; admin: also the audit "
                                      "log, exports and fee schedules.")
@click.option("--civil-id", help="Their civil ID; required when LOGIN is a user name.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of asking.")
@with_appcontext
def create_staff(login, name, role, civil_id, password_stdin):
    """Create a desk account: LOGIN is a civil ID or a user name. Prints the TOTP secret
    and its otpauth:// address once."""
    login, civil_id = staff_login_and_civil_id(login, civil_id)
    name = name.strip()
    if not 2 <= len(name) <= 100:
        raise click.BadParameter("the name has 2 to 100 characters", param_hint="--name")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password(password, personal=(civil_id,))
    except WeakPassword as problem:
        raise click.ClickException(f"password refused: {problem}") from problem
    with models.db.connection_context():
        if StaffMember.get_or_none(StaffMember.login == login) is not None:
            raise click.ClickException(f"a staff member with the login {login} exists already")
        secret = totp.new_secret()
        staff = StaffMember(login=login, civil_id=civil_id, name=name, role=role, totp_secret=secret,
                            password_hash="")
        staff.set_password(password, password_hasher())
        staff.save()
        models.audit("staff.created", staff, after={"login": login, "role": role, "name": name},
                     actor=models.Actor("system", None, "flask create-staff"))
    click.echo(f"Staff member created: {login} ({role}).")
    click.echo("Add this secret to their authenticator app now; it is not shown again.")
    click.echo(f"TOTP secret: {secret}")
    click.echo(f"Provisioning URI: {totp.provisioning_uri(secret, login)}")
