"""A hanging SMS provider leaves the site up (issue 25): bench/sms_hang.py against a real
gunicorn (2 sync workers) and the `send-sms` sender, with an SMS endpoint on 127.0.0.1
that accepts connections and never answers. 50 sign-ups at once all answer without
waiting on it, and /healthz and the start page stay at p95 < 200 ms."""

from bench import sms_hang

SMS_HTTP_TIMEOUT = 5


def test_fifty_sign_ups_with_a_provider_that_never_answers():
    figures = sms_hang.measure(50)
    assert sms_hang.report(figures, 50), figures["problems"]
    signups = figures["signups"]
    assert signups.requests == 50 and signups.errors == 0
    # Not one sign-up waited for the provider: each answered before a single try could time out.
    assert max(signups.latencies) < SMS_HTTP_TIMEOUT
    assert figures["provider_connections"] >= 1  # the sender did try it, beside the server
    for result in figures["pages"].values():
        assert result.errors == 0 and result.percentile(95) < sms_hang.P95_LIMIT_MS
