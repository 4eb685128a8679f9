"""Shared by the refund and desk tests: a request paid through the real sandbox flow,
a refund asked for through the real form, staff members and their log-in with TOTP."""
from datetime import timezone
from urllib.parse import urlsplit

from domain import totp
from models import InsuranceRequest, Refund, StaffMember
from tests.conftest import civil_id_for, form_post
from tests.routes.requests.test_requests import fill_until_check, start_request

GOOD_IBAN = "KW81CBKU0000000000001234560101"
PAID_TOTAL = 110_000  # fill_until_check: a worker and a domestic worker, two years
STAFF_PASSWORD = "desk passphrase 2026"
REVIEWER_CIVIL_ID = civil_id_for(900, born="800202")
ADMIN_CIVIL_ID = civil_id_for(901, born="790303")


def paid_request(client) -> str:
    """Answer, confirm, press Pay and approve in the sandbox bank; the reference."""
    reference = start_request(client)
    fill_until_check(client, reference)
    assert form_post(client, f"/requests/{reference}/check", {"confirm": "y"}).status_code == 302
    bank = form_post(client, f"/requests/{reference}/pay")
    assert bank.status_code == 303 and bank.headers["Location"].startswith("/sandbox-bank/pay/")
    back = form_post(client, urlsplit(bank.headers["Location"]).path, {"choice": "approve"})
    assert back.status_code == 303
    assert client.get(back.headers["Location"]).status_code == 303
    assert stored(reference).state == InsuranceRequest.PAID
    return reference


def stored(reference: str) -> InsuranceRequest:
    return InsuranceRequest.get(InsuranceRequest.reference == reference)


REFUND_FORM = {"reason": "left_kuwait", "details": "", "iban": GOOD_IBAN, "account_holder": "سارة أحمد"}


def ask_refund(client, reference: str, headers=None, **changes):
    return form_post(client, f"/requests/{reference}/refund", {**REFUND_FORM, **changes},
                     headers=headers or {})


def refunded_request(client) -> tuple[str, Refund]:
    reference = paid_request(client)
    assert ask_refund(client, reference).status_code == 303
    return reference, Refund.get(Refund.request == stored(reference))


def make_staff(app, login="reviewer1", civil_id=REVIEWER_CIVIL_ID, role="reviewer",
               password=STAFF_PASSWORD) -> StaffMember:
    staff = StaffMember(login=login, civil_id=civil_id, name=f"Staff {login}", role=role,
                        totp_secret=totp.new_secret(), password_hash="")
    staff.set_password(password, app.extensions["password_hasher"])
    staff.save()
    return staff


def code_now(staff: StaffMember, seconds_later: int = 0) -> str:
    import models

    at = models.now().replace(tzinfo=timezone.utc).timestamp() + seconds_later
    return totp.code_at(staff.totp_secret, at)


def staff_login(client, staff: StaffMember, code: str | None = None, password=STAFF_PASSWORD, **kwargs):
    return form_post(client, "/desk/login", {"login": staff.login, "password": password,
                                             "code": code if code is not None else code_now(staff)},
                     **kwargs)
