"""What the operator's monitoring reads: /metrics (this machine only, or with
METRICS_TOKEN), /readyz (the database and its schema), /healthz (cheap and not logged), and
the jobs' outcomes (a failed run exits non-zero and is recorded; /metrics shows the last
success)."""

import logging
import re
from collections import Counter
from pathlib import Path

import pytest

import models
from services import payments, reminders
from tests.helpers import make_app

TOKEN = "t" * 40
OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def metric(text: str, name: str, **labels) -> float | None:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    found = re.search(
        rf"^{re.escape(name)}{re.escape('{' + wanted + '}' if wanted else '')} (\S+)$", text, re.M
    )
    return float(found.group(1)) if found else None


def test_metrics_answer_this_machine(client):
    client.get("/fees?lang=en")
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain")
    text = answer.get_data(as_text=True)
    assert metric(text, "tameen_http_requests_total", endpoint="fees.calculator", method="GET", status="200")
    assert "tameen_http_request_duration_seconds_bucket" in text
    assert metric(text, "tameen_database_up") == 1
    assert metric(text, "tameen_payments", state="mismatch") == 0
    assert metric(text, "tameen_sms_outbox_messages", state="failed") == 0
    assert metric(text, "tameen_schema_migrations_pending") == 0


def test_metrics_are_refused_from_elsewhere_without_the_token(tmp_path):
    client = make_app(tmp_path, METRICS_TOKEN=TOKEN).test_client()
    assert client.get("/metrics", environ_overrides=OUTSIDE).status_code == 404
    wrong = {"Authorization": "Bearer " + "x" * 40}
    assert client.get("/metrics", environ_overrides=OUTSIDE, headers=wrong).status_code == 404
    right = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", environ_overrides=OUTSIDE, headers=right).status_code == 200


def test_metrics_through_a_proxy_on_this_machine_are_refused(client):
    """nginx on the same machine forwards from 127.0.0.1: that is not local."""
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    assert client.get("/metrics", headers=forwarded).status_code == 404


def test_a_short_metrics_token_stops_the_start(tmp_path):
    from settings import ConfigError

    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        make_app(tmp_path, METRICS_TOKEN="short")


def test_readyz_is_ready_with_the_schema_current(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200 and answer.json == {"status": "ready", "database": "ok", "schema": "ok"}


def test_readyz_is_not_ready_with_a_migration_pending(client):
    with models.db.connection_context():
        models.db.execute_sql("DELETE FROM schema_migration WHERE name = '0013_payment_told_at'")
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json["schema"] == "1 migrations pending" and answer.json["database"] == "ok"
    assert metric(client.get("/metrics").get_data(as_text=True), "tameen_schema_migrations_pending") == 1
    assert client.get("/healthz").status_code == 200  # alive all the same: do not restart it


def test_readyz_is_not_ready_without_the_database(client, monkeypatch):
    monkeypatch.setattr("services.monitoring.database_is_up", lambda: False)
    assert client.get("/readyz").status_code == 503


def test_probes_are_not_logged_but_pages_are(client, caplog):
    caplog.set_level(logging.INFO)
    for path in ("/healthz", "/readyz", "/metrics", "/fees"):
        client.get(path)
    paths = [record.fields["path"] for record in caplog.records if record.name == "tameen.request"]
    assert paths == ["/fees"]


# --- the jobs ----------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def last_success(app, job: str) -> float | None:
    text = app.test_client().get("/metrics").get_data(as_text=True)
    return metric(text, "tameen_job_last_success_timestamp_seconds", job=job)


def recorded(job: str) -> models.JobRun:
    with models.db.connection_context():
        return models.JobRun.get(models.JobRun.name == job)


def test_reconcile_exits_1_on_a_mismatch_or_a_failed_inquiry(app, monkeypatch):
    assert run(app, "reconcile-payments").exit_code == 0
    assert last_success(app, "reconcile-payments") is not None
    for found in ({models.Payment.MISMATCH: 1}, {payments.INQUIRY_FAILED: 1, models.Payment.AWAITING: 1}):
        monkeypatch.setattr(payments, "reconcile", lambda found=found: Counter(found))
        result = run(app, "reconcile-payments")
        assert result.exit_code == 1, result.output
    assert recorded("reconcile-payments").last_failure_at is not None


def test_send_reminders_exits_non_zero_on_failure(app, monkeypatch):
    assert run(app, "send-reminders", "--dry-run").exit_code == 0
    with models.db.connection_context():
        assert not models.JobRun.select().exists()  # a dry run is no run
    assert run(app, "send-reminders").exit_code == 0
    assert last_success(app, "send-reminders") is not None

    def broken(*_args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reminders, "send_reminders", broken)
    assert run(app, "send-reminders").exit_code != 0
    assert recorded("send-reminders").last_failure_at is not None


def test_prune_security_records_exits_non_zero_on_failure(app, monkeypatch):
    assert run(app, "prune-security-records").exit_code == 0
    assert last_success(app, "prune-security-records") is not None

    def broken(_at):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(models, "prune_security_records", broken)
    assert run(app, "prune-security-records").exit_code != 0
    assert recorded("prune-security-records").last_failure_at is not None


def test_backup_exits_non_zero_on_failure(app, tmp_path):
    if "sqlite" not in app.config["DATABASE_URL"]:
        assert run(app, "backup").exit_code == 1  # PostgreSQL: pg_dump's advice, a failure
        return
    assert run(app, "backup", "--to", str(tmp_path / "backups")).exit_code == 0
    assert last_success(app, "backup") is not None
    not_a_folder = Path(tmp_path / "a-file")
    not_a_folder.write_text("")
    result = run(app, "backup", "--to", str(not_a_folder / "below"))
    assert result.exit_code == 1, result.output
    assert recorded("backup").last_failure_at is not None
