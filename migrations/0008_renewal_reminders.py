"""Renewal reminders can be turned off: `user.reminders_off_at`. Issue 17.

The reminder and renewal tables are new: create_tables makes them.
"""

from peewee import DateTimeField

import migrations


def up(migrator, db):
    if not migrations.has_table(db, "user"):
        return
    if not migrations.has_column(db, "user", "reminders_off_at"):
        migrator.migrate(migrator.add_column("user", "reminders_off_at", DateTimeField(null=True)))
