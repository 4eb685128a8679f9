"""Insurance requests count the changes to their answers (`version`): a question page's
save adds one, and freezing holds only while the version is the one the confirm read,
so a save racing the confirm cannot leave a lower price frozen. Issue 15.

Requests already on file start at 0; a database older than the request table gets the
table, column included, from create_tables.
"""

from peewee import IntegerField

import migrations


def up(migrator, db):
    if not migrations.has_table(db, "insurancerequest"):
        return
    if not migrations.has_column(db, "insurancerequest", "version"):
        migrator.migrate(migrator.add_column("insurancerequest", "version", IntegerField(default=0)))
