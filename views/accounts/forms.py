"""The forms of the account pages. Digits in any script become ASCII first (`ascii_digits`);
the domain rules then check them with explicit [0-9] patterns."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from domain.passwords import MAX_LENGTH, WeakPassword, check_password
from views.shared.forms import (
    chosen,
    civil_id_field,
    mobile_field,
    plain_name,
)
from web.form_fields import stripped

GENDERS = [SelectChoice("female", _l("Female")), SelectChoice("male", _l("Male"))]
# Each language is named in itself, so a person can find theirs whatever the page's language.
LANGUAGES = [SelectChoice("ar", "العربية"), SelectChoice("en", "English")]
GOVERNORATES = [
    SelectChoice("KW-KU", _l("Capital (Al Asimah)")),
    SelectChoice("KW-HA", _l("Hawalli")),
    SelectChoice("KW-FA", _l("Farwaniya")),
    SelectChoice("KW-AH", _l("Ahmadi")),
    SelectChoice("KW-JA", _l("Jahra")),
    SelectChoice("KW-MU", _l("Mubarak Al-Kabeer")),
]
ACCOUNT_KINDS = [
    SelectChoice("personal", _l("Personal")),
    SelectChoice("company", _l("Company")),
    SelectChoice("government", _l("Government body")),
    SelectChoice("university", _l("University")),
]

PASSWORD_PROBLEMS = {
    "too_short": _l("Your password must have at least 8 characters"),
    "too_long": _l("Your password must have 128 characters or fewer"),
    "common": _l("This password is on a list of common passwords that are easy to guess. Choose another"),
    "personal": _l("Your password must not contain your civil ID or mobile number"),
}
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_ENGLISH_NAME = re.compile(r"[A-Za-z][A-Za-z .'\-]*\Z")


def labels(choices: list[SelectChoice]) -> dict:
    return {choice.value: choice.label for choice in choices}


def arabic_name(form, field):
    if not _ARABIC_LETTER.search(field.data):
        raise ValidationError(_l("Write your name in Arabic letters"))


def english_name(form, field):
    if not _ENGLISH_NAME.match(field.data):
        raise ValidationError(_l("Write your name in English letters"))


def _language_field():
    return RadioField(
        _l("Preferred language"),
        choices=LANGUAGES,
        validate_choice=False,
        validators=[chosen(_l("Choose the language for our messages to you"))],
    )


def nothing_as_none(value):
    """An optional answer left empty is stored as no answer, not as ""."""
    return value or None


def arabic_or_english_name(form, field):
    if not (_ARABIC_LETTER.search(field.data) or _ENGLISH_NAME.match(field.data)):
        raise ValidationError(_l("Write your name in Arabic or English letters"))


_NAME_LENGTH = Length(max=100, message=_l("Your name must be 100 characters or fewer"))


class RegistrationForm(FlaskForm):
    """The first page asks only what paying needs; the name comes with the password."""

    civil_id = civil_id_field()
    mobile = mobile_field()


class DetailsForm(FlaskForm):
    """The account page's details: all optional but one name, in either script."""

    name_ar = StringField(
        _l("Full name in Arabic"),
        filters=[stripped, nothing_as_none],
        validators=[Optional(), _NAME_LENGTH, plain_name, arabic_name],
    )
    name_en = StringField(
        _l("Full name in English"),
        filters=[stripped, nothing_as_none],
        validators=[Optional(), _NAME_LENGTH, plain_name, english_name],
    )
    user_name = StringField(
        _l("User name"),
        filters=[stripped, nothing_as_none],
        validators=[
            Optional(),
            Length(min=2, max=40, message=_l("A user name has 2 to 40 characters")),
            plain_name,
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[stripped, nothing_as_none],
        validators=[
            Optional(),
            Length(max=254, message=_l("An e-mail address has 254 characters or fewer")),
            Email(message=_l("Enter an e-mail address like name@example.com")),
        ],
    )
    language = _language_field()
    gender = RadioField(
        _l("Gender"),
        choices=GENDERS,
        validate_choice=False,
        filters=[nothing_as_none],
        validators=[Optional(), chosen(_l("Choose your gender"))],
    )
    governorate = RadioField(
        _l("Governorate"),
        choices=GOVERNORATES,
        validate_choice=False,
        filters=[nothing_as_none],
        validators=[Optional(), chosen(_l("Choose the governorate you live in"))],
    )
    account_kind = RadioField(
        _l("Kind of account"),
        choices=ACCOUNT_KINDS,
        validate_choice=False,
        filters=[nothing_as_none],
        validators=[Optional(), chosen(_l("Choose the kind of account"))],
    )

    def __init__(self, *args, reader_language: str = "ar", **kwargs):
        super().__init__(*args, **kwargs)
        self.reader_language = reader_language

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.name_ar.data or self.name_en.data):
            # One name is needed for the requests and receipts: the reader's own script.
            field = self.name_ar if self.reader_language == "ar" else self.name_en
            field.errors = [_l("Enter your full name")]
            return False
        return valid


class ResendForm(FlaskForm):
    """A button alone; the form is there for its CSRF token."""


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter a password"))])
    confirm = PasswordField(
        _l("Type the password again"), validators=[InputRequired(_l("Type the password again"))]
    )

    def __init__(self, personal: tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.personal = personal

    def validate_password(self, field):
        try:
            check_password(field.data, personal=self.personal)
        except WeakPassword as problem:
            raise ValidationError(PASSWORD_PROBLEMS[problem.reason]) from problem

    def validate_confirm(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same"))


class NameAndPasswordForm(PasswordForm):
    """The last page of registering: the person's name, once, in the reader's language
    (kept as name_ar when it has Arabic letters, else as name_en), and a password."""

    full_name = StringField(
        _l("Full name"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Enter your full name")),
            _NAME_LENGTH,
            plain_name,
            arabic_or_english_name,
        ],
    )

    def __iter__(self):
        return iter([self.full_name, self.password, self.confirm, self.csrf_token])


class LoginForm(FlaskForm):
    civil_id = civil_id_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Enter your password")),
            Length(max=MAX_LENGTH * 4, message=_l("Your password must have 128 characters or fewer")),
        ],
    )


class ResetForm(FlaskForm):
    civil_id = civil_id_field()
    mobile = mobile_field(_l("Mobile number on your account"))


class MobileForm(FlaskForm):
    mobile = mobile_field(_l("New mobile number"))
    # Someone at an unlocked browser must not move the account to their own number.
    password = PasswordField(
        _l("Your password"),
        validators=[
            InputRequired(_l("Enter your password")),
            Length(max=MAX_LENGTH * 4, message=_l("Your password must have 128 characters or fewer")),
        ],
    )
