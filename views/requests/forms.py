"""The question pages of an insurance request, as forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from domain.civil_id import InvalidCivilId
from domain.cover import INSURANCE_STATUSES
from domain.dates import parse_date
from domain.digits import parse_whole_number
from views.accounts.forms import plain_name
from web.form_fields import ascii_digits, choices, civil_id_as_of_today, parsed_by, stripped

STATUS_LABELS = {
    "new": _l("New insurance"),
    "renewal": _l("Renewal"),
    "transfer": _l("Transfer"),
    "newborn": _l("Newborn"),
}
CIVIL_ID_PROBLEMS = {
    "format": _l("Enter a civil ID number of 12 digits, as on the civil ID card"),
    "century": _l("A civil ID number starts with 2 or 3"),
    "birth_date": _l(
        "This civil ID number does not hold a possible date of birth: check it against the card"
    ),
    "check_digit": _l("This civil ID number is not right: check it against the card"),
}


def one_of(choices, message):
    def rule(form, field):
        if field.data not in choices:
            raise StopValidation(message)

    return rule


valid_civil_id = parsed_by(civil_id_as_of_today, InvalidCivilId, CIVIL_ID_PROBLEMS)


class SponsorForm(FlaskForm):
    sponsor_name = StringField(
        _l("Sponsor's full name"),
        filters=[stripped],
        validators=[
            InputRequired(_l("Enter the sponsor's full name")),
            Length(max=100, message=_l("The name must be 100 characters or fewer")),
            plain_name,
        ],
    )
    sponsor_civil_id = StringField(
        _l("Sponsor's civil ID number"),
        filters=[ascii_digits],
        validators=[InputRequired(_l("Enter the sponsor's civil ID number")), valid_civil_id],
    )


class CoverForm(FlaskForm):
    insurance_status = RadioField(
        _l("Is this new insurance or a renewal?"),
        choices=choices(STATUS_LABELS.items()),
        validate_choice=False,
        validators=[one_of(INSURANCE_STATUSES, _l("Choose the kind of insurance"))],
    )
    current_cover_end = StringField(
        _l("Date the current insurance ends (renewals only)"), filters=[ascii_digits, stripped]
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

    def validate_current_cover_end(self, field):
        field.parsed = None
        if self.insurance_status.data != "renewal":
            return
        if not field.data:
            raise ValidationError(_l("Enter the date the current insurance ends, like 31/03/2027"))
        field.parsed = parse_date(field.data)
        if field.parsed is None:
            raise ValidationError(_l("Enter a real date, like 31/03/2027"))


class ConfirmForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "I have checked these details. I understand that money is not refunded "
            "when the data I entered was wrong."
        ),
        validators=[InputRequired(_l("Confirm that you have checked the details"))],
    )
