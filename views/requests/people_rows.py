"""The people page's rows: a new row, a removed one, the signed-in person added, the
fee calculator's answers brought over. views/shared/people_check.py checks them."""

import re

from domain import quote as rules
from domain.civil_id import InvalidCivilId
from domain.digits import normalise_digits, parse_whole_number
from domain.fee_schedule import FeeSchedule
from domain.people import FIELDS
from views.shared.calculator_answers import QuoteAnswers
from web.form_fields import civil_id_as_of_today
from web.form_rows import read_rows, removed_row
from web.language import select_locale


def empty_row() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


def read_people(values) -> list[dict[str, str]]:
    return read_rows(values, "people", FIELDS) or [empty_row()]


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
    """The signed-in person on the first row with no civil ID and no name yet (one the fee
    calculator opened with only a category keeps it), or on a new row."""
    if any(parse_or_none(row["civil_id"]) == user.civil_id for row in rows):
        return rows, None
    me = {"civil_id": user.civil_id, "name": user.full_name(select_locale())}
    open_row = next(
        (i for i, row in enumerate(rows) if not row["civil_id"].strip() and not row["name"].strip()), None
    )
    if open_row is None and len(rows) < rules.MAX_PEOPLE:
        rows.append(empty_row())
        open_row = len(rows) - 1
    elif open_row is None:
        return rows, None
    rows[open_row] = {**rows[open_row], **me}
    first_unanswered = next((field for field in FIELDS if not rows[open_row][field].strip()), "category")
    return rows, f"people-{open_row}-{first_unanswered}"


def parse_or_none(text: str) -> str | None:
    try:
        return civil_id_as_of_today(text)
    except InvalidCivilId:
        return None
