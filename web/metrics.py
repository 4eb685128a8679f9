"""Prometheus metrics at /metrics, correct with several gunicorn workers.

Each request's duration is observed by endpoint in the worker that answered it. Under
`serve` every worker writes its figures to files in PROMETHEUS_MULTIPROC_DIR and a scrape
sums them (prometheus_client's multiprocess mode; gunicorn's `child_exit` hook removes a
dead worker's live gauges). The database's figures (payments by state, the SMS outbox,
reminders sent, each job's last success) are read when Prometheus scrapes, so every
worker and every server shows the same.

prometheus_client picks its mode from the environment when it is first imported, so it
is imported only in the workers (at their first request) or at a scrape, after `serve`
has set the folder (`share_between_workers`).

/metrics answers only a request from this machine that no proxy forwarded, or one
carrying `Authorization: Bearer METRICS_TOKEN`; anyone else gets 404.
"""

import hmac
import os
import time
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, request

bp = Blueprint("metrics", __name__)

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"
LOOPBACK = {"127.0.0.1", "::1"}
# Seconds: from a page kept in memory (a millisecond) to one waiting on the bank.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1, 2, 5, 10, 30, 60)
_instruments = None


def _request_instruments():
    """(duration histogram, request counter) of this process, made at first use."""
    global _instruments
    if _instruments is None:
        from prometheus_client import Counter, Histogram

        _instruments = (
            Histogram(
                "tameen_http_request_duration_seconds",
                "Time to answer a request, by endpoint.",
                ["endpoint", "method"],
                buckets=BUCKETS,
                registry=None,
            ),
            Counter(
                "tameen_http_requests",
                "Requests answered, by endpoint and status.",
                ["endpoint", "method", "status"],
                registry=None,
            ),
        )
    return _instruments


def observe(endpoint: str, method: str, status: int, seconds: float) -> None:
    """One request answered; web/page_cache.py calls it for the pages it answers before Flask."""
    duration, requests = _request_instruments()
    duration.labels(endpoint, method).observe(seconds)
    requests.labels(endpoint, method, str(status)).inc()


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _note_status(response):
    g.metrics_status = response.status_code
    return response


def _finish(_exception=None) -> None:
    started = g.pop("metrics_started", None)
    if started is not None:
        observe(
            request.endpoint or "unmatched",
            request.method,
            g.pop("metrics_status", 500),
            time.perf_counter() - started,
        )


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    # Behind nginx every request comes from 127.0.0.1: only one no proxy forwarded is local.
    return request.remote_addr in LOOPBACK and "X-Forwarded-For" not in request.headers


@bp.get("/metrics")
def metrics():
    if not _allowed():
        abort(404)
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    from web.metrics_from_database import DatabaseCollector

    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for instrument in _request_instruments():
            registry.register(instrument)
    registry.register(DatabaseCollector())
    headers = {"Cache-Control": "no-store"}
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST, headers=headers)


def share_between_workers(instance_path: str) -> Path:
    """Before gunicorn forks: the workers' figures go to files in PROMETHEUS_MULTIPROC_DIR
    (instance/metrics when unset), emptied of the last run's files now: its workers are gone."""
    folder = Path(os.environ.get(MULTIPROCESS_DIRECTORY) or Path(instance_path) / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db"):
        old.unlink()
    os.environ[MULTIPROCESS_DIRECTORY] = str(folder)
    return folder


def child_exit(_server, worker) -> None:
    """gunicorn's hook, in the master, when a worker has exited: its live gauges go."""
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def init_app(app) -> None:
    """Call right after web/request_log.py: before any hook that may refuse a request."""
    app.before_request(_start)
    app.after_request(_note_status)
    app.teardown_request(_finish)
    app.register_blueprint(bp)
