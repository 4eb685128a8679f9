"""What a request costs under a fee schedule, or why it cannot be priced."""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.civil_id import age_on
from domain.fee_schedule import Category, FeeSchedule

MAX_PEOPLE = 20
MIN_YEARS = 1

NO_PEOPLE = "no_people"
TOO_MANY_PEOPLE = "too_many_people"
UNKNOWN_CATEGORY = "unknown_category"
YEARS_OUT_OF_RANGE = "years_out_of_range"
AGE_BELOW_MINIMUM = "age_below_minimum"
AGE_ABOVE_MAXIMUM = "age_above_maximum"
BIRTH_DATE_REQUIRED = "birth_date_required"
BIRTH_DATE_IN_FUTURE = "birth_date_in_future"

EXEMPT = "exempt"


@dataclass(frozen=True)
class PersonToQuote:
    category_code: str
    birth_date: date | None = None


@dataclass(frozen=True)
class Problem:
    """A stable `code` the web layer translates; `person_index` is 0-based."""

    code: str
    person_index: int | None = None
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class QuoteLine:
    """One insured person. Unpriced lines have annual_fils and subtotal_fils None,
    and note_code names the problem; exempt lines have note_code "exempt"."""

    index: int
    category: Category
    annual_fils: int | None
    years: int | None
    subtotal_fils: int | None
    exempt: bool
    note_code: str | None

    @property
    def priced(self) -> bool:
        return self.subtotal_fils is not None


@dataclass(frozen=True)
class Quote:
    schedule_id: str
    lines: tuple[QuoteLine, ...]
    years: int | None
    total_fils: int
    problems: tuple[Problem, ...]

    @property
    def payable(self) -> bool:
        return bool(self.lines) and not self.problems and all(line.priced for line in self.lines)

    @property
    def needs_payment(self) -> bool:
        return self.payable and self.total_fils > 0


def max_years_for(schedule: FeeSchedule, codes: Iterable[str]) -> int:
    """The most years one request may cover: the strictest category in it decides.

    With no known category yet, the schedule's most generous limit, so a form
    can offer every choice before the category is picked.
    """
    limits = [c.max_years for c in map(schedule.category, codes) if c is not None]
    return min(limits) if limits else max(c.max_years for c in schedule.categories)


def quote(schedule: FeeSchedule, people: Sequence[PersonToQuote], years: int | None, on: date) -> Quote:
    """Price every person for `years` whole years under `schedule`, as of `on`."""
    if isinstance(years, bool) or not isinstance(years, (int, type(None))):
        raise TypeError("years is a whole number (or None when the form gave none)")
    if not people:
        return Quote(schedule.id, (), years, 0, (Problem(NO_PEOPLE),))
    if len(people) > MAX_PEOPLE:
        problem = Problem(TOO_MANY_PEOPLE, params={"max": MAX_PEOPLE, "count": len(people)})
        return Quote(schedule.id, (), years, 0, (problem,))

    problems: list[Problem] = []
    max_years = max_years_for(schedule, (p.category_code for p in people))
    years_valid = years is not None and MIN_YEARS <= years <= max_years
    if not years_valid:
        problems.append(Problem(YEARS_OUT_OF_RANGE, params={"min": MIN_YEARS, "max": max_years}))

    lines: list[QuoteLine] = []
    for index, person in enumerate(people):
        category = schedule.category(person.category_code)
        if category is None:
            problems.append(Problem(UNKNOWN_CATEGORY, index, {"code": person.category_code}))
            continue
        age_problem = _age_problem(category, person.birth_date, on, index)
        if age_problem is not None:
            problems.append(age_problem)
            lines.append(QuoteLine(index, category, None, years, None, False, age_problem.code))
            continue
        subtotal = category.annual_fils * years if years_valid else None
        note = EXEMPT if category.exempt else None
        lines.append(QuoteLine(index, category, category.annual_fils, years, subtotal, category.exempt, note))

    total = sum(line.subtotal_fils for line in lines if line.priced)
    return Quote(schedule.id, tuple(lines), years, total, tuple(problems))


def _age_problem(category: Category, born: date | None, on: date, index: int) -> Problem | None:
    if not category.has_age_rule:
        return None
    if born is None:
        return Problem(BIRTH_DATE_REQUIRED, index)
    if born > on:
        return Problem(BIRTH_DATE_IN_FUTURE, index)
    if category.min_age_years is not None:
        age = age_on(born, on)
        if age < category.min_age_years:
            params = {"min_age_years": category.min_age_years, "age_years": age}
            return Problem(AGE_BELOW_MINIMUM, index, params)
    if category.max_age_months is not None and on > _months_after(born, category.max_age_months):
        return Problem(AGE_ABOVE_MAXIMUM, index, {"max_age_months": category.max_age_months})
    return None


def _months_after(start: date, months: int) -> date:
    # A month after 31 January is the last day of February.
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
