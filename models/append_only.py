"""Tables whose rows are written once and never changed or removed (the audit log, a
payment's history): the class refuses updates and deletes, and so does the database."""

from peewee import PostgresqlDatabase, SqliteDatabase

from models.database import BaseModel, db


class RowsAreAppendOnly(RuntimeError):
    """A row of an append-only table is written once and never changed or removed."""


class AppendOnly(BaseModel):
    """Rows that are inserted, never updated or deleted, through the model at least;
    `guard_append_only` makes the database refuse it too."""

    def save(self, force_insert=False, only=None):
        if self._pk is not None and not force_insert:
            raise RowsAreAppendOnly(f"{type(self).__name__} rows cannot be changed")
        return super().save(force_insert=True, only=only)

    def delete_instance(self, *args, **kwargs):
        raise RowsAreAppendOnly(f"{type(self).__name__} rows cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise RowsAreAppendOnly(f"{cls.__name__} rows cannot be changed")

    @classmethod
    def delete(cls, *args, **kwargs):
        raise RowsAreAppendOnly(f"{cls.__name__} rows cannot be deleted")

    @classmethod
    def bulk_update(cls, *args, **kwargs):
        raise RowsAreAppendOnly(f"{cls.__name__} rows cannot be changed")


def guard_append_only(table: str, prefix: str, message: str) -> None:
    """Make the database itself refuse to change or remove the rows of `table`: triggers
    named after `prefix`, raising `message`."""
    database = getattr(db, "obj", db)
    with db.connection_context(), db.atomic():
        if isinstance(database, PostgresqlDatabase):
            exists = db.execute_sql(
                "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
                (f"{prefix}_append_only", f'"{table}"'),
            ).fetchone()
            if exists:
                return
            db.execute_sql(
                f"CREATE OR REPLACE FUNCTION tameen_{prefix}_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
            )
            db.execute_sql(f'DROP TRIGGER IF EXISTS {prefix}_append_only ON "{table}"')
            db.execute_sql(
                f'CREATE TRIGGER {prefix}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION tameen_{prefix}_append_only()"
            )
            db.execute_sql(f'DROP TRIGGER IF EXISTS {prefix}_no_truncate ON "{table}"')
            db.execute_sql(
                f'CREATE TRIGGER {prefix}_no_truncate BEFORE TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION tameen_{prefix}_append_only()"
            )
        elif isinstance(database, SqliteDatabase):
            for event in ("UPDATE", "DELETE"):
                db.execute_sql(
                    f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{event.lower()}" '
                    f'BEFORE {event} ON "{table}" '
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
