"""Throughput of Tameen's public pages as a share of a bare Flask "hello", measured by wrk.

wrk is a C client: it leaves the CPU to the servers, where a Python client would compete
with them. Both apps run the same way in the same run (gunicorn, 2 sync workers, on
127.0.0.1), one after the other, for a fixed time each.

Two kinds of figure: one address asked again and again (what a cache is best at), and a
varied mix where every request is a different calculator answer (bench/mix.lua: 1 to 4
people of any category over 1 to 5 years, three live quotes to one full page, as the
calculator sends them), with and without a cookie. The mix is the honest one: each of its
requests is a page built, compressed and kept for the first time.

Run by `make bench` (or alone: `.venv/bin/python bench/throughput.py [seconds]`).
Exits non-zero when a share is below its target, or on any error.
"""

import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.harness import PUBLIC_HOST, gunicorn, migrate, production_env  # noqa: E402

WORKERS = 2
CONNECTIONS = 16
THREADS = 2
QUOTE = {"years": "2", "people-0-category": "worker", "people-1-category": "domestic_worker"}
ENCODINGS = ["Accept-Encoding: gzip, br"]
# (name, path, headers, the least share of hello's req/s)
TARGETS = [
    (
        "quote partial (htmx)",
        f"/quote?{urllib.parse.urlencode(QUOTE)}",
        [*ENCODINGS, "HX-Request: true"],
        0.60,
    ),
    ("start page", "/", ENCODINGS, 0.40),
    ("/fees", "/fees", ENCODINGS, 0.40),
    # The same pages for a visitor whose browser sends a cookie (the language chosen, a
    # session) reach Flask, and the page cache there.
    (
        "quote, with a cookie",
        f"/quote?{urllib.parse.urlencode(QUOTE)}",
        [*ENCODINGS, "HX-Request: true", "Cookie: lang=ar"],
        None,
    ),
    ("start page, with a cookie", "/", [*ENCODINGS, "Cookie: lang=ar"], 0.60),
]
# Real traffic: every request a different calculator answer (bench/mix.lua), never one
# address again and again. (name, headers, the least share of hello's req/s)
MIX = [
    ("varied mix", ENCODINGS, 0.50),
    ("varied mix, with a cookie", [*ENCODINGS, "Cookie: lang=ar"], 0.50),
]
MIX_SCRIPT = Path(__file__).with_name("mix.lua")
SCHEDULE = Path(__file__).resolve().parents[1] / "fee_schedules" / "seed.toml"


def mix_script(folder: str) -> str:
    """bench/mix.lua with the active schedule's categories filled in."""
    codes = [category["code"] for category in tomllib.loads(SCHEDULE.read_text())["category"]]
    script = Path(folder, "mix.lua")
    categories = ", ".join(f'"{code}"' for code in codes)
    script.write_text(
        MIX_SCRIPT.read_text().replace("CATEGORIES", categories).replace("THREADS", str(THREADS))
    )
    return str(script)


def wrk(
    port: int, path: str, headers: list[str], seconds: int, script: str | None = None
) -> tuple[float, int]:
    """Requests per second, and the count of errors and non-2xx/3xx answers."""
    command = ["wrk", "--latency", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s"]
    if script:
        command += ["-s", script]
    for header in headers:
        command += ["-H", header]
    run = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], check=True, capture_output=True, text=True
    )
    if run.stderr.strip():  # a script that fails leaves wrk asking for `path` alone
        sys.exit(f"wrk: {run.stderr.strip()}")
    output = run.stdout
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += (
        sum(
            int(n)
            for n in re.findall(
                r"Socket errors: connect (\d+), read (\d+), "
                r"write (\d+), timeout (\d+)",
                output,
            )[0]
        )
        if "Socket errors" in output
        else 0
    )
    return per_second, errors


def main(seconds: int = 10) -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    with gunicorn("bench.hello:create_app()", workers=WORKERS) as port:
        wrk(port, "/", ENCODINGS, 1)  # warm up every worker
        hello, hello_errors = wrk(port, "/", ENCODINGS, seconds)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        migrate(production_env(folder))
        with gunicorn("app:create_app()", production_env(folder), workers=WORKERS, ready="/healthz") as port:
            for name, path, headers, target in TARGETS:
                headers = [*headers, f"Host: {PUBLIC_HOST}"]
                wrk(port, path, headers, 1)
                results.append((name, *wrk(port, path, headers, seconds), target))
            script = mix_script(folder)
            for name, headers, target in MIX:
                headers = [*headers, f"Host: {PUBLIC_HOST}"]
                results.append((name, *wrk(port, "/", headers, seconds, script), target))
    print(
        f"wrk, {seconds} s a page, {CONNECTIONS} connections; gunicorn {WORKERS} sync workers "
        f"on 127.0.0.1, APP_ENV=production, SQLite"
    )
    print(f"{'what':<26} {'req/s':>9} {'share of hello':>15} {'target':>7}")
    print(f"{'hello':<26} {hello:9,.0f} {'100%':>15}")
    failed = hello_errors > 0
    for name, per_second, errors, target in results:
        share = per_second / hello
        mark = (
            f"  {errors} ERRORS"
            if errors
            else "  BELOW TARGET"
            if target is not None and share < target
            else ""
        )
        shown = "-" if target is None else f"{target:.0%}"
        print(f"{name:<26} {per_second:9,.0f} {share:>15.0%} {shown:>7}{mark}")
        failed = failed or bool(mark)
    if failed:
        sys.exit("a page missed its target, or answered with errors")


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]])
