"""The question pages of an insurance request, as forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import StopValidation, ValidationError

from domain.cover import INSURANCE_STATUSES
from domain.digits import parse_whole_number
from views.shared.new_or_renewal import NewOrRenewalFields
from web.form_fields import ascii_digits, choices

STATUS_LABELS = {
    "new": _l("New insurance"),
    "renewal": _l("Renewal"),
    "transfer": _l("Transfer"),
    "newborn": _l("Newborn"),
}


def one_of(choices, message):
    def rule(form, field):
        if field.data not in choices:
            raise StopValidation(message)

    return rule


class CoverForm(NewOrRenewalFields, FlaskForm):
    """The shared question with the account journey's four answers (transfer, newborn)."""

    insurance_status = RadioField(
        _l("Is this new insurance or a renewal?"),
        choices=choices(STATUS_LABELS.items()),
        validate_choice=False,
        validators=[one_of(INSURANCE_STATUSES, _l("Choose the kind of insurance"))],
    )
    years = SelectField(_l("Number of years"), validate_choice=False, filters=[ascii_digits])

    def __init__(self, max_years: int, **kwargs):
        super().__init__(**kwargs)
        self.years.choices = [str(n) for n in range(1, max_years + 1)]
        self.max_years = max_years

    def validate_years(self, field):
        years = parse_whole_number(field.data)
        if years is None or not 1 <= years <= self.max_years:
            raise ValidationError(_l("Choose between 1 and %(max)d years", max=self.max_years))
        field.parsed = years
