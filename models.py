"""Storage: peewee models bound to the database named by DATABASE_URL."""
from peewee import DatabaseProxy, Model
from playhouse.db_url import connect

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


MODELS: list[type[BaseModel]] = []


def open_database(url: str):
    """Bind the proxy to the database at `url` and return it."""
    options = {"pragmas": SQLITE_PRAGMAS} if url.startswith("sqlite") else {}
    database = connect(url, **options)
    db.initialize(database)
    return database


def create_tables() -> None:
    with db.connection_context():
        db.create_tables(MODELS, safe=True)


def database_is_up() -> bool:
    try:
        with db.connection_context():
            db.execute_sql("SELECT 1").fetchone()
        return True
    except Exception:  # any driver error means "not reachable" to a health check
        return False
