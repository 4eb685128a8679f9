"""Applicant accounts once they exist: a new password, chosen once per verified code, and
with it the express payments made with the account's civil ID and mobile; the holder's
own details."""

from models import User
from services import express, messages


def choose_password(
    user: User, expected_version: str, password: str, hasher, *, tell_owner: bool, **details
) -> bool:
    """Set `password` if the account's session version is still the one read when its code
    was verified; False when that state was spent already (a copy of the cookie, a second
    tab). With `tell_owner`, the account's number hears of the change: a reset may not be
    the owner's doing. `details` (the name a registration asks with its first password)
    are saved with the password, or not at all."""
    if not user.replace_password(expected_version, password, hasher, **details):
        return False
    if tell_owner:
        messages.tell_password_changed(user)
    # The account's civil ID and mobile are proved now: requests its holder paid for
    # without an account, with the same two, become the account's.
    express.claim_for(user)
    return True


def save_details(user: User, **details) -> None:
    """The account page's answers (names, e-mail, language, ...), as the form checked them."""
    for name, value in details.items():
        setattr(user, name, value)
    user.save()
