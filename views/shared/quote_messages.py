"""The fee quote's problems (domain.quote) in the reader's words, each beside its answer."""

from flask_babel import gettext as _

from domain import quote as rules
from domain.fee_schedule import FeeSchedule
from web.language import select_locale


def problem_message(
    problem: rules.Problem, schedule: FeeSchedule, categories: list[str], age_field: str = "born"
) -> tuple[str, str]:
    """(field id, translated message) for a quote problem; `categories` as answered, per person."""
    person = f"people-{problem.person_index}" if problem.person_index is not None else None
    code, params = problem.code, problem.params
    if code == rules.NO_PEOPLE:
        return "add-person", _("Add at least one person.")
    if code == rules.TOO_MANY_PEOPLE:
        return "add-person", _("One request can cover at most %(max)d people.", max=params["max"])
    if code == rules.YEARS_OUT_OF_RANGE:
        return "years", _("Choose between %(min)d and %(max)d years.", min=params["min"], max=params["max"])
    if code == rules.UNKNOWN_CATEGORY:
        if not categories[problem.person_index]:
            return f"{person}-category", _("Choose the residency category.")
        return f"{person}-category", _("Choose a residency category from the list.")
    if code == rules.BIRTH_DATE_REQUIRED:
        return f"{person}-{age_field}", _(
            "This category depends on age: enter the civil ID or date of birth."
        )
    if code == rules.BIRTH_DATE_IN_FUTURE:
        return f"{person}-{age_field}", _("The date of birth cannot be in the future.")
    if code == rules.AGE_BELOW_MINIMUM:
        category = schedule.category(categories[problem.person_index])
        note = category.below_min_age_note(select_locale()) if category else None
        return f"{person}-{age_field}", note or _("This person is too young for this category.")
    if code == rules.AGE_ABOVE_MAXIMUM:
        return f"{person}-{age_field}", _(
            "This person is older than this category allows (%(months)d months).",
            months=params["max_age_months"],
        )
    return person or "years", _("Check this answer.")
