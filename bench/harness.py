"""Serve an app with gunicorn on loopback and drive it with a bounded number of clients.

Traffic only ever goes to 127.0.0.1, for a fixed time, then stops.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import clock

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The address the benchmarked Tameen believes it is reached at (production refuses
# other hosts); clients send it as Host. The .invalid name never resolves.
PUBLIC_HOST = "tameen.bench.invalid"


def production_env(folder: str, **extra) -> dict:
    """Tameen configured as the README documents for one VM, on SQLite in `folder`.

    Production insists on an SMS provider and a real bank; none is reached unless the
    caller points SMS_HTTP_URL somewhere, and the sandbox bank stands in for K-Net."""
    return {
        "APP_ENV": "production",
        "SECRET_KEY": "bench-" + "k" * 58,
        "TOTP_ENCRYPTION_KEY": "YmVuY2gtdG90cC1rZXktb2YtMzItYnl0ZXMtbG9uZyE=",
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "INSTANCE_PATH": folder,
        "PUBLIC_URL": f"https://{PUBLIC_HOST}",
        "SMS_BACKEND": "http",
        "SMS_HTTP_URL": "https://sms.invalid/send",
        "PAYMENT_GATEWAY": "sandbox",
        "ALLOW_SANDBOX_IN_PRODUCTION": "1",
        "OPERATOR_NAME_EN": "Bench Operator",
        "OPERATOR_NAME_AR": "مشغل القياس",
        **extra,
    }


def migrate(env: dict) -> None:
    """`tameen.pyz migrate` on the database of `env`, as an operator runs it before serving
    (starting the app changes no schema)."""
    subprocess.run(
        [sys.executable, "-c", "import tameen_cli; tameen_cli.main()", "migrate"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def gunicorn(
    app_spec: str,
    env: dict | None = None,
    workers: int | None = None,
    chdir: Path = ROOT,
    ready: str = "/",
    output=None,
):
    """`output(line)`, if given, is called with every line the server prints (a thread of
    its own reads them)."""
    port = free_port()
    workers = workers or os.cpu_count() or 1
    command = [
        str(GUNICORN),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app_spec,
    ]
    pipe = dict(stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) if output else {}
    process = subprocess.Popen(command, cwd=chdir, env={**os.environ, **(env or {})}, **pipe)
    if output:
        threading.Thread(target=lambda: [output(line) for line in process.stdout], daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + ready, timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"gunicorn did not start {app_spec}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextmanager
def sms_sender(env: dict, output=None, chdir: Path = ROOT):
    """`send-sms` beside the server, as docs/operating.md runs it: a process of its own,
    delivering the outbox the server writes. `output(line)` as for gunicorn()."""
    command = [sys.executable, "-m", "flask", "--app", "app", "send-sms", "--idle", "0.2"]
    pipe = dict(stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) if output else {}
    process = subprocess.Popen(command, cwd=chdir, env={**os.environ, **env}, **pipe)
    if output:
        threading.Thread(target=lambda: [output(line) for line in process.stdout], daemon=True).start()
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # stuck on a provider that never answers
            process.kill()
            process.wait()


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    kinds: dict[str, "Result"] = field(default_factory=dict)  # the same figures per kind

    def add(self, other: "Result") -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.latencies.extend(other.latencies)
        for name, part in other.kinds.items():
            self.kinds.setdefault(name, Result()).add(part)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:  # quantiles need two; a short run may see one
            return sum(self.latencies) * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] * 1000

    def line(self, name: str) -> str:
        return (
            f"{name:<28} {self.per_second:8.1f} req/s  p50 {self.percentile(50):6.1f} ms  "
            f"p95 {self.percentile(95):6.1f} ms  p99 {self.percentile(99):6.1f} ms  "
            f"errors {self.errors}  ({self.requests} requests)"
        )


def drive(port: int, requests, seconds: float, clients: int, kind=None) -> Result:
    """`requests` is a function(client_index, n) -> (method, path, headers, body[, status]).

    Without `status`, any answer below 400 counts as success; with it, only that status
    (so a logged-in page that redirects to the login form counts as an error).
    `kind(path)`, if given, names the kind of request, for figures per kind."""
    result = Result()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        n = 0
        local = Result()
        while time.monotonic() < deadline:
            method, path, headers, body, *expected = requests(index, n)
            n += 1
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
                response.read()
                connection.close()
                ok = response.status == expected[0] if expected else response.status < 400
            except OSError:
                ok = False
            latency = time.perf_counter() - started
            parts = [local, local.kinds.setdefault(kind(path), Result())] if kind else [local]
            for part in parts:
                part.latencies.append(latency)
                part.requests += 1
                part.errors += 0 if ok else 1
        with lock:
            result.add(local)

    run_clients(client, clients, result)
    return result


# --- accounts ----------------------------------------------------------------

ACCOUNT_PASSWORD = "a quiet bench passphrase"


def run_clients(client, clients: int, result: Result) -> None:
    """`client(i)` in `clients` threads at once, each adding to `result`; the time they
    took together becomes every part's duration."""
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    for part in result.kinds.values():
        part.seconds = result.seconds


def create_account(database_url: str, serial: int = 1) -> tuple[str, str]:
    """An account that can log in, written straight into the database (no SMS needed).

    Runs in a child process so the caller's own database binding is left alone.
    Returns (civil ID, password)."""
    civil_id = _valid_civil_id(serial)
    mobile = f"+9655{serial % 10_000_000:07d}"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from bench.harness import _store_account; _store_account(*sys.argv[1:])",
            database_url,
            civil_id,
            mobile,
            ACCOUNT_PASSWORD,
        ],
        cwd=ROOT,
        check=True,
    )
    return civil_id, ACCOUNT_PASSWORD


def _valid_civil_id(serial: int) -> str:
    from domain.civil_id import check_digit

    while True:
        first11 = f"2900101{serial % 10_000:04d}"
        if (digit := check_digit(first11)) is not None:
            return first11 + str(digit)
        serial += 1


def _store_account(database_url: str, civil_id: str, mobile: str, password: str) -> None:
    import models
    from domain.passwords import make_hasher

    models.open_database(database_url)
    models.create_tables()
    with models.db.connection_context():
        details = {
            "name_ar": "سارة أحمد",
            "name_en": "Sara Ahmed",
            "user_name": "Sara",
            "mobile": mobile,
            "email": "sara@example.com",
            "gender": "female",
            "language": "ar",
            "governorate": "KW-HA",
            "account_kind": "personal",
        }
        user, _ = models.User.start_registration(civil_id, details)
        user.mark_mobile_verified(mobile, clock.now())
        user.set_password(password, make_hasher())
        user.save()


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "inputs": [],
                }
            )
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attrs)


def login_form(page: str) -> dict | None:
    """The log-in form on a page, found by what it means, not by names:
    {"action", "fields": hidden inputs, "username": name, "password": name}."""
    reader = _FormReader()
    reader.feed(page)
    for form in reader.forms:
        by_purpose = {i.get("autocomplete"): i.get("name") for i in form["inputs"]}
        if form["method"] == "post" and "current-password" in by_purpose:
            return {
                "action": form["action"],
                "username": by_purpose.get("username"),
                "password": by_purpose["current-password"],
                "fields": {
                    i["name"]: i.get("value", "")
                    for i in form["inputs"]
                    if i.get("type") == "hidden" and i.get("name")
                },
            }
    return None


def log_in(port: int, civil_id: str, password: str, path: str = "/login") -> tuple[str, str]:
    """Log in through the real form (CSRF token included).
    Returns the Cookie header and the page the form sent us to."""
    status, headers, page = fetch(port, "GET", path)
    form = login_form(page)
    if status != 200 or form is None:
        raise RuntimeError(f"no log-in form at {path} (status {status})")
    cookies = _cookies(headers)
    body = urllib.parse.urlencode({**form["fields"], form["username"]: civil_id, form["password"]: password})
    status, headers, _ = fetch(
        port,
        "POST",
        form["action"] or path,
        body,
        {"Cookie": _cookie_header(cookies), "Content-Type": "application/x-www-form-urlencoded"},
    )
    if status not in (302, 303):
        raise RuntimeError(f"logging in answered {status}, not a redirect")
    landing = urllib.parse.urlsplit(dict((k.lower(), v) for k, v in headers)["location"])
    return _cookie_header(cookies | _cookies(headers)), landing.path


def fetch(port: int, method: str, path: str, body: str | None = None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def _cookies(headers) -> dict:
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return jar


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())
