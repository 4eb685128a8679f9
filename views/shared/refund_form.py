"""Asking for a refund: the form (reason, Kuwaiti IBAN, account holder) and taking it,
for an applicant's request and for an express payment alike."""

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from domain.iban import InvalidIban, parse_kuwait_iban
from models import RefundRefused
from services import refunds
from views.shared.forms import chosen, plain_name
from web.form_fields import stripped

REASON_CHOICES = [
    SelectChoice("paid_twice", _l("I paid twice for the same people")),
    SelectChoice("residency_cancelled", _l("The residency was cancelled or not issued")),
    SelectChoice("left_kuwait", _l("The people covered left Kuwait before the cover started")),
    SelectChoice("other", _l("Another reason")),
]
REASONS = {choice.value: choice.label for choice in REASON_CHOICES}
# Where the money goes back: the card paid with (the desk refunds through the bank), or
# an account the applicant names. A card refund keeps no IBAN.
CARD = "card"
BANK_ACCOUNT = "iban"
IBAN_PROBLEMS = {
    "format": _l("Enter the IBAN as it is on your bank papers: KW, 2 digits, then 26 letters and digits"),
    "not_kuwait": _l("Enter a Kuwaiti IBAN: it starts with KW"),
    "length": _l("A Kuwaiti IBAN has 30 characters: check that none is missing or extra"),
    "checksum": _l("This IBAN is not right: check it against your bank papers"),
}


def iban_rule(form, field):
    try:
        field.parsed = parse_kuwait_iban(field.data or "")
    except InvalidIban as problem:
        raise ValidationError(IBAN_PROBLEMS[problem.reason]) from problem


class RefundForm(FlaskForm):
    reason = RadioField(
        _l("Why are you asking for a refund?"),
        choices=REASON_CHOICES,
        validate_choice=False,
        validators=[chosen(_l("Choose why you are asking for a refund"))],
    )
    details = TextAreaField(
        _l("Tell us more"),
        filters=[stripped],
        validators=[Length(max=1000, message=_l("Write 1000 characters or fewer"))],
    )
    paid_back_to = RadioField(
        _l("Where should the money go?"),
        choices=[
            SelectChoice(CARD, _l("Back to the card you paid with")),
            SelectChoice(BANK_ACCOUNT, _l("To a bank account in Kuwait (IBAN)")),
        ],
        validate_choice=False,
    )
    # Asked only for a bank account: the rules run in validate_iban and validate_account_holder.
    iban = StringField(_l("IBAN of the account to pay into"), filters=[stripped])
    account_holder = StringField(_l("Name of the account holder"), filters=[stripped])

    def validate_paid_back_to(self, field):
        # A form from before the choice (an open tab) sent only an IBAN: that account it is.
        if field.data not in (CARD, BANK_ACCOUNT):
            if not self.iban.data:
                raise ValidationError(_l("Choose where the money should go"))
            field.data = BANK_ACCOUNT

    def validate_iban(self, field):
        if self.paid_back_to.data == CARD:
            return
        if not field.data:
            raise ValidationError(_l("Enter the IBAN of the account to pay into"))
        iban_rule(self, field)

    def validate_account_holder(self, field):
        if self.paid_back_to.data == CARD:
            return
        for rule in (
            InputRequired(_l("Enter the name of the account holder, as the bank has it")),
            Length(min=2, max=100, message=_l("The name has 2 to 100 characters")),
            plain_name,
        ):
            rule(self, field)

    def validate_details(self, field):
        if self.reason.data == "other" and not field.data:
            raise ValidationError(_l("Tell us why you are asking for a refund"))


def take_refund_request(insurance_request, form: RefundForm) -> bool:
    """Ask for the refund a valid form describes; False when a second tab got there first
    (the page the person goes back to says where the request stands)."""
    try:
        refunds.ask(
            insurance_request,
            reason=form.reason.data,
            details=form.details.data,
            iban=form.iban.parsed if form.paid_back_to.data == BANK_ACCOUNT else "",
            account_holder=form.account_holder.data if form.paid_back_to.data == BANK_ACCOUNT else "",
        )
    except RefundRefused:
        return False
    flash(_("We have your refund request. Our staff will review it; this page shows its status."))
    return True
