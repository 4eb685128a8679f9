"""Finding the paid cover a new request would pay for again (domain/double_cover.py holds
the rule): in the account's own requests, or the express sponsor's (the same civil ID and
mobile); and, for the desk only, the same civil ID covered twice across accounts, which
telling a resident would leak.

Every look-up starts from the covered people's civil IDs (InsuredPerson.civil_id, indexed)
and joins the requests that cover them (paid, or refund asked: COVERING)."""

from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from domain import double_cover, renewals
from domain.double_cover import PaidCover
from models import ExpressSponsor, InsuranceRequest, InsuredPerson, Payment, Renewal

COVERING = InsuranceRequest.COVERING


class AlreadyCovered(Exception):
    """Someone on the request is covered already for part of its period: nothing frozen."""

    def __init__(self, covers: list[PaidCover]):
        super().__init__(", ".join(f"{c.civil_id} by {c.reference}" for c in covers))
        self.covers = covers


def new_period(insurance_request: InsuranceRequest, today: date) -> tuple[date, date] | None:
    """The days the request would cover if it were paid today (as settlement decides)."""
    status, years = insurance_request.insurance_status, insurance_request.years
    return renewals.paid_cover(today, status, insurance_request.current_cover_end, years)


def _same_holder(insurance_request: InsuranceRequest):
    """The requests of the same account, or of the same express sponsor (civil ID and mobile)."""
    if insurance_request.owner_id is not None:
        return InsuranceRequest.owner == insurance_request.owner_id
    sponsor = ExpressSponsor.of_request(insurance_request)
    if sponsor is None:
        return None
    same_sponsor = ExpressSponsor.select(ExpressSponsor.request).where(
        (ExpressSponsor.civil_id == sponsor.civil_id) & (ExpressSponsor.mobile == sponsor.mobile)
    )
    return InsuranceRequest.id.in_(same_sponsor)


def already_covered(insurance_request: InsuranceRequest, today: date) -> list[PaidCover]:
    """The paid covers, of this account or express sponsor, that the request would pay for
    again if it were confirmed today: latest end first."""
    period = new_period(insurance_request, today)
    holder = _same_holder(insurance_request)
    civil_ids = [person.civil_id for person in insurance_request.covered()]
    if period is None or holder is None or not civil_ids:
        return []
    rows = (
        InsuredPerson.select(
            InsuredPerson.civil_id,
            InsuranceRequest.reference,
            InsuranceRequest.cover_start,
            InsuranceRequest.cover_end,
        )
        .join(InsuranceRequest)
        .where(
            InsuredPerson.civil_id.in_(civil_ids)
            & (InsuranceRequest.id != insurance_request.id)
            & InsuranceRequest.state.in_(COVERING)
            & (InsuranceRequest.cover_end >= period[0])
            & holder
        )
        .namedtuples()
    )
    paid = [PaidCover(row.civil_id, row.reference, row.cover_start, row.cover_end) for row in rows]
    return double_cover.covers_in_the_way(civil_ids, period, paid)


def check_not_covered(insurance_request: InsuranceRequest, today: date) -> None:
    """AlreadyCovered when confirming it today would pay for a cover twice."""
    covers = already_covered(insurance_request, today)
    if covers:
        raise AlreadyCovered(covers)


def renewed_by(insurance_request: InsuranceRequest) -> InsuranceRequest | None:
    """The paid request that renewed this one (the latest, should there be several)."""
    link = (
        Renewal.select(Renewal, InsuranceRequest)
        .join(InsuranceRequest, on=(Renewal.request == InsuranceRequest.id))
        .where((Renewal.previous == insurance_request.id) & InsuranceRequest.state.in_(COVERING))
        .order_by(InsuranceRequest.cover_end.desc(), Renewal.id.desc())
        .first()
    )
    return link.request if link else None


def can_renew(insurance_request: InsuranceRequest, today: date) -> bool:
    """Renew is offered: paid, not renewed already, and its cover ends soon (or has ended)."""
    return (
        insurance_request.state == InsuranceRequest.PAID
        and insurance_request.cover_end is not None
        and renewals.renewal_open(insurance_request.cover_end, today)
        and renewed_by(insurance_request) is None
    )


@dataclass(frozen=True)
class Duplicate:
    """One civil ID covered by two paid requests for overlapping periods (desk only)."""

    civil_id: str
    first: InsuranceRequest
    second: InsuranceRequest


def possible_duplicates(page: int, per_page: int) -> tuple[list[Duplicate], bool]:
    """Pairs of covering requests, across every account and express sponsor, that cover
    the same civil ID on a common day: newest first, one page, and whether more follow."""
    other_person = InsuredPerson.alias("other_person")
    first = InsuranceRequest.alias("first")
    second = InsuranceRequest.alias("second")
    query = (
        InsuredPerson.select(InsuredPerson.civil_id, first.id.alias("first_id"), second.id.alias("second_id"))
        .join(first, on=(InsuredPerson.request == first.id))
        .join(other_person, JOIN.INNER, on=(other_person.civil_id == InsuredPerson.civil_id))
        .join(second, on=(other_person.request == second.id))
        .where(
            (first.id < second.id)
            & first.state.in_(COVERING)
            & second.state.in_(COVERING)
            & (first.cover_start <= second.cover_end)
            & (second.cover_start <= first.cover_end)
        )
        .order_by(second.id.desc(), first.id.desc(), InsuredPerson.civil_id)
        .paginate(page, per_page + 1)
        .namedtuples()
    )
    rows = list(query)
    more, rows = len(rows) > per_page, rows[:per_page]
    ids = {row.first_id for row in rows} | {row.second_id for row in rows}
    requests = {r.id: r for r in InsuranceRequest.select().where(InsuranceRequest.id.in_(ids))} if ids else {}
    return [Duplicate(row.civil_id, requests[row.first_id], requests[row.second_id]) for row in rows], more


OtherPayment = tuple[InsuranceRequest, Payment | None, list[str]]


def other_payments(insurance_request: InsuranceRequest) -> list[OtherPayment]:
    """The other paid requests covering any of this request's people on a common day, each
    with its latest paid payment and the civil IDs they share: what a "paid twice" refund
    is checked against."""
    period = insurance_request.cover_period()
    civil_ids = [person.civil_id for person in insurance_request.covered()]
    if period is None or not civil_ids:
        return []
    rows = (
        InsuredPerson.select(InsuredPerson.civil_id, InsuranceRequest.id)
        .join(InsuranceRequest)
        .where(
            InsuredPerson.civil_id.in_(civil_ids)
            & (InsuranceRequest.id != insurance_request.id)
            & InsuranceRequest.state.in_(InsuranceRequest.SETTLED)
            & (InsuranceRequest.cover_start <= period[1])
            & (InsuranceRequest.cover_end >= period[0])
        )
        .namedtuples()
    )
    shared: dict[int, list[str]] = {}
    for row in rows:
        shared.setdefault(row.id, []).append(row.civil_id)
    found = []
    others = InsuranceRequest.select().where(InsuranceRequest.id.in_(list(shared)))
    for other in others.order_by(InsuranceRequest.id):
        paid = (
            Payment.select()
            .where((Payment.request == other.id) & (Payment.state == Payment.PAID))
            .order_by(Payment.id.desc())
            .first()
        )
        found.append((other, paid, sorted(shared[other.id])))
    return found
