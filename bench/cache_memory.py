"""The page cache's memory under 10,000 unique queries, in one worker.

Every request is a calculator answer never asked before (as a crawler, or an attacker,
would send them), one in ten of them the heavy kind the security review used: /fees with
100 `people-N-born=` fields, about 200 KB of HTML. Each is asked with
`Accept-Encoding: gzip, br`, so the cache keeps a compressed body beside the plain one.
The app runs in this process as one gunicorn worker would (APP_ENV=production), and its
resident memory is read from /proc after every 1,000 queries.

Run: `.venv/bin/python bench/cache_memory.py [queries]`. Exits non-zero when the cache's
bytes pass PAGE_CACHE_MB, or what it really holds is more than it counts.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.harness import PUBLIC_HOST, production_env  # noqa: E402

CATEGORIES = ["worker", "commercial", "student", "domestic_worker", "self_sponsored", "stateless"]
MB = 1024 * 1024


def resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def query(n: int) -> str:
    if n % 10 == 9:  # the heavy page
        born = "&".join(f"people-{i}-born=1990-01-{1 + (n + i) % 28:02}" for i in range(100))
        return f"/fees?years={n}&{born}"
    people = "&".join(
        f"people-{i}-category={CATEGORIES[(n >> i) % len(CATEGORIES)]}" for i in range(1 + n % 4)
    )
    return f"/quote?years={n}&{people}"


def held_bytes(pages) -> int:
    """What the kept pages really hold: their bodies, keys and headers."""
    total = 0
    for key, (page, _) in list(pages.table._entries.items()):  # noqa: SLF001
        total += len(page.body) + sum(map(len, page.encoded.values()))
        total += sum(sys.getsizeof(part) for part in key) + sys.getsizeof(page) + sys.getsizeof(page.encoded)
        total += sum(sys.getsizeof(name) + sys.getsizeof(value) for name, value in page.shared_headers or ())
    return total


def main(queries: int = 10_000) -> None:
    os.environ.update(production_env(tempfile.mkdtemp()))
    from werkzeug.test import Client

    from app import create_app

    app = create_app({"MIGRATE_ON_START": True})
    pages = app.extensions["page_cache"]
    bound = app.config["PAGE_CACHE_BYTES"]
    client = Client(app)
    headers = {"Accept-Encoding": "gzip, br", "Host": PUBLIC_HOST}
    client.get("/", headers=headers, base_url=f"https://{PUBLIC_HOST}")
    start = resident_mb()
    print(
        f"one worker, PAGE_CACHE_MB={bound // MB}; {queries:,} unique queries, 1 in 10 a ~200 KB /fees page"
    )
    print(f"{'queries':>8} {'kept':>6} {'counted MB':>11} {'held MB':>8} {'worker RSS MB':>14}")
    print(f"{0:>8} {0:>6} {0:>11.1f} {0:>8.1f} {start:>14.1f}")
    started = time.perf_counter()
    failed = False
    for n in range(queries):
        answer = client.get(
            query(n),
            headers={**headers, "HX-Request": "true"} if n % 10 != 9 else headers,
            base_url=f"https://{PUBLIC_HOST}",
        )
        assert answer.status_code == 200, (query(n)[:80], answer.status_code)
        if (n + 1) % 1000 == 0:
            held = held_bytes(pages)
            failed = failed or pages.table.bytes > bound or held > pages.table.bytes
            print(
                f"{n + 1:>8,} {len(pages.table):>6} {pages.table.bytes / MB:>11.1f} {held / MB:>8.1f} "
                f"{resident_mb():>14.1f}"
            )
    print(f"{queries / (time.perf_counter() - started):.0f} queries/s in this process")
    if failed:
        sys.exit("the cache held more than its bound, or more than it counted")


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]])
