"""The fee calculator's answers: read from a query string or form, checked, priced.

Field names follow `years`, `people-N-category`, `people-N-born` (a civil ID or a date
of birth, needed where a category has an age rule).
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from domain import quote as rules
from domain.civil_id import InvalidCivilId, birth_date, parse_civil_id
from domain.dates import parse_date
from domain.digits import normalise_digits, parse_whole_number
from domain.fee_schedule import FeeSchedule
from views.shared.quote_messages import problem_message
from web.form_rows import read_rows, removed_row


@dataclass
class PersonAnswer:
    category: str = ""
    born: str = ""


@dataclass
class QuoteAnswers:
    years: str = "1"
    people: list[PersonAnswer] = field(default_factory=lambda: [PersonAnswer()])

    def as_query(self) -> dict[str, str]:
        """The answers as the calculator's query string, which /requests/new reads too."""
        query = {"years": self.years}
        for index, person in enumerate(self.people):
            query[f"people-{index}-category"] = person.category
            if person.born:
                query[f"people-{index}-born"] = person.born
        return query


@dataclass
class CheckedQuote:
    answers: QuoteAnswers
    quote: rules.Quote | None
    errors: dict[str, str]  # field id -> message, in page order

    @property
    def error_list(self) -> list[tuple[str, str]]:
        return list(self.errors.items())


def read_answers(values) -> QuoteAnswers:
    """Answers from a MultiDict; rows keep the order of their numbers, gaps closed."""
    people = [PersonAnswer(**row) for row in read_rows(values, "people", ("category", "born"))]
    return QuoteAnswers(years=values.get("years", "1").strip()[:10], people=people or [PersonAnswer()])


def apply_action(answers: QuoteAnswers, action: str | None) -> tuple[QuoteAnswers, str | None]:
    """Add or remove a row as the pressed button asks; returns the field to focus next."""
    if action == "add" and len(answers.people) < rules.MAX_PEOPLE:
        answers.people.append(PersonAnswer())
        return answers, f"people-{len(answers.people) - 1}-category"
    index = removed_row(action, len(answers.people))
    if index is not None:
        del answers.people[index]
        return answers, "add-person"
    return answers, None


def check(answers: QuoteAnswers, schedule: FeeSchedule, today: date) -> CheckedQuote:
    errors: dict[str, str] = {}
    years = parse_whole_number(answers.years)
    if years is None:
        errors["years"] = _("Enter the number of years as a whole number, like 1 or 2.")
    people = []
    for index, person in enumerate(answers.people):
        born, message = _read_birth_date(person.born, today)
        if message:
            errors[f"people-{index}-born"] = message
        people.append(rules.PersonToQuote(person.category, born))
    quote = rules.quote(schedule, people, years, today)
    categories = [person.category for person in answers.people]
    for problem in quote.problems:
        field_id, message = problem_message(problem, schedule, categories)
        errors.setdefault(field_id, message)
    return CheckedQuote(answers, quote, _in_page_order(errors, len(answers.people)))


def _read_birth_date(text: str, today: date) -> tuple[date | None, str | None]:
    if not text:
        return None, None
    digits = re.sub(r"[\s-]", "", normalise_digits(text))
    if re.fullmatch(r"[0-9]{12}", digits):
        try:
            return birth_date(parse_civil_id(digits, today=today)), None
        except InvalidCivilId:
            return None, _("This civil ID is not valid. Check the 12 digits on the card.")
    born = parse_date(text)
    if born is None:
        return None, _("Enter a 12-digit civil ID, or a date of birth like 31/03/2015.")
    return born, None


def _in_page_order(errors: dict[str, str], rows: int) -> dict[str, str]:
    order = ["years"] + [f"people-{i}-{name}" for i in range(rows) for name in ("category", "born")]
    order.append("add-person")
    return {key: errors[key] for key in order if key in errors}
