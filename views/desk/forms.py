"""The forms of the desk: staff log-in, search, refund decisions, export."""

import re

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from domain.dates import parse_date
from domain.money import kwd_to_fils
from domain.passwords import MAX_LENGTH
from views.shared.forms import chosen
from web.form_fields import ascii_digits, stripped


def login_name(value):
    """Civil ID or user name, as typed: any digits, any case, blanks around."""
    return ascii_digits(value).strip().lower() if isinstance(value, str) else value


def no_spaces(value):
    return value.replace(" ", "") if isinstance(value, str) else value


class StaffLoginForm(FlaskForm):
    login = StringField(
        _l("Civil ID number or user name"),
        filters=[login_name],
        validators=[
            InputRequired(_l("Enter your civil ID number or user name")),
            Length(max=40, message=_l("A user name has 2 to 40 characters")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Enter your password")),
            Length(max=MAX_LENGTH * 4, message=_l("Your password must have 128 characters or fewer")),
        ],
    )
    code = StringField(
        _l("Code from your authenticator app"),
        filters=[ascii_digits, no_spaces],
        validators=[
            InputRequired(_l("Enter the 6-digit code from your authenticator app")),
            Regexp(r"[0-9]{6}\Z", message=_l("The code has 6 digits")),
        ],
    )
    # Asked for after repeated failures: the code after `code`, once the app shows it.
    next_code = StringField(
        _l("The next code from your authenticator app"),
        filters=[ascii_digits, no_spaces],
        validators=[Optional(), Regexp(r"[0-9]{6}\Z", message=_l("The code has 6 digits"))],
    )


_FROM_ADDRESS = object()


def date_rule(form, field):
    field.parsed = parse_date(field.data) if field.data else None
    if field.data and field.parsed is None:
        raise ValidationError(_l("Enter a real date, like 31/03/2028"))


class GetForm(FlaskForm):
    """Read from the address (GET): nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    def __init__(self, formdata=_FROM_ADDRESS, **kwargs):
        super().__init__(formdata=request.args if formdata is _FROM_ADDRESS else formdata, **kwargs)


class SearchForm(GetForm):
    q = StringField(
        _l("Reference, civil ID or track ID"),
        filters=[stripped, ascii_digits],
        validators=[Optional(), Length(max=40, message=_l("Search for 40 characters or fewer"))],
    )
    on = StringField(_l("Date of payment"), filters=[stripped], validators=[date_rule])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.q.data and not self.on.data:
            self.q.errors = [*self.q.errors, _l("Enter a reference, a civil ID, a track ID or a date")]
            return False
        return valid


EXPORT_KINDS = [SelectChoice("payments", _l("Payments")), SelectChoice("refunds", _l("Refunds"))]


class ExportForm(GetForm):
    kind = RadioField(
        _l("What to export"),
        choices=EXPORT_KINDS,
        validate_choice=False,
        validators=[chosen(_l("Choose payments or refunds"))],
    )
    date_from = StringField(
        _l("From (date)"),
        filters=[stripped],
        validators=[InputRequired(_l("Enter the first date")), date_rule],
    )
    date_to = StringField(
        _l("To (date, included)"),
        filters=[stripped],
        validators=[InputRequired(_l("Enter the last date")), date_rule],
    )

    def validate_date_to(self, field):
        start = getattr(self.date_from, "parsed", None)
        if start and getattr(field, "parsed", None) and field.parsed < start:
            raise ValidationError(_l("The last date must be on or after the first date"))


METHODS = [
    SelectChoice("gateway", _l("Through the payment gateway, to the card that paid")),
    SelectChoice("bank_transfer", _l("By bank transfer to the IBAN given (already made)")),
]


class ApproveForm(FlaskForm):
    method = RadioField(
        _l("How is the money going back?"),
        choices=METHODS,
        validate_choice=False,
        validators=[chosen(_l("Choose how the money goes back"))],
    )
    bank_reference = StringField(
        _l("Bank transfer reference"),
        filters=[stripped, ascii_digits],
        validators=[Length(max=64, message=_l("A reference has 64 characters or fewer"))],
    )
    amount = StringField(_l("Amount to refund, in KD (optional)"), filters=[stripped])
    note = TextAreaField(
        _l("Note (optional)"),
        filters=[stripped],
        validators=[Length(max=1000, message=_l("A note has 1000 characters or fewer"))],
    )

    def amount_fils(self) -> int | None:
        """Part of the amount asked for (KNET's manual §7), or None for all of it."""
        return kwd_to_fils(self.amount.data) if self.amount.data else None

    def validate_amount(self, field):
        if not field.data:
            return
        try:
            fils = kwd_to_fils(field.data)
        except ValueError:
            fils = 0
        if fils <= 0:
            raise ValidationError(
                _l("Enter an amount in KD above 0, with at most three decimals, such as 12.500")
            )

    def validate_bank_reference(self, field):
        if self.method.data == "bank_transfer" and not field.data:
            raise ValidationError(_l("Enter the reference of the bank transfer you made"))
        if field.data and not re.fullmatch(r"[A-Za-z0-9/._-]+", field.data):
            raise ValidationError(_l("A reference has letters, digits, and . / - _ only"))


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is the refund rejected?"),
        filters=[stripped],
        validators=[
            InputRequired(_l("Say why the refund is rejected: the applicant will read it")),
            Length(max=1000, message=_l("A note has 1000 characters or fewer")),
        ],
    )
