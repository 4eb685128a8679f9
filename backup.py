"""Online backups of the SQLite database, taken while the app keeps serving, and the copy
of every row into another database (moving from SQLite to PostgreSQL).

SQLite's backup API copies a consistent snapshot (WAL mode lets writers go on meanwhile)
into a new file named with the time, under `instance/backups/` unless told otherwise.
PostgreSQL has its own tool, pg_dump; `backup` says how to use it instead.

With BACKUP_AGE_RECIPIENT the copy is encrypted to that age public key (the `age` tool,
Debian's package `age`) and only the encrypted file is kept; the private key that opens
it lives elsewhere. With BACKUP_COPY_COMMAND the finished file is then handed to that
command (rsync, scp...) to leave the machine.
"""

import re
import shlex
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from playhouse.db_url import parse

import clock

PG_DUMP_ADVICE = """\
DATABASE_URL points at PostgreSQL: back it up with PostgreSQL's own tool, for example
  pg_dump --format=custom --file="tameen-$(date -u +%Y%m%dT%H%M%SZ).dump" "$DATABASE_URL"
and restore into an empty database with
  pg_restore --no-owner --dbname="$NEW_DATABASE_URL" tameen-....dump"""


class BackupError(RuntimeError):
    """The backup cannot be made; the message says why."""


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite DATABASE_URL; None for other databases."""
    if not database_url.startswith("sqlite"):
        return None
    name = parse(database_url)["database"]
    return None if name in ("", ":memory:") else Path(name)


_NAME = re.compile(r"tameen-(\d{8}T\d{6})Z(?:-(\d+))?\.sqlite3(?:\.age)?")


def _free_name(folder: Path, at: datetime) -> Path:
    """tameen-YYYYMMDDTHHMMSSZ.sqlite3 (UTC), with -2, -3... for more in the same second."""
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    target, n = folder / f"tameen-{stamp}.sqlite3", 1
    while target.exists() or target.with_name(target.name + ".age").exists():
        n += 1
        target = folder / f"tameen-{stamp}-{n}.sqlite3"
    return target


def _age(path: Path) -> tuple[str, int]:
    stamp, n = _NAME.fullmatch(path.name).groups()
    return stamp, int(n or 1)


def backup_sqlite(source: Path, folder: Path, at: datetime | None = None) -> Path:
    """Copy the database at `source` into a new timestamped file in `folder`; returns it."""
    if not source.is_file():
        raise BackupError(f"no database file at {source}")
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, at or clock.now())
    partial = target.with_name(target.name + ".partial")
    source_connection = sqlite3.connect(source, timeout=30)  # only reads
    try:
        target_connection = sqlite3.connect(partial)
        try:
            # pages=-1: one step, one snapshot, however busy the writers are.
            source_connection.backup(target_connection, pages=-1)
            # A standalone file: no -wal beside it to copy or to lose.
            target_connection.execute("PRAGMA journal_mode=DELETE")
            verdict = target_connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target_connection.close()
    finally:
        source_connection.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {verdict}")
    partial.rename(target)  # only whole, checked copies carry the final name
    return target


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `folder`; returns what went."""
    backups = sorted((p for p in folder.glob("tameen-*.sqlite3*") if _NAME.fullmatch(p.name)), key=_age)
    doomed = backups[:-keep] if keep else []
    for path in doomed:
        path.unlink()
    return doomed


def encrypt(path: Path, recipient: str) -> Path:
    """`path` encrypted to the age `recipient` as `path`.age; the clear copy is removed."""
    age = shutil.which("age")
    if age is None:
        raise BackupError(
            "BACKUP_AGE_RECIPIENT is set but the age tool is not installed: apt-get install age"
        )
    target = path.with_name(path.name + ".age")
    partial = target.with_name(target.name + ".partial")
    done = subprocess.run(
        [age, "--encrypt", "--recipient", recipient, "--output", str(partial), str(path)],
        capture_output=True,
        text=True,
    )
    path.unlink()  # never left in clear, whether age took it or not
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"age could not encrypt the backup: {done.stderr.strip()}")
    partial.rename(target)
    return target


def send_off(path: Path, command: str) -> None:
    """Run BACKUP_COPY_COMMAND with {file} replaced by `path` (no shell: the words as
    shlex splits them). BackupError when it fails; the local copy stays either way."""
    words = [word.replace("{file}", str(path)) for word in shlex.split(command)]
    try:
        done = subprocess.run(words, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as problem:
        raise BackupError(f"BACKUP_COPY_COMMAND could not run: {problem}") from None
    if done.returncode != 0:
        raise BackupError(
            f"BACKUP_COPY_COMMAND failed (exit {done.returncode}); the backup is still at {path}: "
            f"{(done.stderr or done.stdout).strip()[-500:]}"
        )


def copy_database(source, target, models: list, batch: int = 500) -> dict[str, int]:
    """Copy every row of `models` from the database `source` into `target`, which must hold
    none of their tables yet: its schema is made first (tables, migrations recorded).
    Returns the rows copied per table. Run it with the app stopped."""
    from peewee import AutoField, PostgresqlDatabase, sort_models

    import migrations

    source = getattr(source, "obj", source)
    with target.connection_context():
        taken = sorted(set(target.get_tables()) & {m._meta.table_name for m in models})
    if taken:
        raise BackupError(
            f"the target database already has tables ({', '.join(taken)}): copy into an empty one."
        )
    migrations.upgrade(target, models)
    copied = {}
    with source.connection_context(), target.connection_context(), target.atomic():
        for model in sort_models(models):  # tables pointed at before the ones pointing
            fields = model._meta.sorted_fields
            with source.bind_ctx([model], bind_refs=False, bind_backrefs=False):
                rows = list(
                    model.select(*fields).order_by(*model._meta.get_primary_keys() or fields[:1]).tuples()
                )
            with target.bind_ctx([model], bind_refs=False, bind_backrefs=False):
                for start in range(0, len(rows), batch):
                    model.insert_many(rows[start : start + batch], fields=fields).execute()
            copied[model._meta.table_name] = len(rows)
            key = model._meta.primary_key
            if isinstance(target, PostgresqlDatabase) and isinstance(key, AutoField):
                # The next id continues after the copied ones.
                table, column = model._meta.table_name, key.column_name
                target.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                    f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"'
                )
    return copied
