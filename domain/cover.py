"""Rules for the people a request covers and the period it covers them for."""

from dataclasses import dataclass
from datetime import date

SERVICE_TYPES = ("individual", "group")
INSURANCE_STATUSES = ("new", "renewal", "transfer", "newborn")

DUPLICATE_PERSON = "duplicate_person"
PASSPORT_EXPIRED = "passport_expired"
PASSPORT_ENDS_BEFORE_COVER = "passport_ends_before_cover"
INDIVIDUAL_IS_ONE_PERSON = "individual_is_one_person"


@dataclass(frozen=True)
class CoveredPerson:
    civil_id: str
    passport_expiry: date | None


@dataclass(frozen=True)
class PersonProblem:
    index: int | None  # None: about the request as a whole
    code: str


def cover_end(start: date, years: int) -> date:
    """The last day covered: the day before the same date `years` later."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year that has none
        anniversary = date(start.year + years, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def people_problems(
    people: list[CoveredPerson], service_type: str | None, today: date
) -> list[PersonProblem]:
    problems = []
    if service_type == "individual" and len(people) > 1:
        problems.append(PersonProblem(None, INDIVIDUAL_IS_ONE_PERSON))
    seen = set()
    for index, person in enumerate(people):
        if person.civil_id in seen:
            problems.append(PersonProblem(index, DUPLICATE_PERSON))
        seen.add(person.civil_id)
        if person.passport_expiry is not None and person.passport_expiry <= today:
            problems.append(PersonProblem(index, PASSPORT_EXPIRED))
    return problems


def passports_short_of_cover(people: list[CoveredPerson], start: date, years: int) -> list[PersonProblem]:
    """People whose passport expires before the cover would end."""
    last_day = cover_end(start, years)
    return [
        PersonProblem(index, PASSPORT_ENDS_BEFORE_COVER)
        for index, person in enumerate(people)
        if person.passport_expiry is not None and person.passport_expiry < last_day
    ]


def most_years_passports_allow(people: list[CoveredPerson], start: date, limit: int) -> int:
    """The most whole years (up to `limit`) that every passport covers; 0 when none."""
    years = limit
    while years > 0 and passports_short_of_cover(people, start, years):
        years -= 1
    return years
