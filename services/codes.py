"""SMS codes: issue one and send it, check what the person typed, send a new one.

A code and its SMS are written in one transaction: the SMS goes to the outbox
(models.sms), and the sender delivers it, so no page waits on the provider. When the
sender gives up on it, the code page says so and offers a new code (send_failed).

A code without a user is a decoy. It stands where a real code would when the details
match no account (or, at a log-in after repeated failures, when the password was wrong):
it writes no SMS, answers as quickly as a real code (both are one short transaction), and
never verifies, so a stranger's answers and their timing never tell whether an account exists.
"""

from datetime import datetime

from models import CodeCheck, OneTimeCode, SmsMessage, User
from models.requests import writing
from services import messages

# A right code for these proves that the person holds the number.
PROVES_THE_MOBILE = (OneTimeCode.REGISTER, OneTimeCode.CHANGE_MOBILE)
# Whether these were sent must never show: it would tell that the account exists, or
# that the password was right (a decoy has no SMS to fail).
FAILURE_NOT_SHOWN = (OneTimeCode.RESET, OneTimeCode.LOGIN)


class ResendTooSoon(Exception):
    """The last code is too recent for another; `seconds` until one may go."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def issue(
    purpose: str, mobile: str, user: User | None, secret: bytes, at: datetime, *, host: str | None = None
) -> OneTimeCode:
    """A new code for `mobile`, its SMS in the user's language in the outbox; with no user,
    a decoy. `host`: the site's host name, for the SMS's WebOTP line (messages.send_code)."""
    with writing():
        row, code = OneTimeCode.issue(purpose, mobile, user, secret, at)
        if user is not None:
            messages.send_code(row, code, user.language, host)
    return row


def issue_for_taken_civil_id(mobile: str, language: str, secret: bytes, at: datetime) -> OneTimeCode:
    """Someone registers a civil ID that already has an account: the page goes on to a
    decoy code as for anyone, and the number typed gets, in place of a code, the news that
    the civil ID is taken and how to claim it (one SMS, as for a new account)."""
    with writing():
        row, _code = OneTimeCode.issue(OneTimeCode.REGISTER, mobile, None, secret, at)
        messages.tell_civil_id_is_taken(row, language)
    return row


def issue_for_login(
    user: User | None, secret: bytes, at: datetime, *, host: str | None = None
) -> OneTimeCode:
    """After repeated failed log-ins: a code to the account's own number when the password
    was right (`user`), a decoy otherwise, so the next page never tells which."""
    return issue(OneTimeCode.LOGIN, user.mobile if user else "", user, secret, at, host=host)


def issue_for_reset(
    civil_id: str, mobile: str, secret: bytes, at: datetime, *, host: str | None = None
) -> OneTimeCode:
    """A reset code for the account with this civil ID and mobile, or a decoy when there is none."""
    user = User.get_or_none(User.civil_id == civil_id)
    owner = user if user is not None and user.can_log_in and user.mobile == mobile else None
    return issue(OneTimeCode.RESET, mobile, owner, secret, at, host=host)


def issue_for_express(
    purpose: str, mobile: str, language: str, secret: bytes, at: datetime, *, host: str | None = None
) -> OneTimeCode:
    """A code to the sponsor paying without an account (or asking for a refund of such a
    payment): always a real code, since no account is looked up."""
    with writing():
        row, code = OneTimeCode.issue(purpose, mobile, None, secret, at)
        messages.send_code(row, code, language, host)
    return row


def resend_express(
    row: OneTimeCode, language: str, secret: bytes, at: datetime, *, host: str | None = None
) -> OneTimeCode:
    """As resend(), for a code without an account (issue_for_express)."""
    ensure_resend_due(row, at)
    new = issue_for_express(row.purpose, row.mobile, language, secret, at, host=host)
    row.retire(at)
    return new


def send_failed(row: OneTimeCode) -> bool:
    """True when the sender gave up on the SMS of `row`, and the code page may say so."""
    if row.purpose in FAILURE_NOT_SHOWN:
        return False
    message = SmsMessage.last_for_code(row)
    return message is not None and message.state == SmsMessage.FAILED


def check(row: OneTimeCode, typed: str, secrets: bytes | tuple[bytes, ...], at: datetime) -> CodeCheck:
    """How the typed code fares, checked against `secrets` (the key, or the current key
    and the earlier ones still accepted). A right code for registering or for a new number makes
    that number the account's verified mobile; the number it replaces is told."""
    result = row.verify(typed, secrets, at)
    if result.status == "ok" and row.purpose in PROVES_THE_MOBILE:
        user = row.user
        old_mobile = user.mobile
        user.mark_mobile_verified(row.mobile, at)
        with writing():
            user.save()
            if row.purpose == OneTimeCode.CHANGE_MOBILE and old_mobile != user.mobile:
                # Whoever changed it may hold the account: its old holder must hear of it.
                messages.tell_old_number_of_new_mobile(old_mobile, user)
    return result


def ensure_resend_due(row: OneTimeCode, at: datetime) -> None:
    """ResendTooSoon while `row` is too recent for another code to follow it, unless its
    SMS has failed: then a new one may go at once."""
    wait = row.seconds_until_resend(at)
    if wait and not send_failed(row):
        raise ResendTooSoon(wait)


def resend(row: OneTimeCode, secret: bytes, at: datetime, *, host: str | None = None) -> OneTimeCode:
    """A new code to the same number, for the same purpose and person; `row` no longer
    verifies once it is out. ResendTooSoon when `row` is too recent."""
    ensure_resend_due(row, at)
    new = issue(row.purpose, row.mobile, row.user, secret, at, host=host)
    row.retire(at)
    return new
