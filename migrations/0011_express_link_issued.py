"""An express receipt link expires (issue 27): `expresssponsor.link_issued_at` is when it
was issued. Links issued already count from their sponsor's `created_at`, when the
journey that made them started. A database older than express payment has no such table
(create_tables makes it in its final shape)."""

from peewee import DateTimeField

import migrations


def up(migrator, db):
    if not migrations.has_table(db, "expresssponsor"):
        return
    if migrations.has_column(db, "expresssponsor", "link_issued_at"):
        return
    migrator.migrate(migrator.add_column("expresssponsor", "link_issued_at", DateTimeField(null=True)))
    db.execute_sql('UPDATE "expresssponsor" SET "link_issued_at" = "created_at"')
    migrator.migrate(migrator.add_not_null("expresssponsor", "link_issued_at"))
