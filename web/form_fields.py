"""Helpers shared by every form: digit normalisation at the boundary and error listing."""

from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

import clock
from domain.civil_id import parse_civil_id
from domain.digits import normalise_digits


def ascii_digits(value):
    """WTForms filter: Arabic-Indic and Persian digits become ASCII before validation."""
    return normalise_digits(value) if isinstance(value, str) else value


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def civil_id_as_of_today(text: str) -> str:
    """A civil ID as typed, checked against today in Kuwait (no birth date after it)."""
    return parse_civil_id(text, today=clock.today_in_kuwait())


def parsed_by(parse, refusal: type[Exception], messages: dict):
    """A validator that runs a domain parser: the canonical value lands in `field.parsed`,
    a refusal becomes the translated message for its `reason`."""

    def rule(form, field):
        try:
            field.parsed = parse(field.data or "")
        except refusal as problem:
            raise ValidationError(messages[problem.reason]) from problem

    return rule


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms wants its options declared."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_errors(form) -> list[tuple[str, str]]:
    """(field id, first message) for each invalid field, in page order, for the error summary."""
    pairs = []
    for field in form:
        if field.errors:
            message = field.errors[0]
            pairs.append((field.id, message if isinstance(message, str) else str(message)))
    return pairs


def init_app(app) -> None:
    app.jinja_env.globals["form_errors"] = form_errors
