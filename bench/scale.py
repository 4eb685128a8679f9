"""National volume (issue 24): the same pages and jobs with millions of paid requests.

Seeds N paid requests (bench/scale_seed.py; default 1,000,000, `--requests 3000000`) into
a new database: SQLite in a temporary folder, or the PostgreSQL database named by
DATABASE_URL (it must be empty). Then times `migrate` on the seeded database, from the
schema before migration 0016 (its indexes dropped, and 0018's summary rows, so both are
made again over N rows), and serves Tameen under gunicorn as the README documents for
one VM. One client at a time on loopback, so a page's time is the server's time plus a
loopback round trip; each page is asked with many inputs (holders, references, civil
IDs, days), never one URL over and over:

* pages, p50 and p95: the start page, My requests of an account with 50 requests, a
  request page, a receipt, the public receipt check, the desk home, the desk search by
  each key, a payment at the desk, the audit log's first page and its 1,000th (reached
  through its paging links), a CSV export of one day and of one month;
* commands, wall time and peak memory (the child's maxrss): send-reminders (dry run, and
  real: its SMS written to the outbox, which send-sms delivers apart), reconcile-payments,
  prune-security-records, backup (SQLite);
* backup while the site serves: page p95 during the copy (SQLite).

Prints a table. Figures, not a timed test: nothing fails on a slow answer.
Run by `make bench-scale` (or `.venv/bin/python bench/scale.py --requests 20000`).
"""

import argparse
import http.client
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, date, timedelta
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import clock  # noqa: E402
from bench import harness, scale_seed  # noqa: E402
from bench.harness import PUBLIC_HOST, ROOT, Result, gunicorn, migrate, production_env  # noqa: E402
from domain import totp  # noqa: E402

# Indexes a database had before migration 0016 (issue 24's indexes): any other index on
# these tables is dropped before `migrate` is timed, and made again by it.
GROWING = (
    "auditevent",
    "insurancerequest",
    "insuredperson",
    "payment",
    "receipt",
    "refund",
    "reminder",
    "renewal",
)
BEFORE_0016 = {
    "auditevent_action",
    "auditevent_at",
    "auditevent_request_id",
    "insurancerequest_cover_end",
    "insurancerequest_owner_id",
    "insurancerequest_reference",
    "insurancerequest_state",
    "insuredperson_request_id",
    "payment_open_for",
    "payment_request_id",
    "payment_state",
    "payment_state_closed_at",
    "payment_state_created_at",
    "payment_track_id",
    "receipt_payment_id",
    "receipt_request_id",
    "receipt_verify_code",
    "refund_decided_by_id",
    "refund_done_for",
    "refund_open_for",
    "refund_payment_id",
    "refund_request_id",
    "refund_state",
    "reminder_request_id",
    "reminder_request_id_lead_days",
    "reminder_sent_at",
    "reminder_token",
    "renewal_previous_id",
    "renewal_request_id",
}
HEADERS = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=60, help="answers timed per page")
    parser.add_argument("--keep", help="seed into this folder and keep it (SQLite)")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="tameen-scale-")
    Path(folder).mkdir(parents=True, exist_ok=True)
    env = production_env(folder)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    sqlite = env["DATABASE_URL"].startswith("sqlite")
    lines = [
        f"Tameen at scale: {args.requests:,} paid requests on {'SQLite' if sqlite else 'PostgreSQL'}",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{clock.now():%Y-%m-%d}",
    ]
    print(lines[0], flush=True)
    migrate(env)
    started = time.monotonic()
    samples = scale_seed.seed(env["DATABASE_URL"], args.requests, env["TOTP_ENCRYPTION_KEY"])
    seeded = time.monotonic() - started
    counts = ", ".join(f"{table} {n:,}" for table, n in samples.counts.items())
    lines.append(f"seeded in {seeded:.0f} s: {counts}")
    if sqlite:
        size = Path(env["DATABASE_URL"].removeprefix("sqlite:///")).stat().st_size
        lines.append(f"database file: {size / 2**20:,.0f} MiB")
    print("\n".join(lines[1:]), flush=True)
    rows = [("migrate from before 0016 (indexes, summary rows)", *time_migrations(env))]
    print(rows[0], flush=True)
    with gunicorn("app:create_app()", env=env, ready="/healthz") as port:
        rows += measure_pages(port, samples, args.samples)
        rows += measure_commands(env, folder, sqlite)
        if sqlite:
            rows += backup_while_serving(port, env, folder, samples)
    print()
    print("\n".join(lines))
    print(table(rows))


# --- migrations ------------------------------------------------------------------------


def time_migrations(env: dict) -> tuple[str, str]:
    """Back to the schema before 0016 (its indexes and 0018's table dropped, their records
    gone), then `migrate` timed. Migrations 0016-0019 that change more than indexes would
    need undoing too: were they to fail, the row says so and the schema is brought up to date."""
    import models

    database = models.open_database(env["DATABASE_URL"])
    with models.db.connection_context():
        undone = [
            name for (name,) in database.execute_sql("SELECT name FROM schema_migration WHERE name >= '0016'")
        ]
        if "0018_daily_summary" not in undone:
            return ("not run", "")
        for table in GROWING:
            for index in database.get_indexes(table):
                if index.name not in BEFORE_0016 and not index.unique:
                    database.execute_sql(f'DROP INDEX "{index.name}"')
        database.execute_sql('DROP TABLE "dailysummary"')
        for name in undone:
            if name.startswith(("0016", "0018")):
                database.execute_sql(f"DELETE FROM schema_migration WHERE name = '{name}'")
    database.close()
    started = time.monotonic()
    try:
        migrate(env)
    except subprocess.CalledProcessError:
        migrate(env)
        return ("failed", "undo by hand and time `migrate`")
    return (f"{time.monotonic() - started:.1f} s", "")


# --- pages -----------------------------------------------------------------------------


def timed_get(port: int, path: str, cookie: str = "") -> tuple[float, int, str]:
    headers = {**HEADERS, **({"Cookie": cookie} if cookie else {})}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return time.perf_counter() - started, response.status, body.decode(errors="replace")


def series(port: int, name: str, paths, count: int) -> tuple[str, str, str]:
    """`count` GETs of (path, cookie) from `paths` (cycled): p50 and p95, and any non-200."""
    result = Result()
    bad = []
    for n in range(count):
        path, cookie = paths[n % len(paths)]
        seconds, status, _ = timed_get(port, path, cookie)
        result.latencies.append(seconds)
        if status != 200:
            bad.append(f"{status} {path}")
    note = f"  ({len(bad)} not 200, e.g. {bad[0]})" if bad else ""
    return (name, f"{result.percentile(50):.1f} ms", f"{result.percentile(95):.1f} ms{note}")


def log_in_holder(port: int, civil_id: str) -> str:
    """Through the real log-in form, as harness.log_in, with the public Host production asks for."""
    status, headers, page = harness.fetch(port, "GET", "/login?lang=en", headers=HEADERS)
    form = harness.login_form(page)
    if status != 200 or form is None:
        raise RuntimeError(f"no log-in form (status {status})")
    cookies = harness._cookies(headers)
    fields = {**form["fields"], form["username"]: civil_id, form["password"]: scale_seed.PASSWORD}
    status, headers, _ = harness.fetch(
        port,
        "POST",
        form["action"] or "/login",
        urllib.parse.urlencode(fields),
        {
            **HEADERS,
            "Cookie": harness._cookie_header(cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{PUBLIC_HOST}/",  # Flask-WTF's same-site check over HTTPS
        },
    )
    if status not in (302, 303):
        raise RuntimeError(f"logging in answered {status}")
    return harness._cookie_header(cookies | harness._cookies(headers))


def log_in_staff(port: int, samples) -> str:
    status, headers, page = harness.fetch(port, "GET", "/desk/login?lang=en", headers=HEADERS)
    cookies = harness._cookies(headers)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    code = totp.code_at(samples.totp_secret, clock.now().replace(tzinfo=UTC).timestamp())
    body = urllib.parse.urlencode(
        {
            "csrf_token": token,
            "login": samples.staff_login,
            "password": samples.staff_password,
            "code": code,
        }
    )
    status, headers, _ = harness.fetch(
        port,
        "POST",
        "/desk/login",
        body,
        {
            **HEADERS,
            "Cookie": harness._cookie_header(cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{PUBLIC_HOST}/",  # Flask-WTF's same-site check over HTTPS
        },
    )
    if status not in (302, 303):
        raise RuntimeError(f"desk log-in answered {status}")
    return harness._cookie_header(cookies | harness._cookies(headers))


def measure_pages(port: int, samples, count: int) -> list[tuple]:
    rng = random.Random(7)
    heavy = [(c, log_in_holder(port, c)) for c in samples.heavy_holders[:3]]
    holders = [(c, log_in_holder(port, c)) for c in samples.holders[:8]]
    owned = [(ref, cookie) for civil_id, cookie in heavy + holders for ref in samples.references[civil_id]]
    rng.shuffle(owned)
    desk = log_in_staff(port, samples)
    searches = {
        "reference": samples.any_references,
        "holder's civil ID": samples.holders + samples.heavy_holders,
        "sponsor's civil ID": samples.sponsors,
        "covered civil ID": samples.covered,
        "track ID": samples.track_ids,
    }
    busiest = date.fromisoformat(samples.busiest_day)
    days = [busiest - timedelta(days=n) for n in range(0, 60, 3)]
    rows = [
        series(port, "start page", [("/?lang=ar", ""), ("/?lang=en", "")], count),
        series(port, "My requests (50 requests)", [("/requests", cookie) for _c, cookie in heavy], count),
        series(port, "request page", [(f"/requests/{ref}", cookie) for ref, cookie in owned], count),
        series(port, "receipt", [(f"/requests/{ref}/receipt", cookie) for ref, cookie in owned], count),
        series(port, "public receipt check", [(f"/verify/{c}", "") for c in samples.verify_codes], count),
        series(port, "desk home", [("/desk/", desk)], count),
    ]
    for key, values in searches.items():
        paths = [(f"/desk/payments?q={urllib.parse.quote(v)}", desk) for v in values]
        rows.append(series(port, f"desk search by {key}", paths, count))
    at_desk = [(f"/desk/requests/{r}", desk) for r in samples.any_references]
    rows.append(series(port, "a payment at the desk", at_desk, count))
    rows.append(series(port, "audit log, first page", [("/desk/audit", desk)], count))
    rows.append(audit_page(port, desk, 1000, count))
    day_paths = [(export_path(d, d), desk) for d in days]
    month_paths = [(export_path(d - timedelta(days=29), d), desk) for d in days[:4]]
    rows.append(series(port, "CSV export, one day", day_paths, count))
    rows.append(series(port, "CSV export, one month", month_paths, max(4, count // 10)))
    return rows


def export_path(first: date, last: date) -> str:
    query = urllib.parse.urlencode(
        {"kind": "payments", "date_from": first.isoformat(), "date_to": last.isoformat()}
    )
    return f"/desk/export?{query}"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self._href = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append([self._href, dict(attrs).get("rel") or "", ""])

    def handle_data(self, data):
        if self._href is not None and self.links:
            self.links[-1][2] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def older_link(page: str) -> str | None:
    """The audit log's link to the next (older) page: rel="next", or the one saying Older."""
    reader = _Links()
    reader.feed(page)
    for href, rel, text in reader.links:
        if not (href or "").startswith("/desk/audit?"):
            continue
        if "next" in rel or "Older" in text:
            return href.replace("&amp;", "&")
    return None


def audit_page(port: int, desk: str, number: int, count: int) -> tuple[str, str, str]:
    """Follow the paging links from the first page to the `number`-th, then time that page."""
    path = "/desk/audit?lang=en"
    for reached in range(1, number):
        _seconds, _status, page = timed_get(port, path, desk)
        path = older_link(page)
        if path is None:
            return (f"audit log, page {number:,}", "n/a", f"only {reached} pages")
    return series(port, f"audit log, page {number:,}", [(path, desk)], count)


# --- commands --------------------------------------------------------------------------


def run_command(env: dict, *command: str) -> tuple[float, float, str]:
    """Wall time (s) and the command's peak resident memory (MiB, its rusage maxrss as GNU
    time reads it: a child of this big process would start with our maxrss); its last line."""
    started = time.monotonic()
    process = subprocess.run(
        ["/usr/bin/time", "-f", "maxrss-kib=%M", sys.executable, "-c", "import tameen_cli; tameen_cli.main()"]
        + list(command),
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    peak = re.findall(r"maxrss-kib=(\d+)", process.stderr)
    lines = (process.stdout + re.sub(r"maxrss-kib=\d+", "", process.stderr)).strip().splitlines()
    last = (lines or [""])[-1][:60]
    if process.returncode:
        last = f"exit {process.returncode}: {last}"
    return seconds, int(peak[-1]) / 1024 if peak else float("nan"), last


def measure_commands(env: dict, folder: str, sqlite: bool) -> list[tuple]:
    rows = []

    def command(name, *args, extra=None):
        seconds, mib, last = run_command({**env, **(extra or {})}, *args)
        rows.append((name, f"{seconds:.1f} s", f"{mib:.0f} MiB  {last}"))
        print(rows[-1], flush=True)

    command("send-reminders --dry-run", "send-reminders", "--dry-run")
    # Real: each reminder claimed, its SMS written to the outbox and marked sent; the
    # sender (send-sms) delivers the outbox apart, so no provider is reached from here.
    command("send-reminders (real, to the SMS outbox)", "send-reminders")
    command("reconcile-payments", "reconcile-payments")
    command("prune-security-records", "prune-security-records")
    if sqlite:
        command("backup", "backup", "--to", str(Path(folder) / "backups"))
    return rows


def backup_while_serving(port: int, env: dict, folder: str, samples) -> list[tuple]:
    """Pages asked one after another while `backup` copies the database: their p95."""
    paths = [("/?lang=en", "")] + [(f"/verify/{code}", "") for code in samples.verify_codes]
    result = Result()
    done = threading.Event()
    figures = {}

    def backup():
        figures["backup"] = run_command(env, "backup", "--to", str(Path(folder) / "backups-serving"))
        done.set()

    thread = threading.Thread(target=backup)
    thread.start()
    n = 0
    while not done.is_set():
        path, cookie = paths[n % len(paths)]
        n += 1
        seconds, _status, _ = timed_get(port, path, cookie)
        result.latencies.append(seconds)
    thread.join()
    seconds, mib, _last = figures["backup"]
    return [
        (
            "pages during backup",
            f"{result.percentile(50):.1f} ms",
            f"{result.percentile(95):.1f} ms  ({len(result.latencies)} pages in {seconds:.1f} s of backup)",
        )
    ]


def table(rows: list[tuple]) -> str:
    width = max(len(row[0]) for row in rows)
    header = f"| {'what':<{width}} | p50 / time | p95 / peak memory |"
    rule = f"|{'-' * (width + 2)}|------------|-------------------|"
    return "\n".join([header, rule] + [f"| {a:<{width}} | {b:>10} | {c} |" for a, b, c in rows])


if __name__ == "__main__":
    main()
