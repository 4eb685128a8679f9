"""Only `migrate` changes the schema. With a migration pending (a database as the last
release left it), `serve` refuses to start and says what to run, `backup` copies the
database as it is, and the other commands refuse without touching it; `migrate` applies
it. `--version` prints the release and the schema it expects."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import migrations
import models
import tameen_cli
from tests.helpers import database_url_for, make_app, requires_sqlite

ROOT = Path(__file__).resolve().parents[2]
LAST = migrations.latest()  # the newest migration on file: the one the last release lacked


def pending_now() -> list[str]:
    return models.pending_changes()


@pytest.fixture
def last_release(tmp_path):
    """The database of the release before this one: every migration but the last recorded
    (each migration re-runs safely over its own work). Then an app of this release,
    started as production starts it: without migrating."""
    make_app(tmp_path)
    with models.db.connection_context():
        models.db.execute_sql(f'DELETE FROM "{migrations.TABLE}" WHERE name = {models.db.param}', (LAST,))
    models.close_all_connections()
    app = make_app(tmp_path, MIGRATE_ON_START=False)
    assert pending_now() == [LAST]
    return app


def environment(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "APP_"))}
    env.update(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "test-" + "x" * 40,
            "DATABASE_URL": database_url_for(tmp_path),
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    return env


def test_serve_refuses_a_pending_migration_and_says_what_to_run(last_release, tmp_path):
    refused = subprocess.run(
        [sys.executable, "-c", "import tameen_cli; tameen_cli.main()", "serve"],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1, refused.stderr
    assert f"Tameen cannot serve: the database schema is not this release's ({LAST}): pending {LAST}." in (
        refused.stderr
    )
    assert "Take a backup, then run: python3 tameen.pyz migrate" in refused.stderr
    assert "serving on" not in refused.stderr
    assert pending_now() == [LAST]


@requires_sqlite  # backup copies SQLite; on PostgreSQL it prints pg_dump's command
def test_backup_copies_the_database_as_it_is_with_a_migration_pending(last_release, tmp_path):
    done = last_release.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "copies")])
    assert done.exit_code == 0, done.output
    assert pending_now() == [LAST]
    (copy,) = (tmp_path / "copies").iterdir()
    with sqlite3.connect(copy) as check:
        recorded = {name for (name,) in check.execute(f'SELECT name FROM "{migrations.TABLE}"')}
    assert LAST not in recorded


@pytest.mark.parametrize(
    "command",
    [
        ["prune-security-records"],
        ["send-reminders", "--dry-run"],
        ["reconcile-payments"],
        ["create-staff", "reviewer1", "--name", "Huda Saleh", "--civil-id", "290010112341"],
    ],
)
def test_other_commands_refuse_and_leave_the_schema_alone(last_release, command):
    refused = last_release.test_cli_runner().invoke(args=command, input="x\n")
    assert refused.exit_code == 1, refused.output
    assert f"pending {LAST}" in refused.output and "tameen.pyz migrate" in refused.output
    assert pending_now() == [LAST]


def test_listing_the_commands_migrates_nothing(last_release, tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; teardown removes it
    for name, value in environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    listed = CliRunner().invoke(tameen_cli.build_cli(), ["--help"], prog_name="tameen.pyz")
    assert listed.exit_code == 0 and "migrate" in listed.output
    assert pending_now() == [LAST]


def test_migrate_applies_it_and_the_commands_run_again(last_release):
    runner = last_release.test_cli_runner()
    migrated = runner.invoke(args=["migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert f"{LAST:<40} done now" in migrated.output and "Schema up to date." in migrated.output
    assert pending_now() == []
    assert runner.invoke(args=["prune-security-records"]).exit_code == 0
    assert "database: schema current" in runner.invoke(args=["version"]).output


def test_starting_the_app_does_no_database_work(tmp_path):
    make_app(tmp_path, MIGRATE_ON_START=False)
    with models.db.connection_context():
        assert models.db.get_tables() == []


def test_version_prints_the_release_and_the_schema_without_the_apps_settings(monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; teardown removes it
    monkeypatch.setenv("APP_ENV", "not-an-environment")  # the app would refuse to start
    printed = CliRunner().invoke(tameen_cli.build_cli(), ["--version"], prog_name="tameen.pyz")
    assert printed.exit_code == 0, printed.output
    release, schema = printed.output.splitlines()
    assert release.startswith("Tameen ") and release.endswith("(source checkout)")
    assert schema == f"schema {LAST}"


def test_the_version_command_says_whether_the_database_has_the_schema(last_release):
    printed = last_release.test_cli_runner().invoke(args=["version"])
    assert printed.exit_code == 0, printed.output
    assert f"schema {LAST}" in printed.output
    assert f"database: the database schema is not this release's ({LAST}): pending {LAST}." in printed.output
