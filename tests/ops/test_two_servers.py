"""Two app servers on one PostgreSQL, as behind a load balancer: each the real `tameen.pyz
serve` (run from the source tree: gunicorn, the app preloaded in its master, two workers
forked from it, `postgresql+pool://`) on its own port, with the same SECRET_KEY,
PUBLIC_URL, database and bank.
One person's requests alternate between them (one cookie jar, the public host in every
request, as the balancer passes it on), so whatever a server kept in its own memory
(a session, a code, a rate-limit counter, a payment's result) would show here.

Only on PostgreSQL (`make test-postgres`, CI): two servers do not share a SQLite file
(README, "Moving to PostgreSQL, and several app servers")."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.fakes.knet_bank import PASSWORD as BANK_PASSWORD
from tests.fakes.knet_bank import RESOURCE_KEY, TRANPORTAL_ID, query_of, serve_in_thread
from tests.helpers import (
    ADULT,
    ON_POSTGRES,
    PASSWORD,
    REGISTRATION,
    SECOND,
    civil_id_for,
    database_url_for,
    mobile_for,
    person,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="two servers share a PostgreSQL database: set TEST_DATABASE_URL (make test-postgres)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HOST = "tameen.test"
PUBLIC_URL = f"http://{PUBLIC_HOST}"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.text = status, headers, body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test follows redirects itself, to choose the server


class Browser:
    """One person's browser: one cookie jar, its requests sent to whichever server the
    test names, for the public host."""

    def __init__(self, servers: list[str]):
        self.servers = servers
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)
        self.get(0, "/?lang=en")  # remembered in a cookie: the pages' words are English

    def open(self, server: int, path: str, data: dict | None = None) -> Answer:
        if path.startswith(PUBLIC_URL):
            path = path[len(PUBLIC_URL) :]
        body = urlencode(data).encode() if data is not None else None
        call = urllib.request.Request(self.servers[server] + path, data=body, headers={"Host": PUBLIC_HOST})
        try:
            with self.opener.open(call, timeout=30) as answer:
                return Answer(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as answer:
            return Answer(answer.code, answer.headers, answer.read())

    def get(self, server: int, path: str) -> Answer:
        return self.open(server, path)

    def submit(self, server: int, path: str, fields: dict, form_page: str | None = None) -> Answer:
        """Post a form to `server` with the CSRF token of its page (`path`, or
        `form_page` where the form sits on another page) as the other server serves it."""
        page = self.get(1 - server, form_page or path)
        assert page.status == 200, (form_page or path, page.status)
        return self.open(server, path, {**fields, "csrf_token": CSRF.search(page.text).group(1)})


class Site:
    """The two servers, their shared database (read with psycopg2) and their environment."""

    def __init__(self, database_url: str, env: dict, ports: list[int], instances: list[str]):
        self.database_url, self.env, self.instances = database_url, env, instances
        self.servers = [f"http://127.0.0.1:{port}" for port in ports]

    def browser(self) -> Browser:
        return Browser(self.servers)

    def query(self, sql: str, *params) -> list[tuple]:
        import psycopg2

        with psycopg2.connect(self.database_url) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
        connection.close()
        return rows

    def sms_to(self, e164: str) -> list[str]:
        return [
            body for (body,) in self.query('SELECT body FROM smsmessage WHERE "to" = %s ORDER BY id', e164)
        ]

    def latest_code(self, e164: str) -> str:
        return re.search(r"\b([0-9]{6})\b", self.sms_to(e164)[-1]).group(1)

    def on_both_at_once(self, command: str) -> list[str]:
        return on_both_at_once(self.env, self.instances, command)


TAMEEN = [sys.executable, "-c", "import tameen_cli; tameen_cli.main()"]  # tameen.pyz, from the tree


def on_both_at_once(env: dict, instances: list[str], command: str) -> list[str]:
    """An operator command started on both servers at the same moment (each server's
    timer); what each printed."""
    runs = [
        subprocess.Popen(
            [*TAMEEN, command],
            cwd=ROOT,
            env={**env, "INSTANCE_PATH": folder},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for folder in instances
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n".join(outputs)
    return outputs


@pytest.fixture
def bank():
    fake = serve_in_thread()
    yield fake
    fake.stop()


@pytest.fixture
def site(tmp_path, bank):
    """Two servers on an empty schema, migrated by `migrate` run on both at once (the
    two meet at PostgreSQL's advisory lock), each with an instance folder of its own."""
    database_url = database_url_for(tmp_path)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "APP_", "SMS_", "KNET_", "PAYMENT_", "GUNICORN_"))
    }
    env.update(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "two-servers-" + "k" * 40,
            "DATABASE_URL": database_url.replace("postgresql://", "postgresql+pool://", 1),
            "WEB_CONCURRENCY": "2",
            "PUBLIC_URL": PUBLIC_URL,
            "SMS_BACKEND": "outbox",
            "PAYMENT_GATEWAY": "knet",
            "KNET_TRANPORTAL_ID": TRANPORTAL_ID,
            "KNET_PASSWORD": BANK_PASSWORD,
            "KNET_RESOURCE_KEY": RESOURCE_KEY,
            "KNET_GATEWAY_URL": bank.url,
            "KNET_TIMEOUT": "5",
        }
    )
    ports = [free_port(), free_port()]
    instances = [str(tmp_path / f"instance{n}") for n in range(2)]
    assert sum("done now" in output for output in on_both_at_once(env, instances, "migrate")) == 1
    processes, logs = [], []
    for n, port in enumerate(ports):
        logs.append(open(tmp_path / f"server{n}.log", "w+"))
        processes.append(
            subprocess.Popen(
                [*TAMEEN, "serve"],
                cwd=ROOT,
                env={**env, "INSTANCE_PATH": instances[n], "HOST": "127.0.0.1", "PORT": str(port)},
                stdout=logs[-1],
                stderr=subprocess.STDOUT,
            )
        )
    try:
        for n, port in enumerate(ports):
            deadline = time.monotonic() + 60
            while True:
                assert processes[n].poll() is None, (tmp_path / f"server{n}.log").read_text()
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        break
                except OSError:
                    assert time.monotonic() < deadline, (tmp_path / f"server{n}.log").read_text()
                    time.sleep(0.1)
        yield Site(database_url, env, ports, instances)
    finally:
        for process in processes:
            process.terminate()
        for process, log in zip(processes, logs):
            process.wait(timeout=30)
            log.close()


def register(site: Site, browser: Browser, serial: int) -> str:
    """Register on server 0, type the code on server 1, choose the password on server 0;
    the civil ID."""
    civil_id, mobile = civil_id_for(serial), mobile_for(serial)
    started = browser.submit(0, "/register", {**REGISTRATION, "civil_id": civil_id, "mobile": mobile})
    assert started.status == 302 and started.location.endswith("/register/code"), started.text
    typed = browser.submit(1, "/register/code", {"code": site.latest_code("+965" + mobile)})
    assert typed.status == 302 and typed.location.endswith("/register/password"), typed.text
    chosen = browser.submit(
        0, "/register/password", {"full_name": "Sara Ahmed", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert chosen.status == 302, chosen.text
    return civil_id


def awaiting_payment(browser: Browser) -> str:
    """A request answered up to "check your answers", its pages alternating between the
    servers; its reference. press_pay confirms it, which goes on to the bank."""
    started = browser.submit(0, "/requests/new", {}, form_page="/requests")
    reference = re.search(r"/requests/(TM-[^/]+)/people", started.location).group(1)
    answers = [
        (
            "people",
            {**person(0, ADULT, "Ali"), **person(1, SECOND, "Mona", "domestic_worker"), "action": "continue"},
        ),
        ("sponsor", {"sponsor_name": "Sponsor", "sponsor_civil_id": ADULT}),
        ("cover", {"insurance_status": "new", "years": "2"}),
    ]
    for n, (page, fields) in enumerate(answers):
        answer = browser.submit(n % 2, f"/requests/{reference}/{page}", fields)
        assert answer.status == 302, (page, answer.text)
    return reference


def paid_messages(site: Site, civil_id: str, reference: str) -> int:
    """How many SMS told the owner of `civil_id` that `reference` was paid."""
    mobile = site.query('SELECT mobile FROM "user" WHERE civil_id = %s', civil_id)[0][0]
    return sum(f"we received KWD\xa0110.000 for request {reference}" in body for body in site.sms_to(mobile))


def to_server(url: str):
    """The bank's server posting its notice: the balancer passes it to the server at `url`."""

    def deliver(response_url: str, body: bytes, timeout: float, content_type=None) -> tuple[int, str, str]:
        parts = urlsplit(response_url)
        assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_URL
        call = urllib.request.Request(
            url + parts.path,
            data=body,
            method="POST",
            headers={"Host": PUBLIC_HOST, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(call, timeout=timeout) as answer:
                return answer.status, answer.headers.get("Content-Type", ""), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), ""

    return deliver


def press_pay(browser: Browser, bank, reference: str, server: int) -> str:
    """Confirm and continue to payment on `server`; the bank takes the browser. The track id."""
    sent = browser.submit(server, f"/requests/{reference}/check", {"confirm": "y"})
    assert sent.status == 303 and sent.location.startswith(bank.url), sent.text
    _error, payment = bank.payment_init(query_of(sent.location))
    assert payment is not None, bank.refused
    return payment.track_id


def test_register_on_one_type_the_code_on_the_other_log_in_and_use_the_session_anywhere(site):
    browser = site.browser()
    civil_id = register(site, browser, serial=1901)
    assert browser.get(1, "/account").status == 200
    browser = site.browser()  # another browser, with no cookie yet

    logged_in = browser.submit(1, "/login", {"civil_id": civil_id, "password": PASSWORD})
    assert logged_in.status == 302, logged_in.text
    for server in (0, 1, 0):
        page = browser.get(server, "/account")
        assert page.status == 200 and civil_id in page.text
    reference = browser.submit(0, "/requests/new", {}, form_page="/requests").location
    assert "/requests/TM-" in reference and browser.get(1, reference).status == 200

    # Logging out on one ends the session on both, for a copy of its cookie too.
    copy = site.browser()
    for cookie in browser.jar:
        copy.jar.set_cookie(cookie)
    assert copy.get(0, "/account").status == 200
    assert browser.submit(1, "/logout", {}, form_page="/account").status == 302
    assert browser.get(0, "/account").status == 302
    assert copy.get(0, "/account").status == 302


def test_rate_limits_count_across_both_servers(site):
    browser = site.browser()
    # Wrong passwords for accounts nobody has, from one address, alternating servers: the
    # per-address limit (20 in 15 minutes) is reached at the same total as on one server.
    for n in range(20):
        wrong = browser.submit(n % 2, "/login", {"civil_id": civil_id_for(2000 + n), "password": "no"})
        assert wrong.status == 200, (n, wrong.status)
    assert browser.submit(0, "/login", {"civil_id": civil_id_for(2100), "password": "no"}).status == 429
    assert browser.submit(1, "/login", {"civil_id": civil_id_for(2101), "password": "no"}).status == 429

    # A code may be typed wrong five times in all, whichever server checks it.
    other = site.browser()
    mobile = mobile_for(1902)
    assert (
        other.submit(
            1, "/register", {**REGISTRATION, "civil_id": civil_id_for(1902), "mobile": mobile}
        ).status
        == 302
    )
    code = site.latest_code("+965" + mobile)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    for n in range(4):
        typed = other.submit(n % 2, "/register/code", {"code": wrong_code})
        assert typed.status == 200 and "The code is not right" in typed.text, n
    other.submit(0, "/register/code", {"code": wrong_code})
    refused = other.submit(0, "/register/code", {"code": code})
    assert refused.status == 200 and "too many times" in refused.text


def test_the_banks_notice_reaches_one_server_and_the_browser_the_other_paid_once(site, bank):
    browser = site.browser()
    civil_id = register(site, browser, serial=1903)
    reference = awaiting_payment(browser)
    track_id = press_pay(browser, bank, reference, server=0)

    bank.deliver = to_server(site.servers[1])
    back = bank.choose(track_id, "approve")
    notice = bank.notices[-1]
    assert notice["status"] == 200 and back.startswith(PUBLIC_URL), notice
    arrived = browser.get(0, back)
    assert arrived.status == 303 and arrived.location.endswith(f"/requests/{reference}/receipt")
    assert browser.get(1, arrived.location).status == 200

    # The bank's server tries again, at the first server this time: nothing changes.
    assert (
        to_server(site.servers[0])(f"{PUBLIC_URL}/payments/notify", urlencode(notice["fields"]).encode(), 5)[
            0
        ]
        == 200
    )
    assert browser.get(1, back).location.endswith(f"/requests/{reference}/receipt")
    assert site.query("SELECT state, count(*) FROM payment GROUP BY state") == [("paid", 1)]
    assert site.query("SELECT count(*) FROM auditevent WHERE action = 'request.paid'") == [(1,)]
    assert paid_messages(site, civil_id, reference) == 1


def test_reconcile_on_both_servers_at_once_settles_a_payment_once(site, bank):
    browser = site.browser()
    civil_id = register(site, browser, serial=1904)
    reference = awaiting_payment(browser)
    track_id = press_pay(browser, bank, reference, server=1)
    # The bank took the money, but neither its notice nor the browser ever came back.
    bank.decide(track_id, "CAPTURED")
    # Minutes pass: reconcile leaves a fresh payment to the browser.
    site.query("UPDATE payment SET created_at = created_at - interval '10 minutes'")

    outputs = site.on_both_at_once("reconcile-payments")
    assert sorted("1 paid" in output for output in outputs) == [False, True], outputs
    assert site.query("SELECT state FROM payment") == [("paid",)]
    assert site.query("SELECT count(*) FROM auditevent WHERE action = 'request.paid'") == [(1,)]
    assert paid_messages(site, civil_id, reference) == 1
    assert len([asked for asked in bank.inquiries if asked.get("action") == "8"]) == 1
    assert "Payment received for this request." in browser.get(0, f"/requests/{reference}").text


def test_reminders_on_both_servers_at_once_send_each_once(site, bank):
    browser = site.browser()
    civil_id = register(site, browser, serial=1905)
    reference = awaiting_payment(browser)
    track_id = press_pay(browser, bank, reference, server=0)
    bank.deliver = to_server(site.servers[1])
    assert browser.get(0, bank.choose(track_id, "approve")).location.endswith("/receipt")
    # Two years less three days pass: the cover ends within a week, and its reminder is due.
    # (Reminders find the cover by the request's own dates, kept since migration 0010.)
    site.query("UPDATE receipt SET paid_at = paid_at - interval '2 years' + interval '3 days'")
    earlier = "- interval '2 years' + interval '3 days'"
    site.query(
        f"UPDATE insurancerequest SET cover_start = (cover_start {earlier})::date,"
        f" cover_end = (cover_end {earlier})::date WHERE cover_end IS NOT NULL"
    )

    outputs = site.on_both_at_once("send-reminders")
    assert sorted("sent now: 1;" in output for output in outputs) == [False, True], outputs
    assert site.query("SELECT lead_days FROM reminder WHERE sent_at IS NOT NULL") == [(7,)]
    mobile = site.query('SELECT mobile FROM "user" WHERE civil_id = %s', civil_id)[0][0]
    assert sum(f"(request {reference}) ends on" in body for body in site.sms_to(mobile)) == 1
