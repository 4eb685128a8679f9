"""`serve` with two gunicorn workers: /metrics shows every worker's requests summed,
whichever worker answers the scrape, and a dead worker's counts stay (multiprocess mode,
web/metrics.py)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEALTHZ_COUNT = re.compile(
    r'^tameen_http_requests_total\{endpoint="pages.healthz",method="GET",status="200"\} ([0-9.]+)$', re.M
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


def healthz_count(base: str) -> float:
    found = HEALTHZ_COUNT.search(get(base + "/metrics"))
    return float(found.group(1)) if found else 0.0


def test_metrics_sum_the_requests_of_both_workers(tmp_path):
    port, metrics_folder = free_port(), tmp_path / "metrics"
    metrics_folder.mkdir()
    (metrics_folder / "counter_99999999.db").write_bytes(b"")  # a previous run's: emptied
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "PROMETHEUS_"))},
        "APP_ENV": "testing",
        "SECRET_KEY": "metrics-" + "k" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
    }
    # As an operator does before the first start: serve refuses a database not migrated.
    subprocess.run(
        [sys.executable, "tameen_cli.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen(
        [sys.executable, "tameen_cli.py", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                get(base + "/readyz")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.1)
        assert not (metrics_folder / "counter_99999999.db").exists()

        with ThreadPoolExecutor(max_workers=8) as pool:  # at once: both workers take some
            list(pool.map(lambda _: get(base + "/healthz"), range(200)))

        workers = {int(name.stem.rsplit("_", 1)[1]) for name in metrics_folder.glob("counter_*.db")}
        assert len(workers) == 2, "the requests did not reach both workers"
        assert [healthz_count(base) for _ in range(6)] == [200.0] * 6  # whichever worker scrapes

        os.kill(min(workers), signal.SIGKILL)  # gunicorn starts another; the counts stay
        deadline = time.monotonic() + 30
        while len({p.stem for p in metrics_folder.glob("counter_*.db")}) < 3:
            get(base + "/healthz")
            assert time.monotonic() < deadline, "no new worker answered"
        assert healthz_count(base) >= 201.0
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
