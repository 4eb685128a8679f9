"""What the browser tests share that is not a fixture: the journey steps, the screenshots,
and the registry of live servers.

One module for every feature's steps, as tests/helpers.py is one module for the route
tests: a journey crosses features (an applicant pays, then asks for a refund that staff
approve), so steps split by feature would import one another. It is apart from
tests/helpers.py because these steps drive a real browser, or a browser context's own HTTP
client, against a live server, where helpers.py drives Flask's test client. The quality
harness (quality.py) builds its list of pages from these steps; the fixtures that start
the server and the browser are in conftest.py.

Two kinds of step:
- on a `page`: what a person does (fill, press, wait for the next page);
- on `api` (a browser context's `request`: the same cookies, real forms and CSRF tokens):
  getting a signed-in context to a page quickly, so a test or a quality stop spends its
  page loads on the pages it is about.
"""

import re
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import clock
from bench.harness import ACCOUNT_PASSWORD, create_account
from domain import totp
from tests.helpers import civil_id_for
from web import rate_limits

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PHONE = {"width": 360, "height": 740}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSPORT_EXPIRY = (clock.today_in_kuwait() + timedelta(days=5 * 366)).isoformat()

# The servers running, by address: a quality stop's `act` knows only its page's address,
# and some (the desk's) need the server's database or settings to prepare their state.
# conftest.LiveServer adds itself here.
LIVE_SERVERS: dict[str, object] = {}


class Screenshots:
    """Numbered full-page screenshots of one test, under test-output/screenshots/."""

    def __init__(self, test_name: str):
        self.folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


# --- accounts -------------------------------------------------------------------------


def code_from_outbox(page, base_url: str, national: str) -> str:
    """The code last sent to `national` ("5xxx xxxx"), read in the development outbox."""
    outbox = page.context.new_page()
    for _ in range(20):
        outbox.goto(base_url + "/dev/outbox")
        rows = outbox.locator("tr.outbox-message", has=outbox.locator(".outbox-to", has_text=national))
        found = (
            re.search(r"(?:#|\b)([0-9]{6})\b", rows.first.locator(".outbox-body").inner_text())
            if rows.count()
            else None
        )
        if found:
            break
        time.sleep(0.25)
    page.shots.take(outbox, "outbox")
    outbox.close()
    assert found, f"no code in the outbox for {national}"
    return found.group(1)


def register(page, base: str, civil_id: str, mobile: str, name: str, password: str) -> None:
    """Create an account from the registration page the browser is on (or /register):
    civil ID and mobile, the code from the outbox, then the name and a password. Ends on
    the page registration returns to (`next`, or My requests)."""
    if "/register" not in page.url:
        page.goto(f"{base}/register")
    page.fill("#civil_id", civil_id)
    page.fill("#mobile", mobile)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/register/code(\?.*)?$"))
    page.fill("#code", code_from_outbox(page, base, f"{mobile[:4]} {mobile[4:]}"))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/register/password(\?.*)?$"))
    page.fill("#full_name", name)
    page.fill("#password", password)
    page.fill("#confirm", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def log_in(page, base: str, civil_id: str, lang: str) -> None:
    """Log in through the form with bench.harness.create_account's password."""
    page.goto(f"{base}/login?lang={lang}")
    page.fill("#civil_id", civil_id)
    page.fill("#password", ACCOUNT_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/(requests|account)/?(\?.*)?$"))


def in_language(url: str, lang: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", lang)]
    return parts._replace(query=urlencode(query)).geturl()


# --- the request's question pages, in the browser -----------------------------------------
# Each step returns the response of the page it ends on; the request journey and the
# quality stops reach each question page through these, with or without JavaScript.

SECOND_PERSON = civil_id_for(501, born="880704")


def submit(page, value: str | None = None):
    """Press a submit button of the page's main form (by value) and wait for the next page."""
    button = (
        page.locator(f"main button[type=submit][value='{value}']")
        if value
        else page.locator("main form button[type=submit]").last
    )
    with page.expect_navigation() as navigation:
        button.first.click()
    return navigation.value


def start_request(page):
    """From "My requests", start a new one: its people page."""
    with page.expect_navigation() as navigation:
        page.locator("main form[action$='/requests/new'] button").click()
    return navigation.value


def press_in_place(page, value: str, then: str):
    """Press a button that adds or fills a people row (by value) and wait for `then`: in
    place with JavaScript (htmx), on a new page without it."""
    page.locator(f"main button[type=submit][value='{value}']").first.click()
    page.wait_for_selector(then)


def fill_person(page, index: int, civil_id: str, name: str, category: str):
    page.fill(f"#people-{index}-civil_id", civil_id)
    page.fill(f"#people-{index}-name", name)
    page.select_option(f"#people-{index}-category", category)
    page.fill(f"#people-{index}-passport_number", f"P{index}234567")
    page.fill(f"#people-{index}-passport_expiry", PASSPORT_EXPIRY)


def add_two_people(page):
    """Myself as a worker, and a domestic worker."""
    press_in_place(page, "add-me", "#people-0-civil_id:not([value=''])")
    page.select_option("#people-0-category", "worker")
    page.fill("#people-0-passport_number", "P0234567")
    page.fill("#people-0-passport_expiry", PASSPORT_EXPIRY)
    press_in_place(page, "add", "#people-1-civil_id")
    fill_person(page, 1, SECOND_PERSON, "Joy Santos", "domestic_worker")


def reach_people(page):
    return start_request(page)


def reach_people_with_errors(page):
    reach_people(page)
    return submit(page, "continue")


def reach_check(page):
    reach_people(page)
    add_two_people(page)
    submit(page, "continue")
    submit(page, "me")
    page.check("input[name=insurance_status][value=new]")
    page.select_option("#years", "2")
    return submit(page)


# --- requests and payments, over the context's HTTP client ----------------------------------

ADULT = civil_id_for(11, born="850612")
SECOND = civil_id_for(12, born="900315")
PEOPLE = {"Ali Hassan": (ADULT, "worker"), "Mona Saleh": (SECOND, "domestic_worker")}


def _post(api, url: str, form: dict) -> str:
    token = CSRF.search(api.get(url).text()).group(1)
    response = api.post(url, form={"csrf_token": token, **form}, max_redirects=0)
    assert response.status in (302, 303), f"{url}: {response.status}"
    return response.headers["location"]


_fresh_people = iter(range(3000, 9000, 2))


def _people_for(listing: str) -> dict:
    """PEOPLE for an account's first request; two others after that, as paying twice for
    the same people's cover is refused (its first request's may still be paid)."""
    if "/requests/TM-" not in listing:
        return PEOPLE
    serial = next(_fresh_people)
    return {
        "Ali Hassan": (civil_id_for(serial, born="850612"), "worker"),
        "Mona Saleh": (civil_id_for(serial + 1, born="900315"), "domestic_worker"),
    }


def request_at_check(api, base: str, people: dict | None = None) -> str:
    """A new request answered up to "check your answers": two people (`people`, {name:
    (civil ID, category)}, or as _people_for chooses), two years; its reference."""
    listing = api.get(base + "/requests").text()
    token = CSRF.search(listing).group(1)
    started = api.post(base + "/requests/new", form={"csrf_token": token}, max_redirects=0)
    reference = re.search(r"/requests/(TM-[^/]+)/", started.headers["location"]).group(1)
    at = f"{base}/requests/{reference}"
    answers = {"action": "continue"}
    for i, (name, (civil_id, category)) in enumerate((people or _people_for(listing)).items()):
        answers.update(
            {
                f"people-{i}-civil_id": civil_id,
                f"people-{i}-name": name,
                f"people-{i}-category": category,
                f"people-{i}-passport_number": f"P{i}123456",
                f"people-{i}-passport_expiry": PASSPORT_EXPIRY,
            }
        )
    _post(api, f"{at}/people", answers)
    _post(api, f"{at}/sponsor", {"action": "me"})
    _post(api, f"{at}/cover", {"insurance_status": "new", "years": "2"})
    return reference


def confirm_and_pay(api, base: str, reference: str) -> str:
    """ "Confirm and continue to payment" on check-answers: the bank's page address."""
    bank = _post(api, f"{base}/requests/{reference}/check", {"confirm": "y"})
    return bank if bank.startswith("http") else base + bank


def awaiting_payment(api, base: str) -> str:
    """A request confirmed whose first try at the sandbox bank was cancelled: it awaits
    payment, its page offering Pay again. Its reference."""
    reference = request_at_check(api, base)
    back = _post(api, confirm_and_pay(api, base, reference), {"choice": "cancel"})
    response = api.get(back if back.startswith("http") else base + back, max_redirects=0)
    assert response.status == 303, response.status
    return reference


def sandbox_bank_page(api, base: str) -> str:
    """A request confirmed on check-answers: the sandbox bank's page address."""
    return confirm_and_pay(api, base, request_at_check(api, base))


def press_pay(api, base: str, reference: str) -> str:
    token = CSRF.search(api.get(f"{base}/requests/{reference}").text()).group(1)
    response = api.post(f"{base}/requests/{reference}/pay", form={"csrf_token": token}, max_redirects=0)
    assert response.status == 303, response.status
    return base + response.headers["location"]


def receipt_page(api, base: str) -> str:
    """A request paid in the sandbox bank: its receipt's address."""
    bank = sandbox_bank_page(api, base)
    back = _post(api, bank, {"choice": "approve"})
    response = api.get(back if back.startswith("http") else base + back, max_redirects=0)
    assert response.status == 303, response.status
    return base + response.headers["location"]


def verify_page(api, base: str) -> str:
    return re.search(r'class="verify-link">([^<]+)<', api.get(receipt_page(api, base)).text()).group(1)


def request_to_pay(api, base: str) -> str:
    """A request awaiting payment: its page, with the Pay button."""
    return f"{base}/requests/{awaiting_payment(api, base)}"


def request_declined(api, base: str) -> str:
    """A request whose payment the bank declined: its page says so and offers Pay again."""
    back = _post(api, sandbox_bank_page(api, base), {"choice": "decline"})
    response = api.get(back if back.startswith("http") else base + back, max_redirects=0)
    assert response.status == 303, response.status
    return base + response.headers["location"]


# --- refunds and the desk -----------------------------------------------------------------
# Requests are paid through the real sandbox flow (above); staff are made with
# `flask create-staff`, as an operator would, and log in through the desk's form with a
# TOTP code computed from the printed secret.

STAFF_PASSWORD = "desk passphrase for the browser tests"
IBAN_TYPED = "KW٨١ CBKU ٠٠٠٠ ٠٠٠٠ ٠٠٠٠ ١٢٣٤ ٥٦٠١ ٠١"  # Arabic-Indic digits, spaces


def create_staff(server, login: str, role: str = "reviewer", serial: int = 960) -> str:
    """A staff member made with the operator's command against the server's database;
    the TOTP secret it printed."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "create-staff",
            login,
            "--name",
            f"Staff {login}",
            "--role",
            role,
            "--civil-id",
            civil_id_for(serial, born="750505"),
            "--password-stdin",
        ],
        cwd=ROOT,
        env=server.env,
        input=STAFF_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return re.search(r"TOTP secret: ([A-Z2-7]+)", done.stdout).group(1)


def current_code(secret: str) -> str:
    return totp.code_at(secret, clock.now().replace(tzinfo=UTC).timestamp())


def ask_for_refund(api, base: str, reference: str) -> str:
    """The refund form sent through the context's HTTP client; the request's address."""
    at = f"{base}/requests/{reference}"
    token = CSRF.search(api.get(f"{at}/refund").text()).group(1)
    response = api.post(
        f"{at}/refund",
        max_redirects=0,
        form={
            "csrf_token": token,
            "reason": "left_kuwait",
            "details": "",
            "iban": IBAN_TYPED,
            "account_holder": "سارة أحمد",
        },
    )
    assert response.status == 303, response.status
    return at


def _paid(api, base: str) -> str:
    receipt = receipt_page(api, base)
    return re.search(r"/requests/(TM-[^/]+)/receipt", receipt).group(1)


def refund_form_page(api, base: str) -> str:
    return f"{base}/requests/{_paid(api, base)}/refund"


def refund_waiting_page(api, base: str) -> str:
    return ask_for_refund(api, base, _paid(api, base))


@dataclass
class Desk:
    """Per live server: an admin's desk session (cookies) and a refund waiting for review."""

    cookies: list
    reference: str
    refund_id: int


_desks: dict[str, Desk] = {}


def _log_in_applicant(api, base: str, civil_id: str) -> None:
    token = CSRF.search(api.get(f"{base}/login").text()).group(1)
    response = api.post(
        f"{base}/login",
        max_redirects=0,
        form={"csrf_token": token, "civil_id": civil_id, "password": ACCOUNT_PASSWORD},
    )
    assert response.status == 302, response.status


def fill_desk_login(page, base: str, lang: str, login: str, secret: str) -> None:
    """The desk's log-in form filled in the browser (password and current TOTP code), not yet sent."""
    page.goto(f"{base}/desk/login?lang={lang}")
    page.fill("#login", login)
    page.fill("#password", STAFF_PASSWORD)
    page.fill("#code", current_code(secret))


def log_in_staff(api, base: str, login: str, secret: str) -> None:
    token = CSRF.search(api.get(f"{base}/desk/login").text()).group(1)
    response = api.post(
        f"{base}/desk/login",
        max_redirects=0,
        form={"csrf_token": token, "login": login, "password": STAFF_PASSWORD, "code": current_code(secret)},
    )
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


def desk_link(page, name: str):
    """A link of the desk's menu, by its name: a narrow screen folds the menu into a
    <details>, opened first."""
    menu = page.locator(".desk-menu summary")
    if menu.is_visible():
        menu.click()
    return page.locator(".site-nav").get_by_role("link", name=name)


def desk_page(path, then=None, signed_in: bool = True):
    """An act: the desk page at `path` (or `path(desk)`), as the admin, then `then(page)`."""

    def act(page):
        base, lang = _where(page)
        desk = desk_for(page, base) if signed_in or callable(path) else None
        if signed_in:
            page.context.add_cookies(desk.cookies)
        address = path(desk) if callable(path) else path
        response = page.goto(in_language(base + address, lang))
        return then(page) if then else response

    return act


# --- never paying twice -------------------------------------------------------------------


def paid_with_api(api, base: str) -> str:
    """A request of the signed-in `api` answered, confirmed and paid: its reference."""
    reference = request_at_check(api, base)
    back = _post(api, confirm_and_pay(api, base, reference), {"choice": "approve"})
    api.get(back if back.startswith("http") else base + back)
    return reference


def cover_ends_soon(server, reference: str, days: int = 30) -> None:
    """A year on, in one step: the paid request's cover ends in `days` days, so Renew is
    offered (the live server's clock cannot be moved from here)."""
    import sqlite3

    today = clock.today_in_kuwait()
    with sqlite3.connect(server.database) as database:
        database.execute(
            "UPDATE insurancerequest SET cover_start = ?, cover_end = ? WHERE reference = ?",
            (
                (today - timedelta(days=300)).isoformat(),
                (today + timedelta(days=days)).isoformat(),
                reference,
            ),
        )


def desk_two_codes(page):
    """An act: the desk's log-in asking for two codes, as it does past a few failures for a
    login name. Once asked, the form asks again without counting more (until the counter
    runs out, and the failures start it again): each failure counts against the address too."""
    base, lang = _where(page)
    for _ in range(rate_limits.LOGIN_FAILURES_PER_ACCOUNT.hits + 1):
        page.goto(f"{base}/desk/login?lang={lang}")
        page.fill("#login", "quality-two-codes")
        page.fill("#password", "not the password")
        page.fill("#code", "000000")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        if page.locator("#next_code").count():
            return navigation.value
    raise AssertionError("the desk never asked for two codes")


# --- pages reached once per server and shown again from the same cookies ------------------
# Codes by SMS are limited per address (web/rate_limits.py) and the quality harness visits
# each page eight times: each state is reached once, in a browser context of its own, and
# its cookies are handed to every visit.

_states: dict[tuple[str, str], tuple[list, str]] = {}


def reached_once(name: str, reach):
    """An act: the address `reach(context, base)` returns, reached once per server."""

    def act(page):
        base, lang = _where(page)
        if (base, name) not in _states:
            context = page.context.browser.new_context()
            address = reach(context, base)
            _states[base, name] = (context.cookies(base), address)
            context.close()
        cookies, address = _states[base, name]
        page.context.add_cookies(cookies)
        return page.goto(in_language(address if address.startswith("http") else base + address, lang))

    return act


def _code_sent_to(api, base: str, mobile: str) -> str:
    national = f"{mobile[:4]} {mobile[4:]}"
    for _ in range(20):
        outbox = api.get(f"{base}/dev/outbox").text()
        for to, body in re.findall(r'class="outbox-to">([^<]*)</td><td class="outbox-body">([^<]*)<', outbox):
            if national in to and (found := re.search(r"(?:#|\b)([0-9]{6})\b", body)):
                return found.group(1)
        time.sleep(0.25)
    raise AssertionError(f"no code in the outbox for {national}")


_express_serials = iter(range(700, 1000, 10))
EXPRESS_STEPS = ("code", "workers", "years", "check", "pay", "declined", "receipt", "refund")


def express_until(step: str):
    """reach(context, base) for `reached_once`: a new express sponsor walked to `step`, one
    of EXPRESS_STEPS ("declined": back from the bank with the payment declined)."""

    def reach(context, base: str) -> str:
        api, serial = context.request, next(_express_serials)
        mobile = f"6{serial:07d}"
        sponsor = {"civil_id": civil_id_for(serial, born="750303"), "mobile": mobile}
        at = _post(api, f"{base}/express", sponsor)
        walk = [
            ("/express/code", lambda: {"code": _code_sent_to(api, base, mobile)}),
            (
                "/express/workers",
                lambda: {
                    "people-0-civil_id": civil_id_for(serial + 1, born="950101"),
                    "people-0-name": "Maria Santos",
                    "people-0-category": "domestic_worker",
                    "people-0-passport_expiry": PASSPORT_EXPIRY,
                    "action": "continue",
                },
            ),
            ("/express/years", lambda: {"insurance_status": "new", "years": "1"}),
            ("/express/check", lambda: {"confirm": "y"}),
        ]
        for number, (path, form) in enumerate(walk):
            if EXPRESS_STEPS.index(step) <= number:
                return at
            at = _post_as_sent(api, base + path, form())
        if step == "pay":
            return at
        bank = _post(api, f"{base}/express/pay", {})
        choice = "decline" if step == "declined" else "approve"
        back = _post(api, bank if bank.startswith("http") else base + bank, {"choice": choice})
        response = api.get(back if back.startswith("http") else base + back, max_redirects=0)
        assert response.status == 303, response.status
        shown = response.headers["location"]
        return f"{shown}/refund" if step == "refund" else shown

    return reach


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _post_as_sent(api, url: str, form: dict) -> str:
    """The form at `url` sent with its hidden fields (token, version) and `form`: where it leads."""
    hidden = dict(HIDDEN.findall(api.get(url).text()))
    response = api.post(url, form={**hidden, **form}, max_redirects=0)
    assert response.status in (302, 303), f"{url}: {response.status}"
    return response.headers["location"]


def login_code(context, base: str) -> str:
    """reach(context, base) for `reached_once`: the applicant's log-in asking for a code by
    SMS, as it does past a few wrong passwords for a civil ID."""
    api = context.request
    civil_id, _ = create_account(f"sqlite:///{LIVE_SERVERS[base].database}", serial=880)
    for _ in range(rate_limits.LOGIN_FAILURES_PER_ACCOUNT.hits):
        token = CSRF.search(api.get(f"{base}/login").text()).group(1)
        api.post(f"{base}/login", form={"csrf_token": token, "civil_id": civil_id, "password": "wrong"})
    return _post(api, f"{base}/login", {"civil_id": civil_id, "password": ACCOUNT_PASSWORD})


def idle_past_the_limit(context, base: str) -> str:
    """reach(context, base) for `reached_once`: an applicant logged in, then the clock
    moved past the idle limit, and a page that needs a log-in asked for (the address).

    The server's clock is its own process's, so the times the signed session keeps are
    moved back instead, signed with the server's key as the server signs them."""
    server = LIVE_SERVERS[base]
    civil_id, _ = create_account(f"sqlite:///{server.database}", serial=881)
    _log_in_applicant(context.request, base, civil_id)
    idle = timedelta(minutes=int(server.env.get("APPLICANT_SESSION_IDLE_MINUTES") or 30) + 1)
    cookie = next(c for c in context.cookies(base) if c["name"] == "session")
    signer = _session_signer(server.env["SECRET_KEY"])
    session = signer.loads(cookie["value"])
    for key in ("user_since", "user_seen"):
        session[key] -= idle.total_seconds()
    context.add_cookies([{**cookie, "value": signer.dumps(session)}])
    return "/requests"


def _session_signer(secret_key: str):
    """Flask's own signer of session cookies, for the key given."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    app = Flask(__name__)
    app.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(app)
