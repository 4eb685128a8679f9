"""Rows of people as typed on the people page or in an uploaded list: checked by
domain.people, priced by domain.quote, each problem worded beside its answer."""

from dataclasses import asdict, dataclass
from datetime import date

from domain import people as rows_rules
from domain import quote as rules
from domain.fee_schedule import FeeSchedule
from models.requests import service_type_for
from views.shared.people_messages import field_id, in_page_order, numbered, person_message
from views.shared.quote_messages import problem_message

FIELDS = rows_rules.FIELDS


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
        return [(field, numbered(field, message)) for field, message in self.errors.items()]


def check_people(
    rows: list[dict[str, str]], service_type: str | None, schedule: FeeSchedule, years: int, today: date
) -> CheckedPeople:
    """`service_type` as stored, when checking stored people; None for rows as typed,
    which make a group when they are more than one."""
    typed = [rows_rules.TypedPerson(**row) for row in rows]
    allowed = {category.code for category in schedule.categories}
    checked = rows_rules.check_people(typed, service_type or service_type_for(len(rows)), today, allowed)
    errors = {field_id(problem): person_message(problem) for problem in checked.problems}

    quote = rows_rules.quote_people(schedule, checked.people, years, today)
    categories = [row["category"] for row in rows]
    quote_errors: dict[str, str] = {}
    for problem in quote.problems:
        if problem.code == rules.YEARS_OUT_OF_RANGE:
            continue  # years are asked on a later page
        field, message = problem_message(problem, schedule, categories, age_field="civil_id")
        errors.setdefault(field, message)
        if not _blank(rows, problem.person_index):
            # A row just added and not typed in yet does not make the total "not complete":
            # without JavaScript the total is not worked out again until the next page.
            quote_errors.setdefault(field, message)

    people = None if errors else [asdict(person) for person in checked.people]
    return CheckedPeople(rows, in_page_order(errors, len(rows), FIELDS), people, quote, quote_errors)


def _blank(rows: list[dict[str, str]], index: int | None) -> bool:
    return (
        index is not None and index < len(rows) and not any(value.strip() for value in rows[index].values())
    )
