"""Seeding bench/scale.py's database: N paid requests over three years, written in bulk
through the app's own tables (peewee insert_many, big batches, one transaction each).

Shapes: accounts with 1 to 4 requests (and a few companies with 50), 1 to 4 people per
request, one payment and receipt each; renewals of an account's earlier request, renewal
reminders sent 30 days before a cover ended, about 1 % refunded and 0.1 % waiting for a
refund, a few mismatches and failed SMS, two audit events per request, and the summary
rows of the desk's chart. Ids are given here, so rows point at each other without reading
back. Civil IDs are valid (check digit), references well formed (check character).
"""

import json
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import PostgresqlDatabase, SqliteDatabase

import clock
import models
from domain import totp
from domain.civil_id import check_digit
from domain.dates import kuwait_day
from domain.passwords import hash_password, make_hasher
from domain.reference import ALPHABET, RANDOM_LENGTH, check_character, format_reference
from models import daily_summary as summary

PASSWORD = "a quiet bench passphrase"
STAFF_LOGIN = "benchadmin"
STAFF_CIVIL_ID = "280020209003"
ANNUAL_FILS = {
    "worker": 50_000,
    "domestic_worker": 5_000,
    "family_first_degree": 50_000,
    "joining_wife": 30_000,
    "kuwaiti_wife": 5_000,
    "student": 50_000,
    "commercial": 50_000,
}
CATEGORIES = list(ANNUAL_FILS)
CATEGORY_WEIGHTS = [40, 30, 10, 5, 5, 5, 5]
PARAMETERS = 30_000  # per statement: under SQLite's 32,766 and PostgreSQL's 65,535
YEARS = 3
HEAVY = 50  # requests of the busiest accounts
SQLITE_SEED_PRAGMAS = {"synchronous": 0, "cache_size": -400_000, "temp_store": 2}


class CivilIds:
    """Distinct valid civil IDs of people born 1960-1999, spread over birth dates."""

    DAYS = (date(1999, 12, 31) - date(1960, 1, 1)).days

    def __init__(self):
        self.n = 0

    def next(self) -> str:
        while True:
            n, self.n = self.n, self.n + 1
            born = date(1960, 1, 1) + timedelta(days=n % self.DAYS)
            first11 = f"2{born:%y%m%d}{n // self.DAYS:04d}"
            if (digit := check_digit(first11)) is not None:
                return first11 + str(digit)


def reference_of(n: int) -> str:
    """A well-formed reference for the n-th request, scattered so neighbours differ."""
    space = len(ALPHABET) ** RANDOM_LENGTH
    value = (n * 2_654_435_761 + 12_345) % space  # an odd multiplier: one to one
    body = ""
    for _ in range(RANDOM_LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        body += ALPHABET[digit]
    return format_reference(body + check_character(body))


@dataclass
class Samples:
    """Inputs for the measurements: varied, real rows."""

    heavy_holders: list[str] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)  # accounts with 1-4 requests
    references: dict[str, list[str]] = field(default_factory=dict)  # holder -> references
    verify_codes: list[str] = field(default_factory=list)
    track_ids: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    sponsors: list[str] = field(default_factory=list)
    any_references: list[str] = field(default_factory=list)
    busiest_day: str = ""
    staff_login: str = STAFF_LOGIN
    staff_password: str = PASSWORD
    totp_secret: str = ""
    counts: dict = field(default_factory=dict)


class Tables:
    """Rows waiting to be written, per table, flushed together in foreign-key order."""

    ORDER = (
        "user",
        "insurancerequest",
        "insuredperson",
        "payment",
        "receipt",
        "refund",
        "reminder",
        "renewal",
        "auditevent",
        "smsmessage",
    )

    def __init__(self):
        self.models = {model._meta.table_name: model for model in models.MODELS}
        self.rows = {name: [] for name in self.ORDER}
        self.written = Counter()

    def add(self, table: str, row: dict) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        sqlite = isinstance(models.db.obj, SqliteDatabase)
        with models.db.atomic():
            for table in self.ORDER:
                rows = self.rows[table]
                if rows:
                    (self._execute_many if sqlite else self._insert_many)(self.models[table], rows)
                    self.written[table] += len(rows)
                    rows.clear()

    @staticmethod
    def _insert_many(model, rows: list[dict]) -> None:
        fields = [model._meta.fields[name] for name in rows[0]]
        size = max(1, PARAMETERS // len(fields))
        for start in range(0, len(rows), size):
            model.insert_many(
                [tuple(row.values()) for row in rows[start : start + size]], fields=fields
            ).execute()

    @staticmethod
    def _execute_many(model, rows: list[dict]) -> None:
        """One row's statement, run for every row (SQLite's executemany), with the values as
        the model's fields store them: peewee building one big statement per batch takes
        ten times as long as the writing."""
        given = [model._meta.fields[name] for name in rows[0]]
        defaults = [f for f in model._meta.sorted_fields if f.name not in rows[0] and f.default is not None]
        fields = given + defaults
        columns = ", ".join(f'"{field.column_name}"' for field in fields)
        sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
        values = [
            tuple(field.db_value(value) for field, value in zip(given, row.values(), strict=True))
            + tuple(
                field.db_value(field.default() if callable(field.default) else field.default)
                for field in defaults
            )
            for row in rows
        ]
        models.db.cursor().executemany(sql, values)


def seed(
    database_url: str,
    requests: int,
    totp_key: str,
    rng_seed: int = 24,
    batch: int = 20_000,
    cheap: bool = False,
) -> Samples:
    """Write `requests` paid requests into the (migrated, empty) database at `database_url`;
    `cheap` password hashing for the test suite's speed."""
    from models import secret_box

    database = models.open_database(database_url)
    rng = random.Random(rng_seed)
    samples = Samples()
    with models.db.connection_context():
        if isinstance(database, SqliteDatabase):
            for name, value in SQLITE_SEED_PRAGMAS.items():
                database.execute_sql(f"PRAGMA {name} = {value}")
        secret_box.use_key(totp_key)
        samples.totp_secret = _staff(make_hasher(cheap))
        days = _Seeder(rng, samples, requests, batch, make_hasher(cheap)).run()
        _write_summary(days)
        if isinstance(database, PostgresqlDatabase):
            _move_sequences()
            database.execute_sql("ANALYZE")
        else:
            database.execute_sql("ANALYZE")
    return samples


def _staff(hasher) -> str:
    secret = totp.new_secret()
    staff = models.StaffMember(
        login=STAFF_LOGIN,
        civil_id=STAFF_CIVIL_ID,
        name="Bench Admin",
        role="admin",
        totp_secret=secret,
        password_hash="",
    )
    staff.set_password(PASSWORD, hasher)
    staff.save()
    return secret


class _Seeder:
    def __init__(self, rng: random.Random, samples: Samples, requests: int, batch: int, hasher):
        self.rng, self.samples, self.total, self.batch = rng, samples, requests, batch
        self.tables = Tables()
        self.ids = CivilIds()
        self.now = clock.now()
        self.today = clock.today_in_kuwait()
        self.first = self.now - timedelta(days=365 * YEARS)
        self.password_hash = hash_password(hasher, PASSWORD)
        self.days: Counter = Counter()  # (day, kind) -> events
        self.fils: Counter = Counter()
        self.request_id = self.payment_id = self.user_id = 0
        self.pending = 0
        self.sample_every = max(1, requests // 400)

    def run(self) -> tuple[Counter, Counter]:
        heavy = max(1, self.total // 25_000)
        made = 0
        while made < self.total:
            count = HEAVY if self.user_id < heavy else self.rng.choices((1, 2, 3, 4), (40, 30, 20, 10))[0]
            count = min(count, self.total - made)
            self._account(count, heavy=self.user_id < heavy)
            made += count
            if self.pending >= self.batch:
                self.tables.flush()
                self.pending = 0
        self.tables.flush()
        self.samples.counts = dict(self.tables.written)
        busiest = max((k for k in self.days if k[1] == summary.PAYMENTS), key=lambda k: self.days[k])
        self.samples.busiest_day = busiest[0].isoformat()
        return self.days, self.fils

    def _count(self, at: datetime, kind: str, fils: int = 0) -> None:
        key = (kuwait_day(at), kind)
        self.days[key] += 1
        self.fils[key] += fils

    def _account(self, count: int, heavy: bool) -> None:
        self.user_id += 1
        civil_id = self.ids.next()
        joined = self.first + timedelta(seconds=self.rng.randrange(365 * YEARS * 86400 // 2))
        self.tables.add(
            "user",
            {
                "id": self.user_id,
                "civil_id": civil_id,
                "name_ar": "سارة أحمد",
                "name_en": f"Holder {self.user_id}",
                "mobile": f"+9655{self.user_id % 10_000_000:07d}",
                "language": self.rng.choice(("ar", "en")),
                "password_hash": self.password_hash,
                "mobile_verified_at": joined,
                "session_version": secrets.token_hex(8),
                "created_at": joined,
            },
        )
        sponsor = civil_id if self.rng.random() < 0.7 else self.ids.next()
        span = (self.now - joined).total_seconds()
        moments = sorted(joined + timedelta(seconds=self.rng.uniform(0, span - 600)) for _ in range(count))
        references = []
        previous = None
        for at in moments:
            previous = self._request(self.user_id, sponsor, at, previous)
            references.append(previous[1])
        if heavy and len(self.samples.heavy_holders) < 5:
            self.samples.heavy_holders.append(civil_id)
            self.samples.references[civil_id] = references
        elif not heavy and self.user_id % self.sample_every == 0 and len(self.samples.holders) < 20:
            self.samples.holders.append(civil_id)
            self.samples.references[civil_id] = references

    def _request(self, owner: int, sponsor: str, at: datetime, previous) -> tuple:
        self.request_id += 1
        self.pending += 1
        rid = self.request_id
        reference = reference_of(rid)
        years = self.rng.choices((1, 2, 3), (60, 30, 10))[0]
        people = self.rng.choices((1, 2, 3, 4), (55, 25, 12, 8))[0]
        total = 0
        for position in range(people):
            category = self.rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            annual = ANNUAL_FILS[category]
            total += annual * years
            civil_id = self.ids.next()
            self.tables.add(
                "insuredperson",
                {
                    "request": rid,
                    "position": position,
                    "civil_id": civil_id,
                    "name": f"Person {rid}-{position}",
                    "category_code": category,
                    "passport_number": f"P{rid:07d}{position}",
                    "passport_expiry": (at + timedelta(days=365 * (years + 2))).date(),
                    "annual_fils": annual,
                    "subtotal_fils": annual * years,
                },
            )
            if rid % self.sample_every == 0 and position == 0:
                self.samples.covered.append(civil_id)
        paid_at = at + timedelta(minutes=5)
        cover_start = kuwait_day(paid_at)
        cover_end = cover_start + timedelta(days=365 * years - 1)
        state = "paid"
        luck = self.rng.random()
        if luck < 0.01:
            state = "refunded"
        elif luck < 0.011:
            state = "refund_requested"
        self.tables.add(
            "insurancerequest",
            {
                "id": rid,
                "reference": reference,
                "owner": owner,
                "state": state,
                "service_type": "group" if people > 1 else "individual",
                "sponsor_name": "Sponsor",
                "sponsor_civil_id": sponsor,
                "insurance_status": "renewal" if previous else "new",
                "current_cover_end": previous[2] if previous else None,
                "years": years,
                "schedule_id": "seed",
                "total_fils": total,
                "confirmed_at": at + timedelta(minutes=3),
                "frozen_at": at + timedelta(minutes=3),
                "created_at": at,
                "updated_at": paid_at,
                "version": 5,
                "cover_start": cover_start,
                "cover_end": cover_end,
            },
        )
        payment = self._payment(rid, total, at, paid_at, "paid", refunded=total if state == "refunded" else 0)
        self._count(paid_at, summary.PAYMENTS, total)
        verify = secrets.token_urlsafe(16)
        self.tables.add(
            "receipt",
            {
                "request": rid,
                "payment": payment,
                "amount_fils": total,
                "paid_at": paid_at,
                "verify_code": verify,
            },
        )
        self._audit(paid_at, "request.paid", "request", rid, rid, {"state": "paid", "amount_fils": total})
        self._audit(paid_at, "payment.paid", "payment", payment, rid, {"state": "paid"})
        if rid % self.sample_every == 0:
            self.samples.verify_codes.append(verify)
            self.samples.track_ids.append(self._track_id(payment, at))
            self.samples.sponsors.append(sponsor)
            self.samples.any_references.append(reference)
        if state != "paid":
            self._refund(rid, payment, total, paid_at, state)
        if self.rng.random() < 0.0002:  # paid twice: a second payment kept as a mismatch
            self._payment(rid, total, paid_at, paid_at + timedelta(minutes=1), "mismatch")
            self._count(paid_at + timedelta(minutes=1), summary.MISMATCHES)
        if self.rng.random() < 0.0005:
            self._failed_sms(paid_at)
        sent = self._reminder_and_renewal(rid, cover_end, previous, at, paid_at)
        return (rid, reference, cover_end, sent)

    def _track_id(self, payment_id: int, at: datetime) -> str:
        return f"{at:%y%m%d%H%M%S}{payment_id:07d}"

    def _payment(self, rid, amount, at, paid_at, state, refunded=0) -> int:
        self.payment_id += 1
        self.tables.add(
            "payment",
            {
                "id": self.payment_id,
                "request": rid,
                "track_id": self._track_id(self.payment_id, at),
                "gateway": "sandbox",
                "amount_fils": amount,
                "state": state,
                "result_code": "CAPTURED",
                "payment_id": f"PAY{self.payment_id:012d}",
                "transaction_id": f"TX{self.payment_id:012d}",
                "auth_code": f"{self.payment_id % 999_999:06d}",
                "reference_number": f"R{self.payment_id:011d}",
                "created_at": at + timedelta(minutes=4),
                "updated_at": paid_at,
                "paid_at": paid_at,
                "refunded_fils": refunded,
            },
        )
        return self.payment_id

    def _refund(self, rid, payment, amount, paid_at, state) -> None:
        asked = min(paid_at + timedelta(days=self.rng.randint(1, 20)), self.now)
        done = state == "refunded"
        completed = min(asked + timedelta(days=2), self.now) if done else None
        self.tables.add(
            "refund",
            {
                "request": rid,
                "payment": payment,
                "amount_fils": amount,
                "state": "refunded" if done else "requested",
                "reason": "left_kuwait",
                "iban": "KW81CBKU0000000000001234560101",
                "account_holder": "Holder",
                "open_for": None if done else rid,
                "done_for": rid if done else None,
                "requested_at": asked,
                "completed_at": completed,
                "method": "gateway" if done else None,
            },
        )
        if done:
            self._count(completed, summary.REFUNDS, amount)

    def _failed_sms(self, at: datetime) -> None:
        self.tables.add(
            "smsmessage",
            {
                "to": "+96550000000",
                "body": "bench",
                "idempotency_key": secrets.token_hex(16),
                "state": "failed",
                "created_at": at,
                "next_try_at": at,
                "failed_at": at,
                "problem": "HTTP 400",
                "tries": 1,
            },
        )
        self._count(at, summary.SMS_FAILURES)

    def _reminder_and_renewal(self, rid, cover_end, previous, at, paid_at) -> datetime | None:
        """A renewal link to the account's previous request, and this request's reminder
        when its day has come; when the reminder was sent."""
        if previous is not None:
            self.tables.add("renewal", {"previous": previous[0], "request": rid, "created_at": at})
            if previous[3] is not None and previous[3] <= at:
                self._count(at, summary.RENEWALS_STARTED)
                self._count(paid_at, summary.RENEWALS_FOLLOWED)
        sent = None
        remind_on = cover_end - timedelta(days=30)
        if remind_on <= self.today and self.rng.random() < 0.7:
            sent = datetime.combine(remind_on, datetime.min.time()) + timedelta(hours=6)
            self.tables.add(
                "reminder",
                {
                    "request": rid,
                    "lead_days": 30,
                    "cover_end": cover_end,
                    "token": secrets.token_urlsafe(16),
                    "created_at": sent,
                    "sent_at": sent,
                },
            )
            self._count(sent, summary.REMINDERS_SENT)
        return sent

    def _audit(self, at, action, kind, record_id, rid, after) -> None:
        self.tables.add(
            "auditevent",
            {
                "at": at,
                "actor_kind": "system",
                "actor_id": None,
                "actor_label": "system",
                "action": action,
                "record_kind": kind,
                "record_id": str(record_id),
                "request_id": rid,
                "before": None,
                "after": json.dumps(after),
            },
        )


def _write_summary(days: tuple[Counter, Counter]) -> None:
    events, fils = days
    rows = [(day, kind, n, fils[day, kind]) for (day, kind), n in sorted(events.items())]
    model = models.DailySummary
    fields = [model.day, model.kind, model.events, model.fils]
    with models.db.atomic():
        for start in range(0, len(rows), 5000):
            model.insert_many(rows[start : start + 5000], fields=fields).execute()


def _move_sequences() -> None:
    """Ids were given here: PostgreSQL's sequences start after them."""
    for table in ("user", "insurancerequest", "payment"):
        models.db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
        )
