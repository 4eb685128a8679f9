"""Helpers shared by every form: digit normalisation at the boundary and error listing."""
from wtforms.fields.choices import SelectChoice

from domain.digits import normalise_digits


def ascii_digits(value):
    """WTForms filter: Arabic-Indic and Persian digits become ASCII before validation."""
    return normalise_digits(value) if isinstance(value, str) else value


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
