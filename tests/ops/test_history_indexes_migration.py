"""migrations/0016_history_indexes.py: a database of the release before it gets the indexes
a new one is made with (issue 24), its audit events' index on `request_id` alone replaced
by (request_id, at), and nothing else changes; a second run finds nothing to do."""

from playhouse.migrate import SchemaMigrator, migrate

import migrations
import models
from tests.helpers import make_app

NAME = "0016_history_indexes"
ADDED = {
    "insuredperson": ("civil_id",),
    "insurancerequest": ("sponsor_civil_id",),
    "user": ("released_civil_id",),
    "payment": ("created_at",),
    "renewal": ("created_at",),
    "refund": ("requested_at",),
    "auditevent": ("request_id", "at"),
}


def indexes(database) -> dict:
    return {
        table: sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table))
        for table in sorted(set(database.get_tables()) - {migrations.TABLE})
    }


def test_an_older_database_gets_the_indexes_a_new_one_has(tmp_path):
    make_app(tmp_path)
    with models.db.connection_context():
        fresh = indexes(models.db)
        migrator = SchemaMigrator.from_database(models.db.obj)
        steps = []
        for table, columns in ADDED.items():
            name = next(i.name for i in models.db.get_indexes(table) if tuple(i.columns) == columns)
            steps.append(migrator.drop_index(table, name))
        steps.append(migrator.add_index("auditevent", ("request_id",), False))
        migrate(*steps)
        models.db.execute_sql(f'DELETE FROM "{migrations.TABLE}" WHERE name = {models.db.obj.param}', (NAME,))
        assert indexes(models.db) != fresh

    assert migrations.upgrade(models.db, models.MODELS) == [NAME]

    with models.db.connection_context():
        assert indexes(models.db) == fresh
        assert (("request_id",), False) not in indexes(models.db)["auditevent"]
    assert migrations.upgrade(models.db, models.MODELS) == []
