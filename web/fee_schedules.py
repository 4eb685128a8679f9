"""The fee schedules on file, loaded and checked once at start-up."""

from pathlib import Path

from flask import current_app
from markupsafe import Markup

from domain.fee_schedule import FeeSchedule, ScheduleError, load_schedules
from settings import ConfigError
from web.language import select_locale


def init_app(app, folder: Path) -> None:
    try:
        schedules = load_schedules(folder)
    except ScheduleError as problem:
        raise ConfigError(f"a fee schedule file is not valid: {problem}") from problem
    active = app.config["FEE_SCHEDULE"]
    if active not in schedules:
        raise ConfigError(
            f"FEE_SCHEDULE={active!r} is not on file; choose one of: {', '.join(sorted(schedules))}."
        )
    app.extensions["fee_schedules"] = schedules
    # Pages that name the fees' authority without being about fees (about, help) ask here.
    app.jinja_env.globals["schedule_in_force"] = active_schedule
    app.jinja_env.globals["category_options"] = category_options
    app.extensions["category_options"] = {}


def all_schedules() -> dict[str, FeeSchedule]:
    return current_app.extensions["fee_schedules"]


def active_schedule() -> FeeSchedule:
    return all_schedules()[current_app.config["FEE_SCHEDULE"]]


def schedule_of(insurance_request) -> FeeSchedule:
    """The schedule a request was quoted under (the active one while it is a draft)."""
    return all_schedules().get(insurance_request.schedule_id) or active_schedule()


def category_options(schedule: FeeSchedule, selected: str | None) -> Markup:
    """The <option>s of a list of `schedule`'s categories, `selected` chosen. Each is
    written once per schedule and language: the calculator lists them all for every person."""
    locale = select_locale()
    written = current_app.extensions["category_options"]
    options = written.get((schedule.id, locale))
    if options is None:
        option = Markup('<option value="{}"{}>{}</option>')
        options = written[(schedule.id, locale)] = [
            (
                category.code,
                option.format(category.code, "", category.label(locale)),
                option.format(category.code, Markup(" selected"), category.label(locale)),
            )
            for category in schedule.categories
        ]
    return Markup("").join(chosen if code == selected else plain for code, plain, chosen in options)
