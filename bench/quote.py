"""Throughput of the quote partial against a bare Flask "hello", served the same way.

Run by `make bench` (or alone: `.venv/bin/python bench/quote.py [seconds] [clients]`).
Prints requests per second for each and the ratio; the aim is 50% or more of hello's.
"""
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.harness import drive, gunicorn  # noqa: E402

QUOTES = [
    {"years": "1", "people-0-category": "worker"},
    {"years": "2", "people-0-category": "worker", "people-1-category": "domestic_worker"},
    {"years": "3", "people-0-category": "family_first_degree", "people-0-born": "291030104196",
     "people-1-category": "kuwaiti_wife", "people-2-category": "student"},
]
HX = {"HX-Request": "true", "Accept-Encoding": "gzip, br"}


def quote_request(index: int, n: int):
    query = urllib.parse.urlencode(QUOTES[(index + n) % len(QUOTES)])
    return "GET", f"/quote?{query}", HX, None


def hello_request(index: int, n: int):
    return "GET", "/", {"Accept-Encoding": "gzip, br"}, None


def main(seconds: float = 10, clients: int = 8) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {"APP_ENV": "testing", "SECRET_KEY": "b" * 64,
               "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SMS_BACKEND": "console",
               "INSTANCE_PATH": folder}
        with gunicorn("app:create_app()", env) as port:
            drive(port, quote_request, 1, clients)  # warm up every worker
            tameen = drive(port, quote_request, seconds, clients)
    with gunicorn("bench.hello:create_app()") as port:
        drive(port, hello_request, 1, clients)
        hello = drive(port, hello_request, seconds, clients)
    print(f"{seconds:.0f} s per run, {clients} clients, gunicorn sync workers on 127.0.0.1")
    print(tameen.line("quote partial (/quote, htmx)"))
    print(hello.line("bare Flask hello"))
    print(f"ratio: {tameen.per_second / hello.per_second:.0%} of hello's throughput")
    if tameen.errors or hello.errors:
        sys.exit("errors during the run")


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:3]]
    main(*(args[:1]), *([int(args[1])] if len(args) > 1 else []))
