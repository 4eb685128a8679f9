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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import JOIN, Case, Value, fn

import clock
from models import DailySummary, ExpressSponsor, InsuranceRequest, Reminder, RemindersOff, Renewal, User
from models import daily_summary as summary
from models.requests import writing
from services import messages
from services.double_cover import renewed_by

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
    """Only a paid request is renewed from its page, and only once: a request renewed by
    a paid renewal is not renewed again (that would pay for the same cover twice)."""


def today() -> date:
    return clock.today_in_kuwait()


# Requests read at a time: a run's memory stays the same whatever the history holds.
BATCH = 500


def due_query(on: date, leads: tuple[int, ...], sent: bool | None = None, after: tuple | None = None):
    """The next BATCH of reminders due on `on` (ordered by cover end, then id; `after` the
    last (cover_end, id) read): paid requests not renewed yet whose cover ends within the
    longest lead time, and whose holder (an account, or an express request's sponsor) has
    not turned reminders off; only those whose reminder was (not) sent when `sent` is
    given. Read through the index on the cover end; each row carries its `lead`."""
    renewed = InsuranceRequest.alias("renewed")
    paid_renewal = (
        Renewal.select(Renewal.id)
        .join(renewed, on=(Renewal.request == renewed.id))
        .where((Renewal.previous == InsuranceRequest.id) & renewed.state.in_(InsuranceRequest.COVERING))
    )
    cover_end = InsuranceRequest.cover_end
    lead = _lead_of(cover_end, on, leads)
    query = (
        InsuranceRequest.select(InsuranceRequest, User, ExpressSponsor, lead.alias("lead"))
        .join(User, JOIN.LEFT_OUTER, on=(InsuranceRequest.owner == User.id), attr="owner")
        .switch(InsuranceRequest)
        .join(
            ExpressSponsor,
            JOIN.LEFT_OUTER,
            on=(ExpressSponsor.request == InsuranceRequest.id),
            attr="express",
        )
        # An express sponsor's mobile that turned reminders off: one lookup by its unique index.
        .join(RemindersOff, JOIN.LEFT_OUTER, on=(RemindersOff.mobile == ExpressSponsor.mobile), attr="off")
        .where(
            cover_end.between(on, on + timedelta(days=max(leads)))
            & (InsuranceRequest.state == InsuranceRequest.PAID)
            & ~fn.EXISTS(paid_renewal)
            & (
                (
                    InsuranceRequest.owner.is_null(False)
                    & User.frozen_at.is_null()
                    & User.reminders_off_at.is_null()
                )
                | (
                    InsuranceRequest.owner.is_null()
                    & ExpressSponsor.id.is_null(False)
                    & RemindersOff.id.is_null()
                )
            )
        )
        .order_by(cover_end, InsuranceRequest.id)
        .limit(BATCH)
    )
    if sent is not None:
        sent_one = Reminder.select(Reminder.id).where(
            (Reminder.request == InsuranceRequest.id)
            & (Reminder.lead_days == lead)
            & Reminder.sent_at.is_null(False)
        )
        query = query.where(fn.EXISTS(sent_one) if sent else ~fn.EXISTS(sent_one))
    if after is not None:
        last_end, last_id = after
        query = query.where(
            (cover_end >= last_end) & ((cover_end > last_end) | (InsuranceRequest.id > last_id))
        )
    return query


def _lead_of(cover_end, on: date, leads: tuple[int, ...]):
    """The lead time due on `on` for a cover ending on `cover_end` (domain.renewals.lead_due),
    in SQL: the shortest lead whose day has come."""
    shortest_first = sorted(leads)
    cases = [(cover_end <= on + timedelta(days=lead), lead) for lead in shortest_first[:-1]]
    return Case(None, cases, shortest_first[-1]) if cases else Value(shortest_first[-1])


def each_due(on: date, leads: tuple[int, ...], sent: bool | None = None) -> Iterator[Due]:
    """Every reminder due on `on` (sent or not, or only as `sent` says), a batch at a time."""
    after = None
    while True:
        batch = list(due_query(on, leads, sent, after))
        for insurance_request in batch:
            if insurance_request.owner_id is not None:
                holder = insurance_request.owner
                mobile, language = holder.mobile, holder.language
            else:
                mobile, language = insurance_request.express.mobile, insurance_request.express.language
            yield Due(
                insurance_request, insurance_request.lead, insurance_request.cover_end, mobile, language
            )
        if len(batch) < BATCH:
            return
        after = (batch[-1].cover_end, batch[-1].id)


def due_reminders(on: date, leads: tuple[int, ...]) -> list[Due]:
    """Every reminder due on `on`, sent or not (a list: for a few, as in tests)."""
    return list(each_due(on, leads))


def not_sent_yet(on: date, leads: tuple[int, ...]) -> Iterator[Due]:
    """The reminders due on `on` that have not gone out: what a dry run lists."""
    return each_due(on, leads, sent=False)


def count_sent_before(on: date, leads: tuple[int, ...]) -> int:
    """How many of the reminders due on `on` went out already, counted in the database."""
    return due_query(on, leads, sent=True).limit(None).count()


def send_reminders(
    on: date,
    leads: tuple[int, ...],
    renew_url: Callable[[InsuranceRequest], str],
    stop_url: Callable[[str], str],
) -> Counter:
    """Send every reminder due on `on` that no run has sent (to the SMS outbox); how many
    were due, sent, sent before, and held by another run. Only those not sent are read."""
    run = secrets.token_hex(8)
    counts = Counter()
    counts["sent before"] = counts["due"] = count_sent_before(on, leads)
    for item in not_sent_yet(on, leads):
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
            if reminder.mark_sent(run, clock.now()):
                DailySummary.count_at(clock.now(), summary.REMINDERS_SENT)
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
        if renewed_by(previous) is not None:
            raise RenewalRefused("renewed")
        started = open_renewal(previous)
        if started is not None:
            return started
        renewal = InsuranceRequest.start(owner)
        _copy_answers(previous, renewal)
        Renewal.create(previous=previous, request=renewal)
        _count_if_reminded(previous)
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
        if renewed_by(previous) is not None:
            raise RenewalRefused("renewed")
        started = open_renewal(previous)
        if started is not None and started.owner_id is None:
            return ExpressSponsor.of_request(started)
        sponsor = ExpressSponsor.start(civil_id, mobile, language)
        _copy_answers(previous, sponsor.request)
        Renewal.create(previous=previous, request=sponsor.request)
        _count_if_reminded(previous)
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
    renewal.copy_sponsor_of(previous)
    renewal.set_cover("renewal", previous.years, previous.cover_end)


# The desk counts what happened lately, through the indexes on when each was sent or
# started: a count of all history would read every reminder ever sent.
DESK_DAYS = 30


def desk_counts(days: int = DESK_DAYS, rows: dict | None = None) -> dict[str, int]:
    """Reminders sent in the last `days` Kuwait days, the renewals started after one about
    the request they renew, and those paid: from the summary rows, so the count costs the
    same whatever the month's volume (issue 24). `rows`: those days' rows
    (DailySummary.between), when the caller has read them already."""
    if rows is None:
        today = clock.today_in_kuwait()
        rows = DailySummary.between(today - timedelta(days=days - 1), today)
    totals = Counter()
    for (_day, kind), (events, _fils) in rows.items():
        totals[kind] += events
    return {
        "reminders_sent": totals[summary.REMINDERS_SENT],
        "renewals_started": totals[summary.RENEWALS_STARTED],
        "renewals_paid": totals[summary.RENEWALS_FOLLOWED],
    }


def _count_if_reminded(previous: InsuranceRequest) -> None:
    """A renewal just started: counted for the desk when a reminder about `previous` had
    been sent."""
    now = clock.now()
    reminded = Reminder.select().where(
        (Reminder.request == previous.id) & Reminder.sent_at.is_null(False) & (Reminder.sent_at <= now)
    )
    if reminded.exists():
        DailySummary.count_at(now, summary.RENEWALS_STARTED)
