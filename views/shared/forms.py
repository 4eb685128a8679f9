"""Form pieces the pages of several features ask alike: a civil ID, a mobile number, a
name, an SMS code, the sponsor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TelField
from wtforms.validators import InputRequired, Length, Regexp, StopValidation

from domain.civil_id import InvalidCivilId
from domain.names import InvalidName, check_name
from domain.phone import InvalidMobile, parse_kuwait_mobile
from web.form_fields import ascii_digits, civil_id_as_of_today, parsed_by, stripped

# The reader's own civil ID ("your card").
CIVIL_ID_PROBLEMS = {
    "format": _l("Enter your civil ID number: 12 digits, as on your civil ID card"),
    "century": _l("A civil ID number starts with 2 or 3"),
    "birth_date": _l(
        "This civil ID number does not hold a possible date of birth: check it against your card"
    ),
    "check_digit": _l("This civil ID number is not right: check it against your card"),
}
# Someone else's civil ID: a sponsor's, or a person covered ("the card").
PERSON_CIVIL_ID_PROBLEMS = {
    "format": _l("Enter a civil ID number of 12 digits, as on the civil ID card"),
    "century": _l("A civil ID number starts with 2 or 3"),
    "birth_date": _l(
        "This civil ID number does not hold a possible date of birth: check it against the card"
    ),
    "check_digit": _l("This civil ID number is not right: check it against the card"),
}
MOBILE_PROBLEMS = {
    "format": _l("Enter a Kuwaiti mobile number, like 5001 2345"),
    "not_kuwait": _l("Enter a Kuwaiti mobile number: other countries cannot receive our SMS"),
    "landline": _l("This is a land line. Enter a mobile number that can receive SMS"),
}
NAME_PROBLEMS = {
    "hidden_character": _l(
        "The name has an invisible character that changes how text is shown, "
        "perhaps from copying it. Type the name instead of pasting it"
    ),
}

civil_id_rule = parsed_by(civil_id_as_of_today, InvalidCivilId, CIVIL_ID_PROBLEMS)
person_civil_id_rule = parsed_by(civil_id_as_of_today, InvalidCivilId, PERSON_CIVIL_ID_PROBLEMS)
mobile_rule = parsed_by(parse_kuwait_mobile, InvalidMobile, MOBILE_PROBLEMS)
# Every name field: what shows at the desk and on a receipt is what was typed.
plain_name = parsed_by(check_name, InvalidName, NAME_PROBLEMS)


def chosen(message):
    def rule(form, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise StopValidation(message)

    return rule


def civil_id_field():
    return StringField(
        _l("Civil ID number"),
        filters=[ascii_digits],
        validators=[InputRequired(_l("Enter your civil ID number")), civil_id_rule],
    )


def mobile_field(label=None):
    return TelField(
        label or _l("Mobile number"),
        filters=[ascii_digits],
        validators=[InputRequired(_l("Enter your mobile number")), mobile_rule],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[ascii_digits, lambda v: v.replace(" ", "") if v else v],
        validators=[
            InputRequired(_l("Enter the code from the SMS")),
            Regexp(r"[0-9]{6}\Z", message=_l("The code has 6 digits")),
        ],
    )


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
        validators=[InputRequired(_l("Enter the sponsor's civil ID number")), person_civil_id_rule],
    )


class ConfirmForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "I have checked these details. I understand that money is not refunded "
            "when the data I entered was wrong."
        ),
        validators=[InputRequired(_l("Confirm that you have checked the details"))],
    )
