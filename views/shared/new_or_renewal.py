""" "New insurance or a renewal?", asked where the account journey's cover step is not:
on the express years page and on the upload form. A renewal's cover starts the day after
the current cover ends (domain.renewals.cover_start). The wording is the cover step's."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import StopValidation, ValidationError

from domain.dates import parse_date
from web.form_fields import ascii_digits, choices, stripped

STATUSES = ("new", "renewal")
LABELS = {"new": _l("New insurance"), "renewal": _l("Renewal")}


def _chosen(form, field):
    if field.data not in STATUSES:
        raise StopValidation(_l("Choose the kind of insurance"))


class NewOrRenewalFields:
    """Mix into a FlaskForm: `insurance_status`, and `current_cover_end` (dd/mm/yyyy,
    any digits) required for a renewal; its date lands in `current_cover_end.parsed`."""

    insurance_status = RadioField(
        _l("Is this new insurance or a renewal?"),
        choices=choices(LABELS.items()),
        validate_choice=False,
        validators=[_chosen],
    )
    current_cover_end = StringField(
        _l("Date the current insurance ends (renewals only)"), filters=[ascii_digits, stripped]
    )

    def validate_current_cover_end(self, field):
        field.parsed = None
        if self.insurance_status.data != "renewal":
            return
        if not field.data:
            raise ValidationError(_l("Enter the date the current insurance ends, like 31/03/2027"))
        field.parsed = parse_date(field.data)
        if field.parsed is None:
            raise ValidationError(_l("Enter a real date, like 31/03/2027"))

    def cover_answer(self) -> tuple[str, object]:
        """(status, current cover end or None) once validated."""
        status = self.insurance_status.data
        return status, self.current_cover_end.parsed if status == "renewal" else None


def shown_date(value) -> str:
    """A stored date as the field shows it."""
    return value.strftime("%d/%m/%Y") if value else ""
