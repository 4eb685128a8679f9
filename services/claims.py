"""Claiming a civil ID at the desk. Registering proves a mobile, not a civil ID, so someone
may hold an account with another person's civil ID. The owner brings their civil ID card
to the desk; staff check it and release the civil ID from that account, which is frozen
(never deleted: its requests, payments and history stay), and the owner then registers."""

from datetime import datetime

import models
from models import InsuranceRequest, StaffMember, User
from models.staff import same_name
from services import messages


class ClaimRefused(Exception):
    """Staff may not release this civil ID: it is theirs, or the account looks like theirs."""


def account_with(civil_id: str) -> User | None:
    """The account that holds `civil_id` and blocks its registration: one that got as far
    as a password (an unfinished one is taken over by the next registration anyway)."""
    return User.get_or_none((User.civil_id == civil_id) & User.password_hash.is_null(False))


def summary(user: User) -> dict:
    """What staff see of the account before releasing its civil ID."""
    return {"requests": InsuranceRequest.select().where(InsuranceRequest.owner == user).count()}


def release_civil_id(user: User, staff: StaffMember, checked: dict, at: datetime) -> bool:
    """Free `user`'s civil ID for the person whose card staff checked (`checked` records
    how), freezing the account; its holder is told by SMS. False when it was released
    already; ClaimRefused when `staff` must leave it to a colleague."""
    if (
        staff.civil_id == user.civil_id
        or (staff.mobile and staff.mobile == user.mobile)
        or same_name(staff.name) in {same_name(name) for name in (user.name_ar, user.name_en) if name}
    ):
        raise ClaimRefused(user.civil_id)
    before = {
        "civil_id": user.civil_id,
        "name_ar": user.name_ar,
        "name_en": user.name_en,
        "mobile": user.mobile,
        "frozen_at": None,
    }
    with models.db.atomic():
        if not user.freeze(at):
            return False
        models.audit(
            "account.civil_id_released",
            user,
            before=before,
            after={"civil_id": user.civil_id, "frozen_at": at.isoformat(), **checked},
            actor=models.actor_of(staff),
        )
    # After the commit: the account is closed whether or not the SMS goes out.
    messages.tell_account_frozen(user)
    return True
