"""The people page: rows of insured people, as typed, checked, and priced live."""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from domain import cover
from domain import quote as rules
from domain.civil_id import InvalidCivilId, birth_date, parse_civil_id
from domain.dates import parse_date
from domain.digits import normalise_digits, parse_whole_number
from domain.fee_schedule import FeeSchedule
from domain.names import InvalidName, check_name
from models.requests import service_type_for
from views.accounts.forms import NAME_PROBLEMS
from views.calculator_answers import QuoteAnswers, problem_message
from views.requests.forms import CIVIL_ID_PROBLEMS
from web.form_fields import civil_id_as_of_today
from web.form_rows import read_rows, removed_row
from web.language import select_locale

FIELDS = ("civil_id", "name", "category", "passport_number", "passport_expiry")
_PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")


def empty_row() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


def read_people(values) -> list[dict[str, str]]:
    return read_rows(values, "people", FIELDS) or [empty_row()]


@dataclass
class CheckedPeople:
    rows: list[dict[str, str]]
    errors: dict[str, str]  # field id -> message, in page order
    people: list[dict] | None  # ready to store, when every row is valid
    quote: rules.Quote
    quote_errors: dict[str, str]  # only what stops the quote, for the live partial

    @property
    def summary(self) -> list[tuple[str, str]]:
        """The error summary's (field id, message): with several people, each message
        names its person, as the message beside the field need not."""
        if len(self.rows) < 2:
            return list(self.errors.items())
        return [(field_id, _person_message(field_id, message)) for field_id, message in self.errors.items()]


def _person_message(field_id: str, message: str) -> str:
    match = re.fullmatch(r"people-([0-9]+)-[a-z_]+", field_id)
    if match is None:
        return message
    return _("Person %(number)d: %(message)s", number=int(match[1]) + 1, message=message)


def check_people(
    rows: list[dict[str, str]], service_type: str | None, schedule: FeeSchedule, years: int, today: date
) -> CheckedPeople:
    """`service_type` as stored, when checking stored people; None for rows as typed,
    which make a group when they are more than one."""
    service_type = service_type or service_type_for(len(rows))
    errors: dict[str, str] = {}
    people = []
    for index, row in enumerate(rows):
        person = _check_row(index, row, schedule, today, errors)
        people.append(person)

    covered = [cover.CoveredPerson(p["civil_id"], p["passport_expiry"]) for p in people]
    for problem in cover.people_problems(covered, service_type, today):
        field_id, message = _cover_message(problem)
        errors.setdefault(field_id, message)

    to_quote = [rules.PersonToQuote(row["category"], _born(p)) for row, p in zip(rows, people)]
    quote = rules.quote(schedule, to_quote, years, today)
    categories = [row["category"] for row in rows]
    quote_errors = {}
    for problem in quote.problems:
        if problem.code == rules.YEARS_OUT_OF_RANGE:
            continue  # years are asked on a later page
        field_id, message = problem_message(problem, schedule, categories, age_field="civil_id")
        quote_errors.setdefault(field_id, message)
        errors.setdefault(field_id, message)

    ordered = {
        f"people-{i}-{name}": errors[f"people-{i}-{name}"]
        for i in range(len(rows))
        for name in FIELDS
        if f"people-{i}-{name}" in errors
    }
    ordered.update((key, value) for key, value in errors.items() if key not in ordered)
    return CheckedPeople(rows, ordered, None if errors else people, quote, quote_errors)


def _born(person: dict) -> date | None:
    return birth_date(person["civil_id"]) if person.get("civil_id") else None


def _check_row(
    index: int, row: dict[str, str], schedule: FeeSchedule, today: date, errors: dict[str, str]
) -> dict:
    prefix = f"people-{index}"
    person = {
        "civil_id": None,
        "name": row["name"],
        "category_code": row["category"],
        "passport_number": None,
        "passport_expiry": None,
    }

    if not row["civil_id"]:
        errors[f"{prefix}-civil_id"] = _("Enter the person's civil ID number")
    else:
        try:
            person["civil_id"] = parse_civil_id(row["civil_id"], today=today)
        except InvalidCivilId as problem:
            errors[f"{prefix}-civil_id"] = str(CIVIL_ID_PROBLEMS[problem.reason])

    problem = name_problem(row["name"])
    if problem:
        errors[f"{prefix}-name"] = problem

    if not row["category"]:
        errors[f"{prefix}-category"] = _("Choose the residency category.")
    elif schedule.category(row["category"]) is None:
        errors[f"{prefix}-category"] = _("Choose a residency category from the list.")

    number = re.sub(r"[\s-]", "", normalise_digits(row["passport_number"])).upper()
    if not number:
        errors[f"{prefix}-passport_number"] = _("Enter the passport number")
    elif not _PASSPORT_NUMBER.fullmatch(number):
        errors[f"{prefix}-passport_number"] = _("A passport number has 5 to 20 letters and digits")
    else:
        person["passport_number"] = number

    if not row["passport_expiry"]:
        errors[f"{prefix}-passport_expiry"] = _("Enter the date the passport expires")
    else:
        person["passport_expiry"] = parse_date(row["passport_expiry"])
        if person["passport_expiry"] is None:
            errors[f"{prefix}-passport_expiry"] = _("Enter a real date, like 31/03/2028")
    return person


def name_problem(name: str) -> str | None:
    """What is wrong with a covered person's name as typed, or None."""
    if not name:
        return _("Enter the person's full name")
    if len(name) > 100:
        return _("The name must be 100 characters or fewer")
    try:
        check_name(name)
    except InvalidName as problem:
        return str(NAME_PROBLEMS[problem.reason])
    return None


def _cover_message(problem: cover.PersonProblem) -> tuple[str, str]:
    prefix = f"people-{problem.index}"
    if problem.code == cover.DUPLICATE_PERSON:
        return f"{prefix}-civil_id", _("This person is already on this request")
    if problem.code == cover.PASSPORT_EXPIRED:
        return f"{prefix}-passport_expiry", _("This passport has expired. Renew it before paying")
    return "people", _("An individual request covers one person. Choose group to add more people")


def rows_of(people) -> list[dict[str, str]]:
    """Stored people (InsuredPerson rows) as form rows."""
    rows = [
        {
            "civil_id": p.civil_id,
            "name": p.name,
            "category": p.category_code,
            "passport_number": p.passport_number,
            "passport_expiry": p.passport_expiry.strftime("%d/%m/%Y"),
        }
        for p in people
    ]
    return rows or [empty_row()]


def from_calculator(answers: QuoteAnswers, schedule: FeeSchedule) -> tuple[list[dict[str, str]], int | None]:
    """The fee calculator's answers as a new draft's rows (each category, and the civil ID
    where one was given for the age) and its years, when they are a number it allows."""
    rows = []
    for answer in answers.people[: rules.MAX_PEOPLE]:
        typed = re.sub(r"[\s-]", "", normalise_digits(answer.born))
        civil_id = typed if re.fullmatch(r"[0-9]{12}", typed) else ""
        category = answer.category if schedule.category(answer.category) else ""
        rows.append({**empty_row(), "civil_id": civil_id, "category": category})
    years = parse_whole_number(answers.years)
    if years is not None and not 1 <= years <= max(c.max_years for c in schedule.categories):
        years = None
    return rows, years


def apply_action(rows: list[dict[str, str]], action: str | None, user):
    """Add a row, remove one, or add the signed-in person; returns (rows, field to focus)."""
    if action == "add" and len(rows) < rules.MAX_PEOPLE:
        rows.append(empty_row())
        return rows, f"people-{len(rows) - 1}-civil_id"
    index = removed_row(action, len(rows))
    if index is not None:
        del rows[index]
        return rows, "add-person"
    if action == "add-me":
        return _add_person(rows, user)
    return rows, None


def _add_person(rows, user):
    if any(parse_or_none(row["civil_id"]) == user.civil_id for row in rows):
        return rows, None
    me = {**empty_row(), "civil_id": user.civil_id, "name": user.full_name(select_locale())}
    blank = next((i for i, row in enumerate(rows) if not any(row.values())), None)
    if blank is None and len(rows) < rules.MAX_PEOPLE:
        rows.append(me)
        blank = len(rows) - 1
    elif blank is None:
        return rows, None
    rows[blank] = me
    return rows, f"people-{blank}-category"


def parse_or_none(text: str) -> str | None:
    try:
        return civil_id_as_of_today(text)
    except InvalidCivilId:
        return None
