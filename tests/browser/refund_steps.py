"""Getting a browser to the refund pages and the desk quickly, for the refund journey and
the quality stops. Requests are paid through the real sandbox flow (payment_steps, over
the context's HTTP client); staff are made with `flask create-staff`, as an operator would,
and log in through the desk's form with a TOTP code computed from the printed secret."""
import re
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass

from bench.harness import ACCOUNT_PASSWORD, create_account
from domain import totp
from tests.browser import payment_steps
from tests.browser.conftest import LIVE_SERVERS, ROOT
from tests.conftest import civil_id_for

CSRF = payment_steps.CSRF
STAFF_PASSWORD = "desk passphrase for the browser tests"
IBAN_TYPED = "KW٨١ CBKU ٠٠٠٠ ٠٠٠٠ ٠٠٠٠ ١٢٣٤ ٥٦٠١ ٠١"  # Arabic-Indic digits, spaces


def create_staff(server, login: str, role: str = "reviewer", serial: int = 960) -> str:
    """A staff member made with the operator's command against the server's database;
    the TOTP secret it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "create-staff", login, "--name", f"Staff {login}",
         "--role", role, "--civil-id", civil_id_for(serial, born="750505"), "--password-stdin"],
        cwd=ROOT, env=server.env, input=STAFF_PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return re.search(r"TOTP secret: ([A-Z2-7]+)", done.stdout).group(1)


def current_code(secret: str) -> str:
    return totp.code_at(secret, time.time())


def ask_for_refund(api, base: str, reference: str) -> str:
    """The refund form sent through the context's HTTP client; the request's address."""
    at = f"{base}/requests/{reference}"
    token = CSRF.search(api.get(f"{at}/refund").text()).group(1)
    response = api.post(f"{at}/refund", max_redirects=0, form={
        "csrf_token": token, "reason": "left_kuwait", "details": "", "iban": IBAN_TYPED,
        "account_holder": "سارة أحمد"})
    assert response.status == 303, response.status
    return at


def _paid(api, base: str) -> str:
    receipt = payment_steps.receipt_page(api, base)
    return re.search(r"/requests/(TM-[^/]+)/receipt", receipt).group(1)


# --- applicant stops: `reach(api, base)` for quality._payment_page ------------------------

def refund_form_page(api, base: str) -> str:
    return f"{base}/requests/{_paid(api, base)}/refund"


def refund_waiting_page(api, base: str) -> str:
    return ask_for_refund(api, base, _paid(api, base))


# --- the desk ---------------------------------------------------------------------------

@dataclass
class Desk:
    """Per live server: an admin's desk session (cookies) and a refund waiting for review."""
    cookies: list
    reference: str
    refund_id: int


_desks: dict[str, Desk] = {}


def _log_in_applicant(api, base: str, civil_id: str) -> None:
    token = CSRF.search(api.get(f"{base}/login").text()).group(1)
    response = api.post(f"{base}/login", max_redirects=0,
                        form={"csrf_token": token, "civil_id": civil_id, "password": ACCOUNT_PASSWORD})
    assert response.status == 302, response.status


def fill_desk_login(page, base: str, lang: str, login: str, secret: str) -> None:
    """The desk's log-in form filled in the browser (password and current TOTP code), not yet sent."""
    page.goto(f"{base}/desk/login?lang={lang}")
    page.fill("#login", login)
    page.fill("#password", STAFF_PASSWORD)
    page.fill("#code", current_code(secret))


def log_in_staff(api, base: str, login: str, secret: str) -> None:
    token = CSRF.search(api.get(f"{base}/desk/login").text()).group(1)
    response = api.post(f"{base}/desk/login", max_redirects=0, form={
        "csrf_token": token, "login": login, "password": STAFF_PASSWORD, "code": current_code(secret)})
    assert response.status == 302, f"desk log-in: {response.status}"


def desk_for(page, base: str) -> Desk:
    """Made once per server: an applicant pays and asks for a refund (in a context of
    its own), an admin is created and logs in; their session is kept for every stop, as
    a TOTP code is good only once."""
    if base not in _desks:
        server = LIVE_SERVERS[base]
        browser = page.context.browser
        applicant = browser.new_context()
        civil_id, _ = create_account(f"sqlite:///{server.database}", serial=940)
        _log_in_applicant(applicant.request, base, civil_id)
        reference = _paid(applicant.request, base)
        ask_for_refund(applicant.request, base, reference)
        applicant.close()
        staff = browser.new_context()
        log_in_staff(staff.request, base, "quality-admin", create_staff(server, "quality-admin", "admin"))
        cookies = staff.cookies(base)
        queue = staff.request.get(f"{base}/desk/requests/{reference}").text()
        refund_id = int(re.search(r"/desk/refunds/([0-9]+)", queue).group(1))
        staff.close()
        _desks[base] = Desk(cookies, reference, refund_id)
    return _desks[base]


def _where(page) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(page.url)
    lang = dict(urllib.parse.parse_qsl(parts.query)).get("lang", "ar")
    return f"{parts.scheme}://{parts.netloc}", lang


def desk_page(path, then=None, signed_in: bool = True):
    """An act: the desk page at `path` (or `path(desk)`), as the admin, then `then(page)`."""
    def act(page):
        base, lang = _where(page)
        desk = desk_for(page, base) if signed_in or callable(path) else None
        if signed_in:
            page.context.add_cookies(desk.cookies)
        address = path(desk) if callable(path) else path
        response = page.goto(payment_steps.in_language(base + address, lang))
        return then(page) if then else response
    return act
