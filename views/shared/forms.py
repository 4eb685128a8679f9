"""Form pieces the pages of several features ask alike: a civil ID, a mobile number, a
name, an SMS code, the sponsor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TelField
from wtforms.validators import InputRequired, Length, Regexp, StopValidation

from domain import sponsor as sponsors
from domain.civil_id import InvalidCivilId
from domain.names import InvalidName, check_name
from domain.phone import InvalidMobile, parse_kuwait_mobile
from web.form_fields import ascii_digits, choices, civil_id_as_of_today, parsed_by, stripped

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


def only_for_kind(kind: str):
    """The fields of a kind of sponsor not chosen are not checked (without JavaScript the
    page shows both groups, and what is typed in the other stays unread)."""

    def rule(form, field):
        if form.sponsor_kind.data != kind:
            field.errors[:] = []
            raise StopValidation()

    return rule


FILE_NUMBER_PROBLEMS = {
    "format": _l("Enter the file or licence number in digits only"),
    "length": _l(
        "The file or licence number has %(min)d to %(max)d digits",
        min=sponsors.FILE_NUMBER_MIN_DIGITS,
        max=sponsors.FILE_NUMBER_MAX_DIGITS,
    ),
}
file_number_rule = parsed_by(sponsors.parse_file_number, sponsors.InvalidFileNumber, FILE_NUMBER_PROBLEMS)


class SponsorForm(FlaskForm):
    """A person (name and civil ID) or a company or public body (name and file number)."""

    sponsor_kind = RadioField(
        _l("The sponsor is"),
        choices=choices(
            [(sponsors.PERSON, _l("A person")), (sponsors.COMPANY, _l("A company or public body"))]
        ),
        validate_choice=False,
        validators=[chosen(_l("Choose whether the sponsor is a person or a company"))],
    )
    sponsor_name = StringField(
        _l("Sponsor's full name"),
        filters=[stripped],
        validators=[
            only_for_kind(sponsors.PERSON),
            InputRequired(_l("Enter the sponsor's full name")),
            Length(max=100, message=_l("The name must be 100 characters or fewer")),
            plain_name,
        ],
    )
    sponsor_civil_id = StringField(
        _l("Sponsor's civil ID number"),
        filters=[ascii_digits],
        validators=[
            only_for_kind(sponsors.PERSON),
            InputRequired(_l("Enter the sponsor's civil ID number")),
            person_civil_id_rule,
        ],
    )
    company_name = StringField(
        _l("Name of the company or public body"),
        filters=[stripped],
        validators=[
            only_for_kind(sponsors.COMPANY),
            InputRequired(_l("Enter the name of the company or public body")),
            Length(max=100, message=_l("The name must be 100 characters or fewer")),
            plain_name,
        ],
    )
    company_file_number = StringField(
        _l("File or licence number"),
        filters=[ascii_digits],
        validators=[
            only_for_kind(sponsors.COMPANY),
            InputRequired(_l("Enter the file or licence number")),
            file_number_rule,
        ],
    )

    def validate(self, extra_validators=None):
        # No kind chosen but one group typed in (without JavaScript both show, and a page
        # from before companies could sponsor has no choice): that group is the answer.
        if self.sponsor_kind.data not in sponsors.KINDS:
            groups = {
                sponsors.PERSON: (self.sponsor_name, self.sponsor_civil_id),
                sponsors.COMPANY: (self.company_name, self.company_file_number),
            }
            typed = [kind for kind, fields in groups.items() if any((f.data or "").strip() for f in fields)]
            if len(typed) == 1:
                self.sponsor_kind.data = typed[0]
        return super().validate(extra_validators)

    @classmethod
    def of(cls, kind, name, civil_id, file_number, **kwargs):
        """The form filled in with a stored sponsor."""
        company = kind == sponsors.COMPANY
        return cls(
            sponsor_kind=kind if kind in sponsors.KINDS else (sponsors.PERSON if civil_id else None),
            sponsor_name=None if company else name,
            sponsor_civil_id=civil_id,
            company_name=name if company else None,
            company_file_number=file_number,
            **kwargs,
        )

    def answer(self) -> dict:
        """The sponsor as InsuranceRequest.set_sponsor takes it."""
        if self.sponsor_kind.data == sponsors.COMPANY:
            return {
                "kind": sponsors.COMPANY,
                "name": self.company_name.data,
                "file_number": self.company_file_number.parsed,
            }
        return {
            "kind": sponsors.PERSON,
            "name": self.sponsor_name.data,
            "civil_id": self.sponsor_civil_id.parsed,
        }


class ConfirmForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "I have checked these details. I understand that money is not refunded "
            "when the data I entered was wrong."
        ),
        validators=[InputRequired(_l("Confirm that you have checked the details"))],
    )
