"""The whole journey under load: 100 people at once for 60 s, on SQLite.

Each simulated person browses the start page and the calculator and gets a few quotes;
one in GOES_ON then registers (reading the SMS code the sender beside the server prints), answers a
request's questions, confirms them and pays in the sandbox bank, as most visitors of a
fee calculator do not register. Then the client starts again as someone new. People
arrive over the first ARRIVALS seconds, not in one instant. Between
pages a person reads or types for THINK seconds (give or take half), quicker than people
fill in civil IDs and names; without it, 100 clients would be 100 machine guns, not 100
people.

Tameen runs as the README documents for one VM: gunicorn with the default worker count
(2 per core, plus 1), sync workers, on 127.0.0.1 and SQLite, with the password hashing
of production. Prints p50/p95/p99 per kind of page; fails on a p95 of 300 ms or more,
any 5xx, any unexpected answer, or "database is locked" in the server's output.

Run by `make bench` (or alone: `.venv/bin/python bench/load.py [seconds] [clients]`).
"""

import gzip
import http.client
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.harness import Result, gunicorn, migrate, run_clients, sms_sender  # noqa: E402
from domain.civil_id import check_digit  # noqa: E402

WORKERS = 2 * (os.cpu_count() or 1) + 1  # tameen.pyz serve's default
THINK = 3.0
GOES_ON = 5
ARRIVALS = 10 * THINK
P95_LIMIT_MS = 300
PASSWORD = "a quiet bench passphrase"
QUOTES = [
    {"years": "1", "people-0-category": "worker"},
    {"years": "2", "people-0-category": "worker", "people-1-category": "domestic_worker"},
    {
        "years": "3",
        "people-0-category": "family_first_degree",
        "people-0-born": "291030104196",
        "people-1-category": "kuwaiti_wife",
        "people-2-category": "student",
    },
]
REGISTRATION = {
    "name_ar": "سارة أحمد",
    "name_en": "Sara Ahmed",
    "user_name": "Sara",
    "email": "sara@example.com",
    "gender": "female",
    "language": "ar",
    "governorate": "KW-HA",
    "account_kind": "personal",
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r"\[SMS to (\+965\d{8})\].*?\b(\d{6})\b")


class Unexpected(Exception):
    pass


def civil_id(serial: int, born: str = "900101") -> str:
    """A valid civil ID, different for every serial (10,000 serials a day of the month);
    the year of birth moves on when a number has no check digit."""
    for year in range(int(born[:2]), int(born[:2]) + 10):
        first11 = f"2{year:02d}{born[2:4]}{1 + serial // 10_000 % 28:02d}{serial % 10_000:04d}"
        if (digit := check_digit(first11)) is not None:
            return first11 + str(digit)
    raise ValueError(serial)


class Codes:
    """The codes the server printed (SMS_BACKEND=console), by mobile; and whether SQLite
    ever said it was locked."""

    def __init__(self):
        self.by_mobile = {}
        self.locked = 0
        self.lock = threading.Condition()

    def read(self, line: str) -> None:
        if "database is locked" in line:
            self.locked += 1
        if match := CODE.search(line):
            with self.lock:
                self.by_mobile[match.group(1)] = match.group(2)
                self.lock.notify_all()

    def wait_for(self, mobile: str, seconds: float = 30) -> str:
        with self.lock:
            self.lock.wait_for(lambda: mobile in self.by_mobile, timeout=seconds)
            if mobile not in self.by_mobile:
                raise Unexpected(f"no code for {mobile}")
            return self.by_mobile.pop(mobile)


class Person:
    """One browser: its cookies, its address (behind the one trusted proxy, so rate limits
    count per person as they would on the internet), and the figures of its requests."""

    def __init__(self, port: int, serial: int, result: Result, deadline: float):
        self.port, self.serial, self.result, self.deadline = port, serial, result, deadline
        self.cookies = {}
        self.address = f"10.{serial // 65536 % 256}.{serial // 256 % 256}.{serial % 256}"
        self.token = ""

    def go(self, kind: str, method: str, path: str, form=None, hx=False, expect=200):
        headers = {"Accept-Encoding": "gzip, br", "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if hx:
            headers["HX-Request"] = "true"
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        latency = time.perf_counter() - started
        for part in (self.result, self.result.kinds.setdefault(kind, Result())):
            part.requests += 1
            part.latencies.append(latency)
            part.errors += response.status != expect
        if response.status >= 500:
            self.result.kinds.setdefault("5xx", Result()).requests += 1
        if response.status != expect:
            raise Unexpected(f"{method} {path}: {response.status}, expected {expect}")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        encoding = response.getheader("Content-Encoding")
        if encoding == "br":
            data = brotli.decompress(data)
        elif encoding == "gzip":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        if match := CSRF.search(text):
            self.token = match.group(1)
        return response.getheader("Location", ""), text

    def think(self, seconds: float = THINK) -> None:
        time.sleep(random.uniform(0.5, 1.5) * seconds)
        if time.monotonic() > self.deadline:
            raise TimeoutError

    def journey(self, codes: Codes) -> None:
        lang = random.choice(["ar", "ar", "en"])  # most people read Arabic
        self.go("start page", "GET", f"/?lang={lang}")
        self.think()
        self.go("calculator", "GET", "/fees")
        for quote in random.sample(QUOTES, 2):
            self.think(0.3)
            self.go("quote partial", "GET", f"/quote?{urllib.parse.urlencode(quote)}", hx=True)
        self.think()
        if self.serial % GOES_ON:
            return
        self.go("register", "GET", "/register", expect=200)
        mobile = f"5{self.serial:07d}"
        self.think()
        self.go(
            "register",
            "POST",
            "/register",
            {**REGISTRATION, "civil_id": civil_id(self.serial), "mobile": mobile},
            expect=302,
        )
        code = codes.wait_for("+965" + mobile)
        self.think()
        self.go("register", "POST", "/register/code", {"code": code}, expect=302)
        self.think()
        self.go(
            "register (password)",
            "POST",
            "/register/password",
            {"full_name": "Sara Ahmed", "password": PASSWORD, "confirm": PASSWORD},
            expect=302,
        )
        self.go("my requests", "GET", "/requests")  # a new session: its token
        self.think()
        service, _ = self.go("request", "POST", "/requests/new", {}, expect=302)
        base = urllib.parse.urlsplit(service).path.rsplit("/", 1)[0]
        adult, second = civil_id(self.serial, "850612"), civil_id(self.serial, "900315")
        expiry = f"{time.gmtime().tm_year + 3}-01-31"
        people = {}
        for i, (who, name, category) in enumerate(
            [(adult, "Ali", "worker"), (second, "Mona", "domestic_worker")]
        ):
            people.update(
                {
                    f"people-{i}-civil_id": who,
                    f"people-{i}-name": name,
                    f"people-{i}-category": category,
                    f"people-{i}-passport_number": "A1234567",
                    f"people-{i}-passport_expiry": expiry,
                }
            )
        self.think()
        self.go("request", "POST", f"{base}/people", {**people, "action": "continue"}, expect=302)
        self.think()
        self.go(
            "request",
            "POST",
            f"{base}/sponsor",
            {"sponsor_name": "Sponsor", "sponsor_civil_id": adult},
            expect=302,
        )
        self.think()
        self.go("request", "POST", f"{base}/cover", {"insurance_status": "new", "years": "2"}, expect=302)
        self.go("check answers", "GET", f"{base}/check")
        self.think()
        bank, _ = self.go("pay", "POST", f"{base}/check", {"confirm": "y"}, expect=303)
        bank = urllib.parse.urlsplit(bank).path
        self.go("sandbox bank", "GET", bank)
        self.think()
        back, _ = self.go("pay", "POST", bank, {"choice": "approve"}, expect=303)
        result, _ = self.go(
            "pay",
            "GET",
            urllib.parse.urlsplit(back).path + "?" + urllib.parse.urlsplit(back).query,
            expect=303,
        )
        self.go("receipt", "GET", urllib.parse.urlsplit(result).path)


def run(port: int, codes: Codes, seconds: float, clients: int) -> tuple[Result, list[str]]:
    result, problems, lock = Result(), [], threading.Lock()
    deadline = time.monotonic() + seconds
    serials = iter(range(1, 10**6))

    def client(index: int) -> None:
        local = Result()
        time.sleep(random.uniform(0, min(ARRIVALS, seconds / 2)))
        while time.monotonic() < deadline:
            with lock:
                serial = next(serials)
            try:
                Person(port, serial, local, deadline).journey(codes)
            except TimeoutError:
                break
            except (Unexpected, OSError) as error:
                with lock:
                    problems.append(str(error))
        with lock:
            result.add(local)

    run_clients(client, clients, result)
    return result, problems


def main(seconds: float = 60, clients: int = 100) -> None:
    codes = Codes()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            "APP_ENV": "development",
            "SECRET_KEY": "load-" + "k" * 59,
            "DATABASE_URL": f"sqlite:///{folder}/load.sqlite3",
            "INSTANCE_PATH": folder,
            "SMS_BACKEND": "console",
            "PAYMENT_GATEWAY": "sandbox",
            "PROXY_HOPS": "1",
        }
        migrate(env)
        with (
            gunicorn("app:create_app()", env, workers=WORKERS, ready="/healthz", output=codes.read) as port,
            sms_sender(env, output=codes.read),  # prints the codes the server wrote to the outbox
        ):
            result, problems = run(port, codes, seconds, clients)
    server_errors = result.kinds.pop("5xx", Result()).requests
    p95 = result.percentile(95)
    print(
        f"{seconds:.0f} s, {clients} people at once "
        f"(arriving over {min(ARRIVALS, seconds / 2):.0f} s, reading "
        f"{THINK:.0f} s a page give or take half, 1 in {GOES_ON} registering and paying), "
        f"gunicorn {WORKERS} sync workers on 127.0.0.1, SQLite"
    )
    print(result.line("whole journey"))
    for name, part in sorted(result.kinds.items()):
        print(part.line(f"  {name}"))
    journeys = result.kinds.get("receipt", Result()).requests
    print(
        f'paid journeys: {journeys}; 5xx: {server_errors}; "database is locked": '
        f"{codes.locked}; p95 {p95:.0f} ms (limit {P95_LIMIT_MS} ms)"
    )
    for problem in sorted(set(problems))[:10]:
        print(f"  problem: {problem}")
    if server_errors or codes.locked or problems or result.errors or p95 >= P95_LIMIT_MS:
        sys.exit("the load test failed")


if __name__ == "__main__":
    args = sys.argv[1:3]
    main(*([float(args[0])] if args else []), *([int(args[1])] if len(args) > 1 else []))
