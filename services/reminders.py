"""Renewal reminders and renewals: which paid requests are due a reminder on a day,
sending each reminder once however many runs overlap, turning reminders off, and
starting a renewal with a paid request's people, sponsor and categories.

Sending follows the rule of models.reminders: the reminder's row is made, then claimed,
its SMS written to the outbox (models.sms) and the row marked sent, in one transaction. A
run killed before the commit leaves nothing behind, and the next run sends it; after the
commit the sender (services/sms_sender.py) delivers the SMS once.
"""

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import JOIN, fn

import clock
from domain import renewals
from models import ExpressSponsor, InsuranceRequest, Reminder, RemindersOff, Renewal, User
from models.requests import writing
from services import messages

OPEN_STATES = (InsuranceRequest.DRAFT, InsuranceRequest.AWAITING_PAYMENT)


@dataclass(frozen=True)
class Due:
    """A reminder due today, and where it goes."""

    request: InsuranceRequest
    lead_days: int
    cover_end: date
    mobile: str
    language: str


class RenewalRefused(Exception):
    """Only a paid request is renewed from its page."""


def today() -> date:
    return clock.today_in_kuwait()


def due_reminders(on: date, leads: tuple[int, ...]) -> list[Due]:
    """Every reminder due on `on`, sent or not: paid requests not renewed yet whose cover
    ends within the longest lead time, and whose holder (an account, or an express
    request's sponsor) has not turned reminders off."""
    renewed = InsuranceRequest.alias("renewed")
    paid_renewal = (
        Renewal.select(Renewal.id)
        .join(renewed, on=(Renewal.request == renewed.id))
        .where((Renewal.previous == InsuranceRequest.id) & renewed.state.in_(InsuranceRequest.COVERING))
    )
    query = (
        InsuranceRequest.select(InsuranceRequest, User, ExpressSponsor)
        .join(User, JOIN.LEFT_OUTER, on=(InsuranceRequest.owner == User.id), attr="owner")
        .switch(InsuranceRequest)
        .join(
            ExpressSponsor,
            JOIN.LEFT_OUTER,
            on=(ExpressSponsor.request == InsuranceRequest.id),
            attr="express",
        )
        .where(
            (InsuranceRequest.state == InsuranceRequest.PAID)
            & InsuranceRequest.cover_end.between(on, on + timedelta(days=max(leads)))
            & ~fn.EXISTS(paid_renewal)
        )
        .order_by(InsuranceRequest.id)
    )
    turned_off = {row.mobile for row in RemindersOff.select(RemindersOff.mobile)}
    found = []
    for insurance_request in query:
        holder = insurance_request.owner if insurance_request.owner_id else None
        if holder is not None:
            if holder.frozen_at is not None or not holder.reminders_on:
                continue
            mobile, language = holder.mobile, holder.language
        elif getattr(insurance_request, "express", None) is not None:
            mobile, language = insurance_request.express.mobile, insurance_request.express.language
            if mobile in turned_off:
                continue
        else:
            continue
        lead = renewals.lead_due(insurance_request.cover_end, leads, on)
        if lead is not None:
            found.append(Due(insurance_request, lead, insurance_request.cover_end, mobile, language))
    return found


def not_sent_yet(due: list[Due]) -> list[Due]:
    """Those of `due` whose reminder has not gone out: what a dry run lists."""
    sent = {
        (row.request_id, row.lead_days)
        for row in Reminder.select(Reminder.request, Reminder.lead_days).where(
            Reminder.sent_at.is_null(False)
        )
    }
    return [item for item in due if (item.request.id, item.lead_days) not in sent]


def send_reminders(
    on: date,
    leads: tuple[int, ...],
    renew_url: Callable[[InsuranceRequest], str],
    stop_url: Callable[[str], str],
) -> Counter:
    """Send every reminder due on `on` that no run has sent (to the SMS outbox); how many
    were due, sent, sent before, and held by another run."""
    run = secrets.token_hex(8)
    counts = Counter()
    for item in due_reminders(on, leads):
        counts["due"] += 1
        reminder = Reminder.record(item.request, item.lead_days, item.cover_end)
        if reminder.sent_at is not None:
            counts["sent before"] += 1
            continue
        with writing():  # the claim, the SMS in the outbox and the mark: all, or none
            if not reminder.claim(run, clock.now()):
                # Sent meanwhile, or another run holds it and is alive.
                sent = Reminder.get_by_id(reminder.id).sent_at
                counts["sent before" if sent else "held by another run"] += 1
                continue
            messages.send_renewal_reminder(
                item.mobile,
                item.language,
                item.request.reference,
                item.cover_end,
                renew_url(item.request),
                stop_url(reminder.token),
                [person.name for person in item.request.covered()],
            )
            reminder.mark_sent(run, clock.now())
        counts["sent"] += 1
    return counts


def reminder_of_link(token: str) -> Reminder | None:
    return Reminder.get_or_none(Reminder.token == token) if token else None


def turn_off_by_link(reminder: Reminder) -> None:
    """Reminders off for whoever this reminder went to: the account that holds the request
    now, or the express sponsor's mobile. Doing it twice changes nothing."""
    insurance_request = reminder.request
    if insurance_request.owner_id is not None:
        owner = insurance_request.owner
        if owner.reminders_on:
            owner.set_reminders(False, clock.now())
        return
    sponsor = ExpressSponsor.of_request(insurance_request)
    if sponsor is not None:
        RemindersOff.turn_off(sponsor.mobile, clock.now())


def open_renewal(previous: InsuranceRequest) -> InsuranceRequest | None:
    """A renewal of `previous` started and not paid yet."""
    link = (
        Renewal.select(Renewal, InsuranceRequest)
        .join(InsuranceRequest, on=(Renewal.request == InsuranceRequest.id))
        .where((Renewal.previous == previous.id) & InsuranceRequest.state.in_(OPEN_STATES))
        .order_by(Renewal.id.desc())
        .first()
    )
    return link.request if link else None


def start_renewal(previous: InsuranceRequest, owner: User) -> InsuranceRequest:
    """A draft with the people, sponsor, categories and years of the paid request
    `previous`, as a renewal from the day its cover ends; the one started already and not
    paid yet, when there is one (a double click, a second tap on the SMS link)."""
    if previous.state != InsuranceRequest.PAID or previous.cover_end is None:
        raise RenewalRefused(previous.state)
    with writing():
        InsuranceRequest.held(previous.id)  # two presses at once start one renewal
        started = open_renewal(previous)
        if started is not None:
            return started
        renewal = InsuranceRequest.start(owner)
        _copy_answers(previous, renewal)
        Renewal.create(previous=previous, request=renewal)
    return renewal


def start_express_renewal(
    previous: InsuranceRequest, civil_id: str, mobile: str, language: str
) -> ExpressSponsor:
    """As start_renewal, for an express request: the renewal is a new express request of
    the sponsor who has just proved `mobile` by code, which must be the one that paid
    `previous` (RenewalRefused otherwise)."""
    paid_by = ExpressSponsor.of_request(previous)
    if previous.state != InsuranceRequest.PAID or previous.cover_end is None or paid_by is None:
        raise RenewalRefused(previous.state)
    if (paid_by.civil_id, paid_by.mobile) != (civil_id, mobile):
        raise RenewalRefused("another_sponsor")
    with writing():
        InsuranceRequest.held(previous.id)
        started = open_renewal(previous)
        if started is not None and started.owner_id is None:
            return ExpressSponsor.of_request(started)
        sponsor = ExpressSponsor.start(civil_id, mobile, language)
        _copy_answers(previous, sponsor.request)
        Renewal.create(previous=previous, request=sponsor.request)
    return sponsor


def _copy_answers(previous: InsuranceRequest, renewal: InsuranceRequest) -> None:
    """The people, sponsor, categories and years of `previous`, as a renewal from the
    day its cover ends."""
    renewal.choose_service_type(previous.service_type)
    people = previous.covered()
    rows = [
        {
            "civil_id": p.civil_id,
            "name": p.name,
            "category": p.category_code,
            "passport_number": p.passport_number,
            "passport_expiry": p.passport_expiry.isoformat(),
        }
        for p in people
    ]
    renewal.save_people(
        rows,
        [
            {
                "civil_id": p.civil_id,
                "name": p.name,
                "category_code": p.category_code,
                "passport_number": p.passport_number,
                "passport_expiry": p.passport_expiry,
            }
            for p in people
        ],
    )
    renewal.set_sponsor(previous.sponsor_name, previous.sponsor_civil_id)
    renewal.set_cover("renewal", previous.years, previous.cover_end)


def desk_counts() -> dict[str, int]:
    """Reminders sent, and the renewals started and paid after one of them."""
    renewed = InsuranceRequest.alias("renewed")
    reminded_first = Reminder.select(Reminder.id).where(
        (Reminder.request == Renewal.previous)
        & Reminder.sent_at.is_null(False)
        & (Reminder.sent_at <= Renewal.created_at)
    )
    followed = (
        Renewal.select().join(renewed, on=(Renewal.request == renewed.id)).where(fn.EXISTS(reminded_first))
    )
    return {
        "reminders_sent": Reminder.select().where(Reminder.sent_at.is_null(False)).count(),
        "renewals_started": followed.count(),
        "renewals_paid": followed.where(renewed.state.in_(InsuranceRequest.COVERING)).count(),
    }
