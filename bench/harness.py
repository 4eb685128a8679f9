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
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, env: dict | None = None, workers: int | None = None, chdir: Path = ROOT):
    port = free_port()
    workers = workers or os.cpu_count() or 1
    command = [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", app_spec]
    process = subprocess.Popen(command, cwd=chdir, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"gunicorn did not start {app_spec}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] * 1000

    def line(self, name: str) -> str:
        return (f"{name:<28} {self.per_second:8.1f} req/s  p50 {self.percentile(50):6.1f} ms  "
                f"p95 {self.percentile(95):6.1f} ms  p99 {self.percentile(99):6.1f} ms  "
                f"errors {self.errors}  ({self.requests} requests)")


def drive(port: int, requests, seconds: float, clients: int) -> Result:
    """`requests` is a function(client_index, n) -> (method, path, headers, body)."""
    result = Result()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        n = 0
        local = Result()
        while time.monotonic() < deadline:
            method, path, headers, body = requests(index, n)
            n += 1
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
                response.read()
                connection.close()
                ok = response.status < 400
            except OSError:
                ok = False
            local.latencies.append(time.perf_counter() - started)
            local.requests += 1
            local.errors += 0 if ok else 1
        with lock:
            result.requests += local.requests
            result.errors += local.errors
            result.latencies.extend(local.latencies)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result
