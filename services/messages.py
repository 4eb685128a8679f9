"""What the app says by SMS, in the person's language, through the configured gateway."""
from flask import current_app
from flask_babel import force_locale, gettext

from domain.money import format_fils
from gateways.sms import SmsGateway, SmsNotSent, backend_from_config
from models import InsuranceRequest, OneTimeCode, User


def init_app(app) -> None:
    app.extensions["sms"] = SmsGateway(backend_from_config(app.config))


def gateway() -> SmsGateway:
    return current_app.extensions["sms"]


def send_code(purpose: str, to: str, code: str, language: str) -> bool:
    """True when the provider took the message."""
    with force_locale(language):
        text = _code_text(purpose, code)
    return _send(to, text)


def warn_owner_of_registration_attempt(owner: User) -> bool:
    with force_locale(owner.language):
        text = gettext("Tameen: someone tried to create an account with your civil ID. If it "
                       "was you, log in or reset your password. If not, you need do nothing.")
    return _send(owner.mobile, text)


def send_paid_sms(insurance_request: InsuranceRequest, amount_fils: int) -> bool:
    """False when the provider refused it: the payment stands, and the receipt is on the site."""
    owner = insurance_request.owner
    with force_locale(owner.language):
        text = gettext("Tameen: we received %(amount)s for request %(reference)s. Your receipt "
                       "is under My requests.", amount=format_fils(amount_fils, owner.language),
                       reference=insurance_request.reference)
    return _send(owner.mobile, text)


def take_as_long_as_sending() -> None:
    """Send nothing, as slowly as a send, where an answer's timing must not tell whether
    an SMS went out."""
    gateway().imitate_send()


def _send(to: str, text: str) -> bool:
    try:
        gateway().send(to, text)
    except SmsNotSent:
        return False
    return True


def _code_text(purpose: str, code: str) -> str:
    if purpose == OneTimeCode.RESET:
        return gettext("Tameen: your code to reset your password is %(code)s. It expires in 10 "
                       "minutes. Never share it with anyone.", code=code)
    if purpose == OneTimeCode.CHANGE_MOBILE:
        return gettext("Tameen: your code to change your mobile number is %(code)s. It expires "
                       "in 10 minutes. Never share it with anyone.", code=code)
    return gettext("Tameen: your code to verify your mobile is %(code)s. It expires in 10 "
                   "minutes. Never share it with anyone.", code=code)
