"""The fee schedules on file, loaded and checked once at start-up."""

from pathlib import Path

from flask import current_app

from domain.fee_schedule import FeeSchedule, ScheduleError, load_schedules
from settings import ConfigError


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


def all_schedules() -> dict[str, FeeSchedule]:
    return current_app.extensions["fee_schedules"]


def active_schedule() -> FeeSchedule:
    return all_schedules()[current_app.config["FEE_SCHEDULE"]]


def schedule_of(insurance_request) -> FeeSchedule:
    """The schedule a request was quoted under (the active one while it is a draft)."""
    return all_schedules().get(insurance_request.schedule_id) or active_schedule()
