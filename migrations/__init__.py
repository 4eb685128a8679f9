"""Schema migrations: the numbered files in this folder, applied in order and recorded in
the `schema_migration` table (peewee's `playhouse.migrations.Runner`).

The rule for developers:

* A **new model** needs no migration: add it to `models.MODELS` and `create_tables(safe=True)`
  creates its table when the app starts.
* A **changed table** (a column added, dropped, renamed, retyped, made nullable, an index)
  needs a new file here, `NNNN_what_it_does.py`, defining `up(migrator, db)` with
  `playhouse.migrate` operations (see `0001_baseline.py`). Change the model too: a fresh
  database gets the model's shape from `create_tables`, an old one gets it from the file.
* Migrations run before `create_tables`, so a table added after the baseline may not exist
  yet when a migration runs on an older database: guard such a step with
  `has_table(db, "name")` (create_tables then makes the table in its final shape).

`upgrade()` runs only when asked: `tameen.pyz migrate` (`flask --app app migrate` from a
checkout), and `make run` / `python app.py` in development. Nothing else changes the
schema: `serve` refuses to start while `pending()` lists anything, and the other commands
that need the schema refuse too (commands.py). A database with none of the app's tables
is new: its tables are created from the models and every migration is recorded as done
without running.
"""

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path

from peewee import PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import Runner

DIRECTORY = Path(__file__).resolve().parent
TABLE = "schema_migration"
_ADVISORY_LOCK = 0x7A3E10  # any fixed number: PostgreSQL's lock for "migrating Tameen"

logger = logging.getLogger("tameen.migrations")


def upgrade(database, models, directory: Path = DIRECTORY) -> list[str]:
    """Bring the database to the schema of `models`; returns the migrations recorded."""
    database = getattr(database, "obj", database)  # a DatabaseProxy's database
    # create_tables uses each model's own database: bind them to this one meanwhile.
    with (
        database.bind_ctx(models, bind_refs=False, bind_backrefs=False),
        database.connection_context(),
        _one_process_at_a_time(database),
    ):
        existing = set(database.get_tables())
        fresh = not any(model._meta.table_name in existing for model in models)
        runner = Runner(database, str(directory), table_name=TABLE)
        if fresh:
            with database.atomic():  # one transaction: all of it or none, and quicker
                database.create_tables(models, safe=True)
                done = runner.fake()
        else:
            done = runner.up()
            database.create_tables(models, safe=True)
    for name in done:
        logger.info("migration %s %s", name, "recorded (new database)" if fresh else "applied")
    return done


def pending(database, models, directory: Path = DIRECTORY) -> list[str]:
    """What `upgrade` would do, without doing it: the migrations on file not applied yet,
    then `table NAME` for each model whose table is missing. Empty: the schema is current."""
    database = getattr(database, "obj", database)
    with database.bind_ctx(models, bind_refs=False, bind_backrefs=False), database.connection_context():
        runner = Runner(database, str(directory), table_name=TABLE)
        waiting = [m.name for m in runner.status() if m.path and m.applied is None]
        existing = set(database.get_tables())
    return waiting + [
        f"table {model._meta.table_name}" for model in models if model._meta.table_name not in existing
    ]


def latest(directory: Path = DIRECTORY) -> str:
    """The last migration on file: the schema version this release expects."""
    return max(path.stem for path in directory.glob("[0-9]*.py"))


def status(database, directory: Path = DIRECTORY) -> list[tuple[str, bool]]:
    """(name, applied) for every migration on file, in order."""
    database = getattr(database, "obj", database)
    with database.connection_context():
        runner = Runner(database, str(directory), table_name=TABLE)
        return [(m.name, m.applied is not None) for m in runner.status() if m.path]


def has_table(db, table: str) -> bool:
    return table in db.get_tables()


def has_column(db, table: str, column: str) -> bool:
    return any(c.name == column for c in db.get_columns(table))


@contextmanager
def _one_process_at_a_time(database):
    """Several processes may start at once (app servers, a cron job): one migrates, the
    others wait and then find nothing left to do."""
    if isinstance(database, PostgresqlDatabase):  # the caller holds the connection
        database.execute_sql("SELECT pg_advisory_lock(%s)", (_ADVISORY_LOCK,))
        try:
            yield
        finally:
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (_ADVISORY_LOCK,))
    elif isinstance(database, SqliteDatabase) and database.database not in ("", ":memory:"):
        # A file of its own: locking the database file itself would upset SQLite's locks.
        with open(f"{database.database}.migrate-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
    else:
        yield
