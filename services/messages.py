"""What the app says by SMS (and, for a payment's result, by e-mail where the account has an
address), in the person's language. An SMS is written to the outbox (models.sms), in the
caller's transaction, and sent later by the sender (services/sms_sender.py): no page
waits on the provider."""

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from domain.dates import format_day, format_kuwait_time
from domain.money import format_fils
from domain.phone import national_format
from gateways import email
from gateways.sms import SmsGateway, backend_from_config
from models import ExpressSponsor, InsuranceRequest, OneTimeCode, Payment, SmsMessage, User
from services import express


def init_app(app) -> None:
    app.extensions["sms"] = SmsGateway(backend_from_config(app.config))
    app.extensions["email"] = email.backend_from_config(app.config)


def gateway() -> SmsGateway:
    return current_app.extensions["sms"]


def send_code(row: OneTimeCode, code: str, language: str, host: str | None = None) -> SmsMessage:
    """The SMS with the code of `row`, to its number, sent while the code lasts. Its last
    line, `@<host> #<code>`, is the WebOTP form: a phone offers to fill the code in on that
    site's pages, and on no other. `host`: the site's host name as the person reached it;
    by default PUBLIC_URL's."""
    with force_locale(language):
        text = _code_text(row.purpose, code)
    host = host or urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname
    if host:
        text = f"{text}\n\n@{host} #{code}"
    return _send(row.mobile, text, code=row, send_by=row.expires_at)


def tell_civil_id_is_taken(row: OneTimeCode, language: str) -> SmsMessage:
    """To the number typed on a registration whose civil ID has an account: in its place,
    the holder of the number learns what to do, whoever the account's holder is."""
    with force_locale(language):
        text = gettext(
            "Tameen: the civil ID you typed already has an account. If it is yours, "
            "log in or reset your password. If it is not, take your civil ID card to "
            "the Tameen desk and staff will give the civil ID back to you."
        )
    # Kept with the decoy code in its place, so the code page tells of a failure as for a code.
    return _send(row.mobile, text, code=row, send_by=row.expires_at)


def tell_old_number_of_new_mobile(old_mobile: str, user: User) -> SmsMessage:
    """To the number an account had, once another takes its place."""
    with force_locale(user.language):
        text = gettext(
            "Tameen: the mobile number on your account has been changed to %(mobile)s. "
            "If you did not change it, reset your password and tell the Tameen desk.",
            mobile=national_format(user.mobile),
        )
    return _send(old_mobile, text)


def tell_password_changed(user: User) -> SmsMessage:
    with force_locale(user.language):
        text = gettext(
            "Tameen: the password of your account has been changed. If you did not "
            "change it, reset your password and tell the Tameen desk."
        )
    return _send(user.mobile, text)


def tell_account_frozen(user: User) -> SmsMessage:
    """To a frozen account's number: staff gave its civil ID to the person it belongs to."""
    with force_locale(user.language):
        text = gettext(
            "Tameen: the owner of the civil ID on your account proved at the Tameen "
            "desk that it is theirs. Your account is closed; its requests and payments "
            "are kept."
        )
    return _send(user.mobile, text)


def tell_payment_result(insurance_request: InsuranceRequest, payment: Payment) -> SmsMessage:
    """A try's result with the fields KNET's manual asks for (date and time in Kuwait,
    result, amount, payment ID, track ID): paid, declined or cancelled, by SMS (to the
    outbox, in the caller's transaction). email_payment_result sends it by e-mail too."""
    if insurance_request.owner_id is None:
        sponsor = ExpressSponsor.of_request(insurance_request)
        with force_locale(sponsor.language):
            text = _result_text(insurance_request, payment, sponsor.language, express.receipt_link(sponsor))
        return _send(sponsor.mobile, text)
    owner = insurance_request.owner
    with force_locale(owner.language):
        text = _result_text(insurance_request, payment, owner.language)
    return _send(owner.mobile, text)


def email_payment_result(insurance_request: InsuranceRequest, payment: Payment) -> bool:
    """The same result by e-mail, where the account has an address: after the transaction,
    since the mail server is called at once. False when there is none, or it was refused."""
    owner = insurance_request.owner if insurance_request.owner_id is not None else None
    if owner is None or not owner.email:
        return False
    with force_locale(owner.language):
        text = _result_text(insurance_request, payment, owner.language)
        subject = gettext("Tameen: payment for request %(reference)s", reference=insurance_request.reference)
    return _send_email(owner.email, subject, text)


def _result_text(
    insurance_request: InsuranceRequest, payment: Payment, language: str, receipt_link: str = ""
) -> str:
    fields = {
        "reference": insurance_request.reference,
        "amount": format_fils(payment.amount_fils, language),
        "time": format_kuwait_time(payment.paid_at or payment.closed_at or payment.updated_at),
        "payment_id": payment.payment_id or "-",
        "track_id": payment.track_id,
        "result": payment.result_code or "-",
    }
    if payment.state == Payment.PAID:
        text = gettext(
            "Tameen: we received %(amount)s for request %(reference)s. Date and time (Kuwait): %(time)s. "
            "Result: paid (%(result)s). Payment ID: %(payment_id)s. Track ID: %(track_id)s.",
            **fields,
        )
        if receipt_link:
            return text + " " + gettext("Your receipt: %(link)s", link=receipt_link)
        return text + " " + gettext("Your receipt is under My requests.")
    if payment.state == Payment.FAILED:
        return gettext(
            "Tameen: the bank declined your payment of %(amount)s for request %(reference)s; no money "
            "was taken. Date and time (Kuwait): %(time)s. Result: declined (%(result)s). Payment ID: "
            "%(payment_id)s. Track ID: %(track_id)s.",
            **fields,
        )
    return gettext(
        "Tameen: your payment of %(amount)s for request %(reference)s was cancelled; no money was "
        "taken. Date and time (Kuwait): %(time)s. Result: cancelled (%(result)s). Payment ID: "
        "%(payment_id)s. Track ID: %(track_id)s.",
        **fields,
    )


def _send_email(to: str, subject: str, text: str) -> bool:
    try:
        current_app.extensions["email"].send(to, subject, text)
    except email.EmailNotSent:
        return False
    return True


def _send(to: str, text: str, **about) -> SmsMessage:
    return SmsMessage.enqueue(to, text, **about)


def _code_text(purpose: str, code: str) -> str:
    if purpose == OneTimeCode.RESET:
        return gettext(
            "Tameen: your code to reset your password is %(code)s. It expires in 10 "
            "minutes. Never share it with anyone.",
            code=code,
        )
    if purpose == OneTimeCode.LOGIN:
        return gettext(
            "Tameen: your code to log in is %(code)s. It expires in 10 minutes. If "
            "you are not logging in, someone knows your password: reset it.",
            code=code,
        )
    if purpose == OneTimeCode.CHANGE_MOBILE:
        return gettext(
            "Tameen: your code to change your mobile number is %(code)s. It expires "
            "in 10 minutes. Never share it with anyone.",
            code=code,
        )
    if purpose == OneTimeCode.EXPRESS:
        return gettext(
            "Tameen: your code to pay without an account is %(code)s. It expires in "
            "10 minutes. Never share it with anyone.",
            code=code,
        )
    if purpose == OneTimeCode.EXPRESS_LINK:
        return gettext(
            "Tameen: your code for a new receipt link is %(code)s. It expires in 10 "
            "minutes. Never share it with anyone.",
            code=code,
        )
    if purpose == OneTimeCode.EXPRESS_REFUND:
        return gettext(
            "Tameen: your code to ask for a refund is %(code)s. It expires in 10 "
            "minutes. Never share it with anyone.",
            code=code,
        )
    return gettext(
        "Tameen: your code to verify your mobile is %(code)s. It expires in 10 "
        "minutes. Never share it with anyone.",
        code=code,
    )


# A name in an SMS is cut to this many characters: an Arabic SMS holds 70 characters a
# part (67 when it takes several), and the reminder carries two links already.
NAME_IN_SMS = 24


def people_in_sms(names: list[str]) -> str:
    """ "Mohammed Ali Hassan", or "Mohammed Ali Hassan and 2 others": the first person's
    name, cut to NAME_IN_SMS characters, and how many more."""
    first = names[0] if len(names[0]) <= NAME_IN_SMS else names[0][: NAME_IN_SMS - 1].rstrip() + "…"
    if len(names) == 1:
        return first
    return ngettext("%(name)s and %(num)d other", "%(name)s and %(num)d others", len(names) - 1, name=first)


def send_renewal_reminder(
    to: str, language: str, reference: str, cover_end, renew_url: str, stop_url: str, names: list[str]
) -> SmsMessage:
    """Before a paid cover ends: whom it covers (`names`, in order), and the request."""
    with force_locale(language):
        text = gettext(
            "Tameen: the health insurance of %(people)s (request %(reference)s) ends on %(date)s. "
            "Renew it: %(renew_url)s To stop these reminders: %(stop_url)s",
            people=people_in_sms(names) if names else "–",
            reference=reference,
            date=format_day(cover_end),
            renew_url=renew_url,
            stop_url=stop_url,
        )
    return _send(to, text)


def send_express_new_link(sponsor: ExpressSponsor) -> SmsMessage:
    """To the sponsor who proved the mobile for a new receipt link: the link, to keep."""
    with force_locale(sponsor.language):
        text = gettext(
            "Tameen: the new link to your receipt for request %(reference)s: %(link)s",
            reference=sponsor.request.reference,
            link=express.receipt_link(sponsor),
        )
    return _send(sponsor.mobile, text)
