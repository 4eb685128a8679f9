"""`backup`: a consistent copy of the live SQLite database, and the restore the README
describes (stop, put the copy in place of the database, start)."""

import re
import shutil
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

import backup
import models
from tests.helpers import (
    PASSWORD,
    civil_id_for,
    csrf_token_for,
    database_url_for,
    login,
    make_app,
    register_and_login,
    requires_sqlite,
)

NAME = re.compile(r"tameen-\d{8}T\d{6}Z(-\d+)?\.sqlite3")


AT = "2026-01-10 08:00:00"


class Writer(threading.Thread):
    """Another process's worth of writes: outbox rows, one transaction each, as fast as
    SQLite takes them, until stopped."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.written, self.stop = path, 0, threading.Event()

    def run(self):
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            while not self.stop.is_set():
                with connection:
                    connection.execute(
                        'INSERT INTO "smsmessage" ("to", "body", "idempotency_key", "state", "created_at", '
                        '"next_try_at", "tries", "sent_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                        (
                            "+96550000000",
                            f"row {self.written}",
                            f"key-{self.written}",
                            "sent",
                            *[AT] * 2,
                            1,
                            AT,
                        ),
                    )
                self.written += 1
        finally:
            connection.close()


@requires_sqlite
def test_backup_while_writing_then_restore_into_a_new_file(tmp_path):
    app = make_app(tmp_path)
    user = register_and_login(app.test_client())
    database = tmp_path / "test.sqlite3"
    writer = Writer(database)
    writer.start()
    while writer.written < 200 and writer.is_alive():  # a writer that failed stops the wait
        time.sleep(0.01)
    before = writer.written
    result = app.test_cli_runner().invoke(args=["backup"])
    after = writer.written
    writer.stop.set()
    writer.join()
    assert result.exit_code == 0, result.output

    copies = list((tmp_path / "instance" / "backups").iterdir())
    assert len(copies) == 1 and NAME.fullmatch(copies[0].name), copies
    assert f"Backup written: {copies[0]}" in result.output
    with sqlite3.connect(copies[0]) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no -wal needed
        rows = check.execute('SELECT count(*) FROM "smsmessage" WHERE body LIKE ?', ("row %",)).fetchone()[0]
    assert before <= rows <= after  # a snapshot taken while the writer ran

    # Restore as the README says: into place (here a new folder), nothing beside it, start.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy2(copies[0], restored / "tameen.sqlite3")
    again = make_app(restored, DATABASE_URL=f"sqlite:///{restored / 'tameen.sqlite3'}")
    with models.db.connection_context():
        assert models.SmsMessage.select().where(models.SmsMessage.body.startswith("row ")).count() == rows
        assert models.User.get(models.User.civil_id == user.civil_id).can_log_in
        assert models.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    client = again.test_client()
    assert login(client, civil_id_for(1), PASSWORD).status_code == 302
    assert client.get("/account/").status_code == 200


@requires_sqlite
def test_backup_to_a_folder_and_keep_only_the_newest(app, tmp_path):
    runner = app.test_cli_runner()
    folder = tmp_path / "elsewhere"
    for _ in range(3):
        assert runner.invoke(args=["backup", "--to", str(folder), "--keep", "2"]).exit_code == 0
    copies = sorted(folder.iterdir())
    assert len(copies) == 2 and all(NAME.fullmatch(p.name) for p in copies), copies


def test_backup_names_sort_by_time_and_never_overwrite(tmp_path):
    source = tmp_path / "source.sqlite3"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE t (x)")
    at = datetime(2026, 1, 10, 8, 0, 0)
    first = backup.backup_sqlite(source, tmp_path / "b", at=at)
    second = backup.backup_sqlite(source, tmp_path / "b", at=at)
    assert first.name == "tameen-20260110T080000Z.sqlite3"
    assert second.name == "tameen-20260110T080000Z-2.sqlite3"
    assert backup.prune(tmp_path / "b", keep=1) == [first]


def test_backup_of_a_missing_database_fails_clearly(tmp_path):
    with pytest.raises(backup.BackupError, match="no database file"):
        backup.backup_sqlite(tmp_path / "nope.sqlite3", tmp_path / "b")


def test_backup_on_postgresql_gives_the_pg_dump_advice(app):
    app.config["DATABASE_URL"] = "postgresql://tameen@db.internal/tameen"
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output


def test_sqlite_path_of_urls():
    assert backup.sqlite_path("sqlite:////var/lib/tameen/tameen.sqlite3") == Path(
        "/var/lib/tameen/tameen.sqlite3"
    )
    assert backup.sqlite_path("sqlite:///:memory:") is None
    assert backup.sqlite_path("postgresql://u@h/d") is None


def test_copy_database_moves_every_row_into_an_empty_database(tmp_path):
    """SQLite to the test database (PostgreSQL when TEST_DATABASE_URL is set): the README's
    way of moving to PostgreSQL."""
    source = make_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    client = source.test_client()
    register_and_login(client)
    assert client.post("/requests/new", data={"csrf_token": csrf_token_for(client)}).status_code == 302
    with models.db.connection_context():
        counts = {m._meta.table_name: m.select().count() for m in models.MODELS}
    assert counts["user"] == 1 and counts["insurancerequest"] == 1 and counts["onetimecode"] >= 1

    target_folder = tmp_path / "target"
    target_folder.mkdir()
    target_url = database_url_for(target_folder)
    result = source.test_cli_runner().invoke(args=["copy-database", "--to", target_url])
    assert result.exit_code == 0, result.output
    assert f"Copied {sum(counts.values())} rows." in result.output

    moved = make_app(target_folder)  # DATABASE_URL now names the new database
    with models.db.connection_context():
        assert {m._meta.table_name: m.select().count() for m in models.MODELS} == counts
    client = moved.test_client()
    assert login(client, civil_id_for(1)).status_code == 302
    # New rows get ids after the copied ones.
    assert client.post("/requests/new", data={"csrf_token": csrf_token_for(client)}).status_code == 302
    with models.db.connection_context():
        assert models.InsuranceRequest.select().count() == 2

    again = source.test_cli_runner().invoke(args=["copy-database", "--to", target_url])
    assert again.exit_code == 1 and "already has tables" in again.output
