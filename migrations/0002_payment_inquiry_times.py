"""Payments remember when the app last asked the gateway about them (`last_asked_at`, so
it asks at most once in a short time whoever calls) and when they were closed as failed or
cancelled (`closed_at`, so reconcile asks again for a day and the desk shows late
captures). Issue 14.

The payment table came after the baseline: on a database older than it there is nothing
to change, and create_tables makes the table with both columns.
"""

from peewee import DateTimeField

import migrations


def up(migrator, db):
    if not migrations.has_table(db, "payment"):
        return
    steps = [
        migrator.add_column("payment", name, DateTimeField(null=True))
        for name in ("last_asked_at", "closed_at")
        if not migrations.has_column(db, "payment", name)
    ]
    if steps:
        migrator.migrate(*steps)
