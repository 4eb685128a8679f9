"""The connection: a proxy bound at start-up to the database named by DATABASE_URL, and
the base class of every table."""

from peewee import DatabaseProxy, Model
from playhouse.db_url import connect
from playhouse.shortcuts import model_to_dict

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": 1,  # NORMAL: safe with WAL, far fewer fsyncs than FULL
}


class BaseModel(Model):
    class Meta:
        database = db

    def take_values_of(self, stored: "BaseModel") -> None:
        """This record's columns as `stored` has them (the same row, read again), through
        the fields' own setters: a foreign key's id, never its record loaded."""
        for name, value in model_to_dict(stored, recurse=False).items():
            setattr(self, name, value)


def open_database(url: str):
    """Bind the proxy to the database at `url` and return it. Any URL playhouse.db_url
    knows: sqlite:///path, postgresql://user:password@host/name (user and password
    percent-encoded), postgresql+pool://..."""
    options = {"pragmas": SQLITE_PRAGMAS} if url.startswith("sqlite") else {}
    database = connect(url, unquote_user=True, unquote_password=True, **options)
    db.initialize(database)
    return database


def close_all_connections() -> None:
    """Close every connection this process holds, a pool's idle ones included: gunicorn's
    master calls it before forking, so that no worker inherits (and shares) a socket."""
    database = db.obj
    if database is None:
        return
    if hasattr(database, "close_all"):  # postgresql+pool://
        database.close_all()
    elif not database.is_closed():
        database.close()


_inherited: list = []


def forget_inherited_connections() -> None:
    """In a freshly forked worker: drop whatever connections the parent held, without
    closing them (closing would end the parent's session on the shared socket); the
    worker opens its own. Kept referenced so that garbage collection never closes them."""
    database = db.obj
    if database is None:
        return
    _inherited.extend(getattr(database, "_connections", []))
    _inherited.extend(getattr(database, "_in_use", {}).values())
    state = getattr(database, "_state", None)
    if state is not None and state.conn is not None:
        _inherited.append(state.conn)
    database.dispose()


def database_is_up() -> bool:
    try:
        with db.connection_context():
            db.execute_sql("SELECT 1").fetchone()
        return True
    except Exception:  # any driver error means "not reachable" to a health check
        return False
