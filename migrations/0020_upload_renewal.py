"""An upload says whether its requests are new insurance or a renewal, and a renewal's
current cover end (issue 28). Uploads kept before stay new (null)."""

from peewee import CharField, DateField

import migrations


def up(migrator, db):
    if not migrations.has_table(db, "upload"):
        return  # newer than the baseline: create_tables makes it whole
    steps = [
        migrator.add_column("upload", column, field)
        for column, field in (
            ("insurance_status", CharField(max_length=10, null=True)),
            ("current_cover_end", DateField(null=True)),
        )
        if not migrations.has_column(db, "upload", column)
    ]
    if steps:
        migrator.migrate(*steps)
