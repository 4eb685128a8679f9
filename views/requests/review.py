"""Checking a whole request before payment: every rule again, on the answers as stored."""

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from domain import cover
from domain.fee_schedule import FeeSchedule
from domain.quote import Quote, max_years_for
from domain.renewals import cover_start
from views.requests.people_rows import check_people, rows_of


@dataclass
class Review:
    quote: Quote
    problems: list[tuple[str, str]]  # (step to change, message)


def cover_problems(
    people, years: int, status: str | None, current_cover_end: date | None, today: date
) -> list[str]:
    """Messages for the people (InsuredPerson rows) whose passport would expire before
    the cover ends."""
    start = cover_start(today, status, current_cover_end)
    covered = [cover.CoveredPerson(p.civil_id, p.passport_expiry) for p in people]
    last_day = cover.cover_end(start, years)
    return [
        _(
            "%(name)s's passport expires on %(expiry)s, before the cover would end on %(end)s. "
            "Choose fewer years, or renew the passport first.",
            name=people[problem.index].name,
            expiry=format_date(people[problem.index].passport_expiry),
            end=format_date(last_day),
        )
        for problem in cover.passports_short_of_cover(covered, start, years)
    ]


def review(insurance_request, schedule: FeeSchedule, today: date) -> Review:
    people = insurance_request.covered()
    checked = check_people(
        rows_of(people), insurance_request.service_type, schedule, insurance_request.years, today
    )
    problems = [("people", message) for _field, message in checked.summary]
    years = insurance_request.years
    most = max_years_for(schedule, [p.category_code for p in people])
    if years is None or not 1 <= years <= most:
        problems.append(("cover", _("Choose between %(min)d and %(max)d years.", min=1, max=most)))
    else:
        problems += [
            ("cover", message)
            for message in cover_problems(
                people, years, insurance_request.insurance_status, insurance_request.current_cover_end, today
            )
        ]
    if not insurance_request.sponsor_civil_id:
        problems.append(("sponsor", _("Enter the sponsor's civil ID number")))
    return Review(checked.quote, problems)
