"""The people rules' problems (domain.people, domain.cover) in the reader's words: the
one place the requests, express and upload pages word them."""

import re
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup

from domain import cover
from domain import people as rules
from domain.renewals import cover_start
from views.shared.forms import NAME_PROBLEMS, PERSON_CIVIL_ID_PROBLEMS
from web.language import dateformat


def field_id(problem: rules.Problem) -> str:
    """The id of the answer a problem is about: `people-N-field`, or "people" for all."""
    if problem.index is None:
        return "people"
    return f"people-{problem.index}-{problem.field}"


def person_message(problem: rules.Problem) -> str:
    code, params = problem.code, problem.params
    if code == rules.CIVIL_ID_MISSING:
        return _("Enter the person's civil ID number")
    if code == rules.CIVIL_ID_INVALID:
        return str(PERSON_CIVIL_ID_PROBLEMS[params["reason"]])
    if code == rules.NAME_MISSING:
        return _("Enter the person's full name")
    if code == rules.NAME_TOO_LONG:
        return _("The name must be 100 characters or fewer")
    if code == rules.NAME_INVALID:
        return str(NAME_PROBLEMS[params["reason"]])
    if code == rules.CATEGORY_MISSING:
        return _("Choose the residency category.")
    if code == rules.CATEGORY_NOT_ALLOWED:
        return _("Choose a residency category from the list.")
    if code == rules.PASSPORT_NUMBER_MISSING:
        return _("Enter the passport number")
    if code == rules.PASSPORT_NUMBER_INVALID:
        return _("A passport number has 5 to 20 letters and digits")
    if code == rules.PASSPORT_EXPIRY_MISSING:
        return _("Enter the date the passport expires")
    if code == rules.PASSPORT_EXPIRY_INVALID:
        return _("Enter a real date, like 31/03/2028")
    if code == rules.DUPLICATE_PERSON:
        return _("This person is already on this request")
    if code == rules.PASSPORT_EXPIRED:
        return _("This passport has expired. Renew it before paying")
    if code == rules.INDIVIDUAL_IS_ONE_PERSON:
        return _("An individual request covers one person. Choose group to add more people")
    return _("Check this answer.")


def numbered(field: str, message: str) -> str:
    """A message for the error summary, naming the person its field belongs to."""
    match = re.fullmatch(r"people-([0-9]+)-[a-z_]+", field)
    if match is None:
        return message
    return _("Person %(number)d: %(message)s", number=int(match[1]) + 1, message=message)


def in_page_order(errors: dict[str, str], rows: int, fields: tuple[str, ...]) -> dict[str, str]:
    """Each row's answers in the order the page asks them, then anything else."""
    ordered = {
        f"people-{i}-{name}": errors[f"people-{i}-{name}"]
        for i in range(rows)
        for name in fields
        if f"people-{i}-{name}" in errors
    }
    ordered.update((key, value) for key, value in errors.items() if key not in ordered)
    return ordered


def first_passport_short(
    people, years: int, status: str | None, current_cover_end: date | None, today: date
) -> int | None:
    """The number (1, 2...) of the first person whose passport would expire before the
    cover ends, for a link to their row."""
    start = cover_start(today, status, current_cover_end)
    covered = [cover.CoveredPerson(p.civil_id, p.passport_expiry) for p in people]
    problems = cover.passports_short_of_cover(covered, start, years)
    return problems[0].index + 1 if problems else None


def cover_problems(
    people, years: int, status: str | None, current_cover_end: date | None, today: date
) -> list[Markup]:
    """Messages for the people (InsuredPerson rows) whose passport would expire before
    the cover ends: fewer years help only when more than one was chosen. Dates as the
    app writes them everywhere (dd/mm/yyyy, isolated from the sentence's direction)."""
    start = cover_start(today, status, current_cover_end)
    covered = [cover.CoveredPerson(p.civil_id, p.passport_expiry) for p in people]
    last_day = cover.cover_end(start, years)
    if years > 1:
        wording = _(
            "%(name)s's passport expires on %(expiry)s, before the cover would end on %(end)s. "
            "Choose fewer years, or renew the passport first."
        )
    else:
        wording = _(
            "%(name)s's passport expires on %(expiry)s, before the cover would end on %(end)s. "
            "Renew the passport first, then enter its new expiry date."
        )
    return [
        Markup(wording)
        % {
            "name": people[problem.index].name,
            "expiry": dateformat(people[problem.index].passport_expiry),
            "end": dateformat(last_day),
        }
        for problem in cover.passports_short_of_cover(covered, start, years)
    ]
