"""Checking an uploaded list of people with the people page's own rules (domain.people),
row by row, then what only a list can get wrong: a civil ID twice, a person paid for
already, a fee too big for one payment. Messages in the reader's language."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from domain import quote as rules
from domain.digits import parse_whole_number
from domain.fee_schedule import FeeSchedule
from domain.money import format_fils
from domain.uploads import Priced, Row, category_finder, duplicate_rows, split_into_requests
from views.shared.people_check import check_people
from views.shared.people_messages import cover_problems
from web.language import select_locale

COLUMN_LABELS = {
    "civil_id": _l("Civil ID"),
    "name": _l("Full name"),
    "category": _l("Category"),
    "passport_number": _l("Passport number"),
    "passport_expiry": _l("Passport expiry"),
    "years": _l("Years"),
}


@dataclass(frozen=True)
class RowProblem:
    number: int
    column: str
    value: str
    message: str


@dataclass
class CheckedUpload:
    row_count: int
    problems: list[RowProblem]
    bad_rows: set[int]  # row numbers with at least one problem
    ready: list[tuple[Priced, dict]] = field(default_factory=list)  # good rows, ready to store

    @property
    def total_fils(self) -> int:
        return sum(priced.subtotal_fils for priced, _person in self.ready)

    def requests(self, max_fils: int) -> list[tuple[int, list[dict]]]:
        """The good rows as (years, people) per request, within the per-payment limit."""
        people_of = {priced.number: person for priced, person in self.ready}
        groups = split_into_requests([priced for priced, _person in self.ready], max_fils, rules.MAX_PEOPLE)
        return [(group[0].years, [people_of[priced.number] for priced in group]) for group in groups]


def check_upload(
    rows: list[Row],
    schedule: FeeSchedule,
    today: date,
    max_fils: int,
    covered: Callable[[set[str]], set[str]],
    status: str = "new",
    current_cover_end: date | None = None,
) -> CheckedUpload:
    """`covered(civil IDs)` names those the uploader's own paid requests cover already
    (from the day the cover would start); `status` and `current_cover_end`: the upload's
    answer to "new or renewal?", which moves the cover's start."""
    find_category = category_finder(schedule)
    problems: list[RowProblem] = []
    checked_rows = []  # (row, person or None, subtotal)
    for row in rows:
        found, person, subtotal = _check_row(
            row, schedule, today, find_category, max_fils, (status, current_cover_end)
        )
        problems += found
        checked_rows.append((row, person, subtotal))

    civil_ids = [person["civil_id"] if person else None for _row, person, _s in checked_rows]
    first_row = {}
    for row, civil_id in zip(rows, civil_ids):
        first_row.setdefault(civil_id, row.number)
    for index in duplicate_rows(civil_ids):
        row = rows[index]
        problems.append(
            RowProblem(
                row.number,
                "civil_id",
                row.values["civil_id"],
                _("This civil ID is on row %(row)d of the file too", row=first_row[civil_ids[index]]),
            )
        )
    paid = covered({civil_id for civil_id in civil_ids if civil_id})
    for row, civil_id in zip(rows, civil_ids):
        if civil_id in paid:
            problems.append(
                RowProblem(
                    row.number,
                    "civil_id",
                    row.values["civil_id"],
                    _("One of your paid requests covers this person for this period already"),
                )
            )

    problems.sort(key=lambda problem: problem.number)
    bad = {problem.number for problem in problems}
    result = CheckedUpload(len(rows), problems, bad)
    for row, person, subtotal in checked_rows:
        if row.number not in bad:
            result.ready.append(
                (Priced(row.number, int(parse_whole_number(row.values["years"])), subtotal), person)
            )
    return result


def _check_row(row: Row, schedule: FeeSchedule, today: date, find_category, max_fils: int, cover):
    values = row.values
    typed = {
        "civil_id": values["civil_id"],
        "name": values["name"],
        "category": find_category(values["category"]),
        "passport_number": values["passport_number"],
        "passport_expiry": values["passport_expiry"],
    }
    years = parse_whole_number(values["years"])
    most = rules.max_years_for(schedule, [typed["category"]])
    years_ok = years is not None and 1 <= years <= most
    checked = check_people([typed], "group", schedule, years if years_ok else None, today)

    problems = []
    for field_id, message in checked.errors.items():
        column = field_id.rsplit("-", 1)[-1] if field_id.startswith("people-0-") else "category"
        problems.append(RowProblem(row.number, column, values.get(column, ""), message))
    if not years_ok:
        problems.append(
            RowProblem(
                row.number,
                "years",
                values["years"],
                _("Choose between %(min)d and %(max)d years.", min=1, max=most),
            )
        )
    if problems:
        return problems, None, 0

    person = checked.people[0]
    stored_like = [
        SimpleNamespace(
            civil_id=person["civil_id"], name=person["name"], passport_expiry=person["passport_expiry"]
        )
    ]
    for message in cover_problems(stored_like, years, *cover, today):
        problems.append(RowProblem(row.number, "passport_expiry", values["passport_expiry"], message))
    subtotal = checked.quote.total_fils
    if subtotal > max_fils:
        problems.append(
            RowProblem(
                row.number,
                "years",
                values["years"],
                _(
                    "This person's fee, %(fee)s, is more than one payment may be (%(limit)s): "
                    "choose fewer years",
                    fee=format_fils(subtotal, select_locale()),
                    limit=format_fils(max_fils, select_locale()),
                ),
            )
        )
    return problems, (None if problems else person), subtotal
