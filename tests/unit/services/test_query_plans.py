"""Every search, list, reminder, reconcile and export query reads through an index: over a
few thousand seeded rows, the database's own plan (SQLite's EXPLAIN QUERY PLAN, or
PostgreSQL's EXPLAIN with sequential scans and hash and merge joins priced out) must not
read the whole of a table that grows with history (issue 24). The queries are the app's
own, taken from the functions the pages and commands call, so a change that loses an
index fails here.
Runs on PostgreSQL too (TEST_DATABASE_URL, `make test-postgres`)."""

import random
import re
from datetime import date, datetime, timedelta

import pytest
from peewee import SqliteDatabase

import models
from models import (
    AuditEvent,
    DailySummary,
    ExpressSponsor,
    InsuranceRequest,
    InsuredPerson,
    Payment,
    Receipt,
    Refund,
    Reminder,
    RemindersOff,
    Renewal,
    User,
)
from services import audit_log, desk_home, exports, payment_search, reminders

# Tables whose rows pile up with every request paid: reading one whole is what fails.
GROWING = {
    "user",
    "insurancerequest",
    "insuredperson",
    "payment",
    "receipt",
    "paymentevent",
    "refund",
    "auditevent",
    "reminder",
    "renewal",
    "remindersoff",
    "expresssponsor",
    "smsmessage",
    "onetimecode",
}
REQUESTS = 3000


def cid(serial: int) -> str:
    """A civil ID of the seed: unique, twelve digits (the check digit does not matter here)."""
    return f"2{serial:011d}"


START = datetime(2023, 1, 1, 6, 0)
TODAY = date(2026, 1, 10)
LEADS = (30, 7)


@pytest.fixture
def seeded(context):
    """REQUESTS paid requests over three years, one to three people each, a payment and a
    receipt each, some refunds, reminders, renewals, express sponsors and audit events;
    then, on PostgreSQL, the statistics its planner reads (ANALYZE; autovacuum keeps them
    in production). SQLite plans as the app's databases do: the app never runs ANALYZE
    there, so the planner goes by the indexes alone."""
    rng = random.Random(24)
    users = [
        {
            "civil_id": cid(1000 + n),
            "mobile": f"+9655{n:07d}",
            "language": "ar",
            "name_en": f"Holder {n}",
            "released_civil_id": cid(9000 + n) if n % 50 == 0 else None,
        }
        for n in range(REQUESTS // 3)
    ]
    User.insert_many(users).execute()
    user_ids = [user.id for user in User.select(User.id)]
    rows, people, payments, receipts, events = [], [], [], [], []
    for n in range(REQUESTS):
        paid_at = START + timedelta(minutes=n * 525)  # three years, evenly
        rows.append(
            {
                "reference": f"TM-{n:04d}-SEED",
                "owner": None if n % 10 == 0 else rng.choice(user_ids),
                "state": InsuranceRequest.REFUNDED if n % 40 == 0 else InsuranceRequest.PAID,
                "sponsor_civil_id": cid(20_000 + n % 700),
                "years": 1,
                "total_fils": 50_000,
                "created_at": paid_at,
                "updated_at": paid_at,
                "cover_start": paid_at.date(),
                "cover_end": paid_at.date() + timedelta(days=365),
            }
        )
    InsuranceRequest.insert_many(rows).execute()
    requests = list(InsuranceRequest.select(InsuranceRequest.id, InsuranceRequest.created_at))
    for n, insurance_request in enumerate(requests):
        for position in range(1 + n % 3):
            people.append(
                {
                    "request": insurance_request.id,
                    "position": position,
                    "civil_id": cid(40_000 + 3 * n + position),
                    "name": "Worker",
                    "category_code": "worker",
                    "passport_number": "P1",
                    "passport_expiry": date(2035, 1, 1),
                }
            )
        payments.append(
            {
                "request": insurance_request.id,
                "track_id": f"{n:019d}",
                "gateway": "sandbox",
                "amount_fils": 50_000,
                "state": Payment.FAILED if n % 25 == 0 else Payment.PAID,
                "created_at": insurance_request.created_at,
                "updated_at": insurance_request.created_at,
                "paid_at": insurance_request.created_at,
                "closed_at": insurance_request.created_at if n % 25 == 0 else None,
            }
        )
        for k in range(3):
            events.append(
                {
                    "at": insurance_request.created_at + timedelta(seconds=k),
                    "actor_kind": "system",
                    "actor_label": "seed",
                    "action": "payment.paid",
                    "record_kind": "request",
                    "record_id": str(insurance_request.id),
                    "request_id": insurance_request.id,
                }
            )
    with models.db.atomic():
        for table, batch in ((InsuredPerson, people), (Payment, payments), (AuditEvent, events)):
            for start in range(0, len(batch), 500):
                table.insert_many(batch[start : start + 500]).execute()
    for payment in Payment.select(Payment.id, Payment.request, Payment.created_at):
        receipts.append(
            {
                "request": payment.request_id,
                "payment": payment.id,
                "amount_fils": 50_000,
                "paid_at": payment.created_at,
                "verify_code": f"v{payment.id}",
            }
        )
    with models.db.atomic():
        for start in range(0, len(receipts), 500):
            Receipt.insert_many(receipts[start : start + 500]).execute()
        for n, insurance_request in enumerate(requests[::3]):
            Reminder.insert(
                request=insurance_request.id,
                lead_days=30,
                cover_end=date(2026, 1, 1),
                token=f"t{n}",
                created_at=insurance_request.created_at,
                sent_at=insurance_request.created_at,
            ).execute()
        for previous, renewal in zip(requests[:200], requests[-200:]):
            Renewal.insert(previous=previous.id, request=renewal.id, created_at=renewal.created_at).execute()
        for n, insurance_request in enumerate(requests[::10]):
            ExpressSponsor.insert(
                request=insurance_request.id,
                civil_id=cid(20_000 + n),
                mobile=f"+9656{n:07d}",
                language="ar",
                receipt_token=f"r{n}",
            ).execute()
            if n % 5 == 0:
                RemindersOff.insert(mobile=f"+9656{n:07d}", at=START).execute()
        for insurance_request in requests[::40]:
            Refund.insert(
                request=insurance_request.id,
                amount_fils=50_000,
                state="refunded",
                reason="other",
                iban="KW81CBKU0000000000001234560101",
                account_holder="Holder",
                requested_at=insurance_request.created_at,
            ).execute()
    if not isinstance(models.db.obj, SqliteDatabase):
        models.db.execute_sql("ANALYZE")
    return requests


def growing_tables_read_whole(query) -> list[str]:
    """The growing tables the database would read whole to answer `query`."""
    sql, params = query.sql()
    if isinstance(models.db.obj, SqliteDatabase):
        plan = [row[-1] for row in models.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
        aliases = _aliases(sql)
        scanned = [re.match(r"SCAN (\S+)", step) for step in plan]
        return sorted(
            {table for match in scanned if match for table in aliases.get(match.group(1), {match.group(1)})}
            & GROWING
        )
    with models.db.atomic():
        # On a few thousand rows PostgreSQL would rather read a table whole and hash it
        # than look rows up one by one; on millions it would not. Priced out, its plan
        # shows whether an index can serve each step.
        for method in PRICED_OUT:
            models.db.execute_sql(f"SET LOCAL {method} = off")
        plan = [row[0] for row in models.db.execute_sql("EXPLAIN " + sql, params).fetchall()]
    return sorted(set(_read_whole_on_postgres(plan)) & GROWING)


def _read_whole_on_postgres(plan: list[str]):
    """The tables of a plan's sequential scans, and of its index scans without an index
    condition (the whole index walked, which is what PostgreSQL does instead of a
    sequential scan priced out)."""
    for number, line in enumerate(plan):
        if match := re.search(r"Seq Scan on (\w+)", line):
            yield match.group(1)
        elif match := re.search(r"Index (?:Only )?Scan(?: Backward)? using \S+ on (\w+)", line):
            details = []
            for following in plan[number + 1 :]:
                if "->" in following:
                    break
                details.append(following)
            if not any("Index Cond" in detail for detail in details):
                yield match.group(1)


def walks_the_key_from_the_end(query) -> bool:
    """The query reads rows in primary key order, newest first, and stops at its LIMIT:
    no sort of the whole table first."""
    sql, params = query.sql()
    assert re.search(r'ORDER BY "\w+"\."id" DESC LIMIT', sql), sql
    if not isinstance(models.db.obj, SqliteDatabase):
        plan = [row[0] for row in models.db.execute_sql("EXPLAIN " + sql, params).fetchall()]
        return (
            plan[0].startswith("Limit")
            and any(re.search(r"Index (Only )?Scan Backward using \w+_pkey", step) for step in plan)
            and not any("Sort" in step or "Seq Scan" in step for step in plan)
        )
    plan = [row[-1] for row in models.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    return not any("TEMP B-TREE" in step for step in plan)


def _aliases(sql: str) -> dict[str, set[str]]:
    """Peewee's aliases ("t1") to the tables they stand for, wherever they are used."""
    found: dict[str, set[str]] = {}
    for table, alias in re.findall(r'(?:FROM|JOIN) "(\w+)" AS "(\w+)"', sql):
        found.setdefault(alias, set()).add(table)
    return found


PRICED_OUT = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
SOME_DAY = datetime(2025, 6, 1)


def queries(requests) -> dict:
    first = InsuranceRequest.get_by_id(requests[100].id)
    person = InsuredPerson.get(InsuredPerson.request == first.id)
    payment = Payment.get(Payment.request == first.id)
    holder = User.get_by_id(first.owner_id) if first.owner_id else User.select().first()
    start, end = datetime(2025, 6, 1), datetime(2025, 7, 1)
    found = {
        "search by reference": payment_search.payments_found(first.reference, None),
        "search by holder's civil ID": payment_search.payments_found(holder.civil_id, None),
        "search by covered civil ID": payment_search.payments_found(person.civil_id, None),
        "search by sponsor civil ID": payment_search.payments_found(first.sponsor_civil_id, None),
        "search by track ID": payment_search.payments_found(payment.track_id, None),
        "search by day": payment_search.payments_found("", date(2025, 6, 1)),
        "search by key and day": payment_search.payments_found(first.reference, date(2025, 6, 1)),
        "audit log, first page": audit_log.events_page(),
        "audit log, older page": audit_log.events_page(before=5000),
        "audit log, newer page": audit_log.events_page(after=5000),
        "audit log of a request": audit_log.events_page(first.id, before=5000),
        "a request's events": AuditEvent.select()
        .where(AuditEvent.request_id == first.id)
        .order_by(AuditEvent.at, AuditEvent.id),
        "reminders due": reminders.due_query(TODAY, LEADS),
        "reminders due, not sent": reminders.due_query(TODAY, LEADS, sent=False),
        "reminders due, next batch": reminders.due_query(TODAY, LEADS, sent=False, after=(TODAY, 5)),
        "reminders sent before": reminders.due_query(TODAY, LEADS, sent=True).limit(None),
        "reconcile: waiting": Payment.waiting_between(SOME_DAY, SOME_DAY - timedelta(days=2)),
        "reconcile: closed to revisit": Payment.closed_to_revisit(SOME_DAY - timedelta(days=1), SOME_DAY),
        "export payments": exports.payments_made(start, end),
        "export payments, next batch": exports.payments_made(start, end, after=(start, 5)),
        "export refunds": exports.refunds_asked(start, end),
        "export refunds, next batch": exports.refunds_asked(start, end, after=(start, 5)),
        "desk home: the last 30 days' summary rows": DailySummary.select().where(
            DailySummary.day.between(TODAY - timedelta(days=29), TODAY)
        ),
        "my requests": InsuranceRequest.select()
        .where(InsuranceRequest.owner == holder.id)
        .order_by(InsuranceRequest.updated_at.desc()),
    }
    for name, query in desk_home.front_page_queries(SOME_DAY).items():
        found[f"desk home: {name}"] = query
    return found


# The newest page of the audit log walks the primary key from its end and stops after a
# page: SQLite calls that a SCAN, but it reads PER_PAGE rows, never the table.
WALKS_FROM_THE_NEWEST = {"audit log, first page"}


def test_no_query_reads_a_growing_table_whole(seeded):
    found = queries(seeded)
    for name in WALKS_FROM_THE_NEWEST:
        assert walks_the_key_from_the_end(found.pop(name)), name
    read_whole = {
        name: tables for name, query in found.items() if (tables := growing_tables_read_whole(query))
    }
    assert read_whole == {}


def test_the_checker_catches_a_full_scan(seeded):
    """A search by a column without an index reads the whole table: the check says so."""
    unindexed = Payment.select().where(Payment.note == "nobody wrote this")
    assert growing_tables_read_whole(unindexed) == ["payment"]
    joined = Payment.select().join(InsuranceRequest).where(InsuranceRequest.sponsor_name == "Ali")
    assert "insurancerequest" in growing_tables_read_whole(joined)


def test_the_queries_still_answer(seeded):
    """The plans are of queries that find what they should on the seeded rows."""
    first = InsuranceRequest.get_by_id(seeded[100].id)
    person = InsuredPerson.get(InsuredPerson.request == first.id)
    assert [p.request_id for p in payment_search.search_payments(person.civil_id, None)] == [first.id]
    assert first.id in {p.request_id for p in payment_search.search_payments(first.sponsor_civil_id, None)}
    due = list(reminders.each_due(TODAY, LEADS))
    assert due and all(TODAY <= item.cover_end <= TODAY + timedelta(days=30) for item in due)
