"""`serve` with `postgresql+pool://`, as operating.md recommends for many workers: the app
is loaded once in gunicorn's master (preload) and four workers forked from it. Were a
connection the master opened (the schema check) inherited, the workers would share one
socket, and their answers would mix up or hang until gunicorn killed them.

Only on PostgreSQL (`make test-postgres`, CI)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import ON_POSTGRES, database_url_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="the pool is PostgreSQL's: set TEST_DATABASE_URL"),
]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`tameen.pyz serve` from the source tree: 4 sync workers on a pooled, migrated database."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "APP_", "SMS_", "GUNICORN_"))
    }
    env.update(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "pool-" + "k" * 40,
            "DATABASE_URL": database_url_for(tmp_path).replace("postgresql://", "postgresql+pool://", 1),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SMS_BACKEND": "outbox",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "4",
        }
    )
    tameen = [sys.executable, "-c", "import tameen_cli; tameen_cli.main()"]
    migrated = subprocess.run([*tameen, "migrate"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    log_path = tmp_path / "serve.log"
    with open(log_path, "w+") as log:
        process = subprocess.Popen(
            [*tameen, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        break
                except OSError:
                    assert time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}", log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker hung: what this test is for
                process.kill()
                process.wait(timeout=10)


def healthz(base: str) -> int:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as answer:
            return answer.status
    except OSError as problem:
        return getattr(problem, "code", None) or type(problem).__name__


def test_four_preloaded_workers_on_the_pool_answer_400_health_checks(server):
    base, log_path = server
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(healthz, [base] * 400))
    assert answers == [200] * 400, {answer: answers.count(answer) for answer in set(answers)}
    log = log_path.read_text()
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, log[-3000:]
    assert "with 4 sync workers" in log
