"""The desk's payment search: by request reference, track ID, civil ID (the holder's, a
former holder's, the sponsor's or a covered person's) and by the day it was made.

Each key is its own exact lookup through its own index, and the payments found are the
union of them: one OR across the joined tables would make the database read every payment
and every person covered (issue 24). `payments_found` is the query, for the plan tests."""

from datetime import date

from peewee import JOIN

from domain.dates import kuwait_day_in_utc
from models import InsuranceRequest, InsuredPerson, Payment, User

RESULTS = 100


def requests_matching(text: str):
    """The ids of the requests that `text` names, one indexed lookup per key."""
    holder = User.select(User.id).where(User.civil_id == text)
    former_holder = User.select(User.id).where(User.released_civil_id == text)
    return (
        InsuranceRequest.select(InsuranceRequest.id).where(InsuranceRequest.reference == text.upper())
        | InsuranceRequest.select(InsuranceRequest.id).where(InsuranceRequest.sponsor_civil_id == text)
        | InsuranceRequest.select(InsuranceRequest.id).where(InsuranceRequest.owner.in_(holder))
        | InsuranceRequest.select(InsuranceRequest.id).where(InsuranceRequest.owner.in_(former_holder))
        | InsuredPerson.select(InsuredPerson.request).where(InsuredPerson.civil_id == text)
    )


def payments_matching(text: str):
    """The ids of the payments `text` names: by track ID, or of a request it names."""
    return Payment.select(Payment.id).where(Payment.track_id == text) | Payment.select(Payment.id).where(
        Payment.request.in_(requests_matching(text))
    )


def payments_found(text: str, day: date | None):
    """Payments whose request reference, track ID, holder's, sponsor's or covered person's
    civil ID is `text`, made on `day` (Kuwait) when given; newest first, RESULTS at most."""
    query = (
        Payment.select(Payment, InsuranceRequest, User)
        .join(InsuranceRequest)
        # An express payment's request has no account (owner NULL): found all the same.
        .join(User, JOIN.LEFT_OUTER)
        .switch(Payment)
    )
    if text:
        query = query.where(Payment.id.in_(payments_matching(text)))
    if day:
        start, end = kuwait_day_in_utc(day)
        query = query.where((Payment.created_at >= start) & (Payment.created_at < end))
    return query.order_by(Payment.id.desc()).limit(RESULTS)


def search_payments(text: str, day: date | None) -> list[Payment]:
    return list(payments_found(text, day))
