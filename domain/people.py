"""The people a request covers, one row each as typed: who each is (civil ID, name,
category, passport) and what only the rows together can get wrong (the same person twice,
an expired passport, more than one person on an individual request).

Nothing here knows the web: each problem has a stable `code`, the row it is about and
the answer at fault, and the web layer words it, as domain.quote's problems are.
"""

import dataclasses
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import date

from domain import cover
from domain import quote as rules
from domain.civil_id import InvalidCivilId, birth_date, parse_civil_id
from domain.dates import parse_date
from domain.digits import normalise_digits
from domain.fee_schedule import FeeSchedule
from domain.names import InvalidName, check_name

FIELDS = ("civil_id", "name", "category", "passport_number", "passport_expiry")
MAX_NAME_LENGTH = 100
_PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")

CIVIL_ID_MISSING = "civil_id_missing"
CIVIL_ID_INVALID = "civil_id_invalid"  # params["reason"]: InvalidCivilId's reason
NAME_MISSING = "name_missing"
NAME_TOO_LONG = "name_too_long"
NAME_INVALID = "name_invalid"  # params["reason"]: InvalidName's reason
CATEGORY_MISSING = "category_missing"
CATEGORY_NOT_ALLOWED = "category_not_allowed"
PASSPORT_NUMBER_MISSING = "passport_number_missing"
PASSPORT_NUMBER_INVALID = "passport_number_invalid"
PASSPORT_EXPIRY_MISSING = "passport_expiry_missing"
PASSPORT_EXPIRY_INVALID = "passport_expiry_invalid"
# What only the rows together can get wrong: domain.cover's codes.
DUPLICATE_PERSON = cover.DUPLICATE_PERSON
PASSPORT_EXPIRED = cover.PASSPORT_EXPIRED
INDIVIDUAL_IS_ONE_PERSON = cover.INDIVIDUAL_IS_ONE_PERSON

_COVER_FIELDS = {DUPLICATE_PERSON: "civil_id", PASSPORT_EXPIRED: "passport_expiry"}


@dataclass(frozen=True)
class TypedPerson:
    """One row as typed, every answer a string ("" when left empty)."""

    civil_id: str = ""
    name: str = ""
    category: str = ""
    passport_number: str = ""
    passport_expiry: str = ""


@dataclass(frozen=True)
class Person:
    """A row as read: an answer that could not be read is None."""

    civil_id: str | None
    name: str
    category_code: str
    passport_number: str | None
    passport_expiry: date | None

    def birth_date(self) -> date | None:
        return birth_date(self.civil_id) if self.civil_id else None


@dataclass(frozen=True)
class Problem:
    """`index` is the 0-based row, `field` the answer at fault (one of FIELDS); both
    None for the rows as a whole."""

    code: str
    index: int | None = None
    field: str | None = None
    params: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class CheckedPeople:
    people: tuple[Person, ...]
    problems: tuple[Problem, ...]  # at most one per row and field, in the rows' order

    @property
    def valid(self) -> bool:
        return not self.problems


def check_person(
    index: int, typed: TypedPerson, today: date, allowed: Container[str], asks_passport_number: bool = True
) -> tuple[Person, list[Problem]]:
    """One row against the rules of a single person; `allowed` holds the category codes
    this form offers. Without `asks_passport_number` the number is not asked ("")."""
    problems = []

    def refuse(problem_code: str, at: str, **params) -> None:
        problems.append(Problem(problem_code, index, at, params))

    civil_id = None
    if not typed.civil_id:
        refuse(CIVIL_ID_MISSING, "civil_id")
    else:
        try:
            civil_id = parse_civil_id(typed.civil_id, today=today)
        except InvalidCivilId as problem:
            refuse(CIVIL_ID_INVALID, "civil_id", reason=problem.reason)

    if not typed.name:
        refuse(NAME_MISSING, "name")
    elif len(typed.name) > MAX_NAME_LENGTH:
        refuse(NAME_TOO_LONG, "name", max=MAX_NAME_LENGTH)
    else:
        try:
            check_name(typed.name)
        except InvalidName as problem:
            refuse(NAME_INVALID, "name", reason=problem.reason)

    if not typed.category:
        refuse(CATEGORY_MISSING, "category")
    elif typed.category not in allowed:
        refuse(CATEGORY_NOT_ALLOWED, "category", code=typed.category)

    passport_number = "" if not asks_passport_number else None
    if asks_passport_number:
        number = re.sub(r"[\s-]", "", normalise_digits(typed.passport_number)).upper()
        if not number:
            refuse(PASSPORT_NUMBER_MISSING, "passport_number")
        elif not _PASSPORT_NUMBER.fullmatch(number):
            refuse(PASSPORT_NUMBER_INVALID, "passport_number")
        else:
            passport_number = number

    expiry = parse_date(typed.passport_expiry) if typed.passport_expiry else None
    if not typed.passport_expiry:
        refuse(PASSPORT_EXPIRY_MISSING, "passport_expiry")
    elif expiry is None:
        refuse(PASSPORT_EXPIRY_INVALID, "passport_expiry")

    person = Person(civil_id, typed.name, typed.category, passport_number, expiry)
    return person, problems


def check_people(
    rows: Sequence[TypedPerson],
    service_type: str,
    today: date,
    allowed: Container[str],
    asks_passport_number: bool = True,
) -> CheckedPeople:
    """Every row, then the rows together; a row's answer reports its first problem only."""
    people, problems = [], []
    for index, typed in enumerate(rows):
        person, found = check_person(index, typed, today, allowed, asks_passport_number)
        people.append(person)
        problems += found
    at_fault = {(problem.index, problem.field) for problem in problems}
    covered = [cover.CoveredPerson(person.civil_id, person.passport_expiry) for person in people]
    for found in cover.people_problems(covered, service_type, today):
        where = (found.index, _COVER_FIELDS.get(found.code))
        if where not in at_fault:
            at_fault.add(where)
            problems.append(Problem(found.code, *where))
    problems.sort(key=lambda problem: -1 if problem.index is None else problem.index)
    return CheckedPeople(tuple(people), tuple(problems))


def quote_people(
    schedule: FeeSchedule, people: Sequence[Person], years: int | None, today: date
) -> rules.Quote:
    """The people priced: each category as typed, each age from the civil ID when it is valid."""
    to_quote = [rules.PersonToQuote(person.category_code, person.birth_date()) for person in people]
    return rules.quote(schedule, to_quote, years, today)
