"""Express payment: a sponsor pays for domestic workers without an account.

The sponsor proves the mobile by SMS code (services/codes.py, purpose EXPRESS); then the
request is an ordinary InsuranceRequest without an owner (models.express), priced, frozen
and paid by the same code as an account holder's (services/requests.py,
services/payments.py). Its receipt is reached through the secret link the paid SMS
carries, and an account with the same civil ID and mobile claims it later.
"""

from datetime import date, datetime, timedelta

from flask import current_app, url_for

import clock
from domain.fee_schedule import FeeSchedule
from models import ExpressSponsor, InsuranceRequest, User

MAX_WORKERS = 10
# A reminder's renewal link still works this long after the cover ends.
LINK_KEPT_AFTER_COVER = timedelta(days=30)


def allowed_categories(schedule: FeeSchedule) -> list[str]:
    """The categories of EXPRESS_CATEGORIES that `schedule` has, in the setting's order."""
    return [
        code
        for code in current_app.config.get("EXPRESS_CATEGORIES", ())
        if schedule.category(code) is not None
    ]


def start(civil_id: str, mobile: str, language: str) -> ExpressSponsor:
    """A new express request for the sponsor who has just proved `mobile` by code."""
    return ExpressSponsor.start(civil_id, mobile, language)


def save_workers(insurance_request: InsuranceRequest, rows: list[dict], workers: list[dict] | None) -> bool:
    """The rows as typed, and the workers when every row is valid (checked by the caller:
    at most MAX_WORKERS, each of an allowed category). False when no longer a draft."""
    if workers is not None and len(workers) > MAX_WORKERS:
        raise ValueError(f"at most {MAX_WORKERS} workers per express payment")
    return insurance_request.save_people(rows, workers)


def choose_cover(
    insurance_request: InsuranceRequest, status: str, years: int, current_cover_end: date | None
) -> bool:
    """Cover for `years`: new from today, or a renewal from the day after
    `current_cover_end`; False when no longer a draft."""
    return insurance_request.set_cover(status, years, current_cover_end if status == "renewal" else None)


def only_allowed(insurance_request: InsuranceRequest, schedule: FeeSchedule) -> bool:
    """Every worker on it is of a category express payment allows (the setting may have
    changed since the page was saved), and there are at most MAX_WORKERS."""
    people = insurance_request.covered()
    allowed = set(allowed_categories(schedule))
    return 0 < len(people) <= MAX_WORKERS and all(p.category_code in allowed for p in people)


def claim_for(user: User) -> int:
    """The express requests paid with `user`'s civil ID and mobile become the account's."""
    return ExpressSponsor.claim_for(user, clock.now())


def receipt_link(sponsor: ExpressSponsor) -> str:
    """The receipt's secret address, absolute: from PUBLIC_URL, or the request's own
    address in development. An operator command without PUBLIC_URL has neither, and
    the path alone is better than no link."""
    try:
        return url_for("express.receipt", token=sponsor.receipt_token, _external=True)
    except RuntimeError:
        return f"/express/receipts/{sponsor.receipt_token}"


def link_expires_at(sponsor: ExpressSponsor) -> datetime:
    return sponsor.link_issued_at + timedelta(days=current_app.config["EXPRESS_LINK_DAYS"])


def link_expired(sponsor: ExpressSponsor) -> bool:
    """The receipt link (the renewal link too) is past EXPRESS_LINK_DAYS: it opens nothing
    but the page that offers a new one, by a code to the sponsor's mobile."""
    return clock.now() >= link_expires_at(sponsor)


def new_link(sponsor: ExpressSponsor) -> ExpressSponsor:
    """Once the sponsor has proved the mobile again: a new receipt link, and the old one
    opens nothing. When another browser replaced it first (after the same proof), theirs."""
    if not sponsor.replace_link(clock.now()):
        sponsor = ExpressSponsor.get_by_id(sponsor.id)
    return sponsor


def link_for_reminder(sponsor: ExpressSponsor, cover_end: date) -> ExpressSponsor:
    """The sponsor, with a link a reminder can carry: a new one when the current one would
    stop working before the cover ends (and a while after). A cover of several years
    outlasts any link issued when it was paid."""
    needed_until = datetime.combine(cover_end, datetime.min.time()) + LINK_KEPT_AFTER_COVER
    if link_expires_at(sponsor) < needed_until:
        return new_link(sponsor)
    return sponsor
