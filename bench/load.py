"""A realistic mix of requests against the production server, next to a bare Flask hello.

Both are served the way the README documents for one VM (gunicorn, sync workers) on
127.0.0.1, driven for a fixed time by a bounded number of clients. Prints req/s and
p50/p95/p99 latency per run and per kind of request; exits non-zero on any error.

Run with `make bench` (or `.venv/bin/python bench/load.py [seconds] [clients]`).
"""
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.harness import create_account, drive, fetch, gunicorn, log_in, login_form  # noqa: E402
from bench.quote import QUOTES  # noqa: E402

WORKERS = 3  # as the README's production command line
ENCODINGS = {"Accept-Encoding": "gzip, br"}
HX = {**ENCODINGS, "HX-Request": "true"}
# Out of every 10 requests: what a crowd of visitors filling in the calculator asks for.
MIX = ["start", "calculator", "quote", "quote", "start", "quote", "calculator", "quote",
       "quote", "account"]


def production_env(folder: str) -> dict:
    # Production refuses to start without an SMS provider; none of these pages sends
    # an SMS, and the .invalid name can never resolve.
    return {"APP_ENV": "production", "SECRET_KEY": "load-" + "k" * 59,
            "DATABASE_URL": f"sqlite:///{folder}/load.sqlite3", "INSTANCE_PATH": folder,
            "SMS_BACKEND": "http", "SMS_HTTP_URL": "https://sms.invalid/send",
            # Likewise K-Net, the production gateway: no page in the mix pays.
            "KNET_TRANPORTAL_ID": "100000", "KNET_PASSWORD": "placeholder",
            "KNET_RESOURCE_KEY": "0123456789abcdef", "KNET_GATEWAY_URL": "https://knet.invalid/kpg"}


def tameen_requests(sessions: list[tuple[str, str]]):
    def request(index: int, n: int):
        kind = MIX[(index + n) % len(MIX)]
        lang = "ar" if n % 3 else "en"  # most visitors read Arabic
        if kind == "account" and not sessions:
            kind = "quote"
        if kind == "start":
            return "GET", f"/?lang={lang}", ENCODINGS, None, 200
        query = urllib.parse.urlencode({**QUOTES[n % len(QUOTES)], "lang": lang})
        if kind == "calculator":
            return "GET", f"/fees?{query}", ENCODINGS, None, 200
        if kind == "quote":
            return "GET", f"/quote?{query}", HX, None, 200
        cookie, page = sessions[index % len(sessions)]
        return "GET", page, {**ENCODINGS, "Cookie": cookie}, None, 200
    return request


def kind_of(path: str) -> str:
    return {"/": "start page", "/fees": "calculator", "/quote": "quote partial"}.get(
        urllib.parse.urlsplit(path).path, "logged-in page")


def log_in_clients(port: int, database_url: str, clients: int) -> list[tuple[str, str]]:
    """One session per client through the real log-in form, or none without accounts."""
    status, _, page = fetch(port, "GET", "/login")
    if status != 200 or login_form(page) is None:
        print("note: no log-in form at /login, so the mix has no logged-in page")
        return []
    civil_id, password = create_account(database_url)
    return [log_in(port, civil_id, password) for _ in range(clients)]


def main(seconds: float = 10, clients: int = 8) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = production_env(folder)
        with gunicorn("app:create_app()", env, workers=WORKERS) as port:
            sessions = log_in_clients(port, env["DATABASE_URL"], clients)
            requests = tameen_requests(sessions)
            drive(port, requests, 1, clients)  # warm up every worker
            tameen = drive(port, requests, seconds, clients, kind=kind_of)
    with gunicorn("bench.hello:create_app()", workers=WORKERS) as port:
        drive(port, lambda i, n: ("GET", "/", ENCODINGS, None, 200), 1, clients)
        hello = drive(port, lambda i, n: ("GET", "/", ENCODINGS, None, 200), seconds, clients)
    print(f"{seconds:.0f} s per run, {clients} clients, gunicorn {WORKERS} sync workers "
          f"on 127.0.0.1, APP_ENV=production")
    print(tameen.line("Tameen mix"))
    for name, part in sorted(tameen.kinds.items()):
        print(part.line(f"  {name}"))
    print(hello.line("bare Flask hello"))
    print(f"ratio: {tameen.per_second / hello.per_second:.0%} of hello's throughput")
    if tameen.errors or hello.errors:
        sys.exit("errors during the run")


if __name__ == "__main__":
    args = sys.argv[1:3]
    main(*([float(args[0])] if args else []), *([int(args[1])] if len(args) > 1 else []))
