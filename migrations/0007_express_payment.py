"""Express payment (issue 17): a request may have no owner account, `insurancerequest.owner_id`
NULL, while its sponsor pays without one (models.express; the table is new, so
create_tables makes it).

SQLite changes a column's NULL rule by copying the table into a new one and dropping the
old. With foreign keys on, dropping the old table would first delete its rows, and with
them, by their ON DELETE CASCADE, every person covered, payment, receipt and refund; so
foreign keys are off while the table is copied (SQLite's own recipe for altering a table),
which a transaction cannot do, hence `atomic = False` and a transaction of its own.
"""

from peewee import SqliteDatabase

import migrations

atomic = False


def up(migrator, db):
    if not migrations.has_table(db, "insurancerequest"):
        return
    owner = next(c for c in db.get_columns("insurancerequest") if c.name == "owner_id")
    if owner.null:
        return
    if not isinstance(db, SqliteDatabase):
        with db.atomic():
            migrator.migrate(migrator.drop_not_null("insurancerequest", "owner_id"))
        return
    db.pragma("foreign_keys", 0)
    try:
        with db.atomic():
            migrator.migrate(migrator.drop_not_null("insurancerequest", "owner_id"))
            broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken after copying insurancerequest: {broken[:5]}")
    finally:
        db.pragma("foreign_keys", 1)
