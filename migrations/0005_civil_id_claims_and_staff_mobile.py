"""An account whose civil ID staff released to its owner (a claim at the desk) is frozen,
not deleted: `user.frozen_at` and `user.released_civil_id`. Staff members may have a
mobile (`staffmember.mobile`), compared with a request holder's so that nobody decides on
their own request. Issue 15.

The staff table came after the baseline: on a database older than it there is nothing to
change there, and create_tables makes the table with the column.
"""

from peewee import CharField, DateTimeField

import migrations

COLUMNS = {
    "user": {"frozen_at": DateTimeField(null=True), "released_civil_id": CharField(max_length=12, null=True)},
    "staffmember": {"mobile": CharField(max_length=16, null=True)},
}


def up(migrator, db):
    steps = [
        migrator.add_column(table, name, field)
        for table, fields in COLUMNS.items()
        if migrations.has_table(db, table)
        for name, field in fields.items()
        if not migrations.has_column(db, table, name)
    ]
    if steps:
        migrator.migrate(*steps)
