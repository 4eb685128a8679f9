"""A slow SMS provider must not take the site down (issue 25): an SMS endpoint on
127.0.0.1 that accepts every connection and never answers, SMS_HTTP_TIMEOUT=5, gunicorn
with 2 sync workers on SQLite, and the `send-sms` sender beside it, stuck on that provider.

SIGNUPS people register at once (each: the form, then posting it, which writes a code and
its SMS to the outbox); meanwhile, and for PROBE_AFTER seconds more while the sender waits
on the provider, two clients ask for /healthz and the start page one after another. Prints
the figures (also those asked while sign-ups were under way); fails when either page's p95
over the whole time is 200 ms or more, a sign-up does not answer at once (a redirect to the code
page), or any request fails. Before the outbox, two sign-ups held /healthz for 14.9 s.

Run alone: `.venv/bin/python bench/sms_hang.py [signups]`; tests/ops/test_sms_hang.py runs it.
"""

import re
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.harness import Result, fetch, gunicorn, migrate, sms_sender  # noqa: E402
from bench.load import civil_id  # noqa: E402

SIGNUPS = 50
WORKERS = 2
PROBE_AFTER = 3.0
P95_LIMIT_MS = 200
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class SilentProvider:
    """Accepts connections on 127.0.0.1 and reads them, but never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(connection)  # kept open, never answered

    def close(self):
        self.sock.close()
        for connection in self.held:
            connection.close()


def sign_up(port: int, serial: int) -> float:
    """Register one person; the seconds the form's answer took. Raises on a wrong answer."""
    address = f"10.0.{serial // 256}.{serial % 256}"  # behind the trusted proxy: own limits
    status, headers, page = fetch(port, "GET", "/register?lang=en", headers={"X-Forwarded-For": address})
    cookie = "; ".join(value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie")
    form = {
        "csrf_token": CSRF.search(page).group(1),
        "civil_id": civil_id(serial),
        "mobile": f"5{serial:07d}",
        "name_en": "Sara Ahmed",
        "language": "en",
    }
    started = time.perf_counter()
    status, headers, _ = fetch(
        port,
        "POST",
        "/register",
        urllib.parse.urlencode(form),
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": address,
        },
    )
    took = time.perf_counter() - started
    location = dict((k.lower(), v) for k, v in headers).get("location", "")
    if status != 302 or not location.endswith("/register/code"):
        raise RuntimeError(f"sign-up {serial} answered {status} {location}")
    return took


def measure(signups: int = SIGNUPS, workers: int = WORKERS) -> dict:
    provider = SilentProvider()
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                "APP_ENV": "development",
                "SECRET_KEY": "hang-" + "k" * 59,
                "DATABASE_URL": f"sqlite:///{folder}/hang.sqlite3",
                "INSTANCE_PATH": folder,
                "SMS_BACKEND": "http",
                "SMS_HTTP_URL": f"http://127.0.0.1:{provider.port}/sms",
                "SMS_HTTP_TIMEOUT": "5",
                "PAYMENT_GATEWAY": "sandbox",
                "PROXY_HOPS": "1",
            }
            migrate(env)  # as an operator does before serving: starting changes no schema
            with (
                gunicorn("app:create_app()", env, workers=workers, ready="/healthz") as port,
                sms_sender(env),
            ):
                return _run(port, signups, provider)
    finally:
        provider.close()


def _run(port: int, signups: int, provider: SilentProvider) -> dict:
    pages = {"/healthz": Result(), "/": Result()}
    during = {"/healthz": Result(), "/": Result()}  # the part asked while sign-ups were under way
    signed = Result()
    problems = []
    done = threading.Event()
    lock = threading.Lock()

    def probe(path: str) -> None:
        stop_at = None
        while stop_at is None or time.monotonic() < stop_at:
            if stop_at is None and done.is_set():
                stop_at = time.monotonic() + PROBE_AFTER
            started = time.perf_counter()
            try:
                status, _headers, _body = fetch(port, "GET", path)
                ok = status == 200
            except OSError:
                ok = False
            with lock:
                for result in (pages[path], during[path]) if not done.is_set() else (pages[path],):
                    result.latencies.append(time.perf_counter() - started)
                    result.requests += 1
                    result.errors += 0 if ok else 1
            time.sleep(0.01)

    def person(serial: int) -> None:
        barrier.wait()
        try:
            took = sign_up(port, serial)
        except (OSError, RuntimeError, AttributeError) as problem:
            with lock:
                problems.append(str(problem))
                signed.errors += 1
            return
        with lock:
            signed.latencies.append(took)
            signed.requests += 1

    barrier = threading.Barrier(signups)
    probes = [threading.Thread(target=probe, args=(path,)) for path in pages]
    people = [threading.Thread(target=person, args=(n + 1,)) for n in range(signups)]
    started = time.monotonic()
    for thread in probes + people:
        thread.start()
    for thread in people:
        thread.join()
    signups_took = time.monotonic() - started
    done.set()
    for thread in probes:
        thread.join()
    return {
        "pages": pages,
        "during": during,
        "signups": signed,
        "signups_took": signups_took,
        "provider_connections": provider.accepted,
        "problems": problems,
    }


def report(figures: dict, signups: int = SIGNUPS, workers: int = WORKERS) -> bool:
    """Print the figures; True when every target was met."""
    print(
        f"{signups} sign-ups at once, SMS provider accepting and never answering "
        f"(SMS_HTTP_TIMEOUT=5), gunicorn {workers} sync workers on 127.0.0.1, SQLite, "
        f"send-sms beside it"
    )
    print(figures["signups"].line("sign-up (posting the form)"))
    for path, result in figures["pages"].items():
        print(result.line(f"{path} meanwhile"))
        print(figures["during"][path].line("  of which during sign-ups"))
    print(
        f"all {signups} sign-ups answered in {figures['signups_took']:.2f} s; "
        f"the sender opened {figures['provider_connections']} connections to the silent provider"
    )
    for problem in sorted(set(figures["problems"]))[:10]:
        print(f"  problem: {problem}")
    met = not figures["problems"] and figures["signups"].requests == signups
    for result in figures["pages"].values():
        met = met and not result.errors and result.percentile(95) < P95_LIMIT_MS
    print(f"p95 limit {P95_LIMIT_MS} ms: {'met' if met else 'MISSED'}")
    return met


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else SIGNUPS
    sys.exit(0 if report(measure(count), count) else 1)
