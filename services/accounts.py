"""Applicant accounts once they exist: a new password, chosen once per verified code."""
from models import User
from services import messages


def choose_password(user: User, expected_version: str, password: str, hasher, *,
                    tell_owner: bool) -> bool:
    """Set `password` if the account's session version is still the one read when its code
    was verified; False when that state was spent already (a copy of the cookie, a second
    tab). With `tell_owner`, the account's number hears of the change: a reset may not be
    the owner's doing."""
    if not user.replace_password(expected_version, password, hasher):
        return False
    if tell_owner:
        messages.tell_password_changed(user)
    return True
