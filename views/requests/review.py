"""Checking a whole request before payment: every rule again, on the answers as stored."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from domain import sponsor as sponsors
from domain.fee_schedule import FeeSchedule
from domain.quote import Quote, max_years_for
from services.double_cover import already_covered
from views.requests.people_rows import rows_of
from views.shared.already_covered import covered_message, renewals_to_offer
from views.shared.people_check import check_people
from views.shared.people_messages import cover_problems


@dataclass
class Review:
    quote: Quote
    problems: list[tuple[str, str]]  # (step to change, message)
    renewals: list = field(default_factory=list)  # (reference, first day): renewing instead


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
    problem = sponsor_problem(insurance_request, schedule, [p.category_code for p in people])
    if problem:
        problems.append(("sponsor", problem))
    covers = already_covered(insurance_request, today)
    names = {person.civil_id: person.name for person in people}
    problems += [("people", covered_message(cover, names)) for cover in covers]
    return Review(checked.quote, problems, renewals_to_offer(covers))


def sponsor_problem(insurance_request, schedule: FeeSchedule, category_codes: list[str]) -> str | None:
    kind = insurance_request.sponsor_kind
    if kind == sponsors.SELF and not sponsors.all_self_sponsored(schedule, category_codes):
        return _("Say who sponsors the people who are not self-sponsored")
    if not insurance_request.sponsor_answered():
        return _("Say who the sponsor is: a person, or a company or public body")
    covered = [person.civil_id for person in insurance_request.covered()]
    if kind != sponsors.SELF and sponsors.sponsors_only_self(insurance_request.sponsor_civil_id, covered):
        return own_sponsor_message()
    return None


def own_sponsor_message() -> str:
    return _(
        "Nobody sponsors their own residency: enter the person, company or public body that holds "
        "the sponsorship. For a self-sponsored residency (Art. 24), choose that category on the people page."
    )
