"""migrations/0002_payment_inquiry_times.py: a database whose payment table predates the
two columns gets them, and keeps every payment."""

from playhouse.migrate import SchemaMigrator, migrate

import migrations
import models
from tests.helpers import frozen_request, make_app, other_people, paid_request, register_and_login

NAME = "0002_payment_inquiry_times"
# A later migration indexes closed_at (issue 26): the older database had neither.
INDEXES = next(migrations.DIRECTORY.glob("*_payment_refunds_and_reconcile_indexes.py")).stem


def test_a_payment_table_without_the_inquiry_times_gets_them(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    register_and_login(client)
    paid_request(client)
    frozen_request(client, people=other_people(500))
    with models.db.connection_context():
        before = models.db.execute_sql('SELECT id, track_id, state FROM "payment" ORDER BY id').fetchall()
        assert before
        # The database as the version before this migration left it.
        models.db.execute_sql('DROP INDEX "payment_state_closed_at"')
        migrate(
            *[
                SchemaMigrator.from_database(models.db.obj).drop_column("payment", name)
                for name in ("last_asked_at", "closed_at")
            ]
        )
        for name in (NAME, INDEXES):
            models.db.execute_sql(
                f'DELETE FROM "{migrations.TABLE}" WHERE name = {models.db.obj.param}', (name,)
            )
        assert not migrations.has_column(models.db, "payment", "closed_at")

    assert migrations.upgrade(models.db, models.MODELS) == [NAME, INDEXES]

    with models.db.connection_context():
        assert migrations.has_column(models.db, "payment", "last_asked_at")
        assert migrations.has_column(models.db, "payment", "closed_at")
        after = models.db.execute_sql('SELECT id, track_id, state FROM "payment" ORDER BY id').fetchall()
        assert after == before
        assert models.Receipt.select().count() == 1
    assert migrations.upgrade(models.db, models.MODELS) == []
