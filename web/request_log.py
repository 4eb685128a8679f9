"""One structured log line per request, tied together by a request id.

The id comes from the reverse proxy's `X-Request-Id` when it is well formed (so the
proxy's log and ours match), otherwise it is made here; the response carries it back.
Personal numbers in the path or query are masked by `logging_setup`, like everywhere.
"""

import logging
import re
import time
import uuid

from flask import g, request

from logging_setup import MaskedFields, install_masking, mask, masked

logger = logging.getLogger("tameen.request")
HEADER = "X-Request-Id"
# Asked every few seconds by monitors: a line each would bury the people's requests. An
# answer that is not 200 is logged: it is news.
QUIET = {"pages.healthz", "pages.readyz", "metrics.metrics"}
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")
# An id as made here (uuid4().hex): no personal number can be found in 32 hex digits (every
# masking pattern needs a boundary, a separator or a letter that hex lacks), and masking it
# anyway took longer than the rest of the line (tests/unit/test_logging_setup.py holds it).
_HEX_ID = re.compile(r"[0-9a-f]{32}")


def request_id() -> str:
    return getattr(g, "request_id", "")


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex


# Versioned scripts and style sheets: fetched once a year, nobody quotes their id, and a
# first visit loads several over slow mobile data. Their log lines keep it.
UNMARKED = {"assets.static_file"}


def _finish(response):
    if request.endpoint not in UNMARKED:
        response.headers[HEADER] = request_id()
    g.response_status = response.status_code
    return response


def _log(_exception=None) -> None:
    """After the response is complete (errors included): one line per request."""
    started = g.pop("request_started", None)
    if started is None:
        return
    status = g.pop("response_status", None)
    if status == 200 and request.endpoint in QUIET:
        return
    write_line(
        request_id(),
        request.method,
        request.path,
        request.query_string.decode("utf-8", "replace"),
        status,
        started,
        request.remote_addr,
    )


def write_line(
    number: str, method: str, path: str, query: str, status: int | None, started: float, ip: str | None
) -> None:
    """The request's line; web/page_cache.py writes it for the pages it answers before Flask."""
    fields = MaskedFields(
        request_id=number if _HEX_ID.fullmatch(number) else mask(number),
        method=mask(method),
        path=mask(path),
        query=mask(query),
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        ip=masked(ip),
    )
    logger.info("request", extra={"fields": fields})


def init_app(app) -> None:
    """Call first in create_app: before_request functions run in the order registered (so
    the clock starts before CSRF checks can refuse a request), after_request functions in
    the reverse order (so the status logged is the one sent)."""
    install_masking()
    logger.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_log)
