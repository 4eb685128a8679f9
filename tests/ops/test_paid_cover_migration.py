"""migrations/0010_paid_cover.py: a database whose requests predate the stored cover gets
the two columns, and every paid request its cover from its receipt's paid_at, counted
from the Kuwait day as the receipt always showed it."""

from datetime import date, datetime

from playhouse.migrate import SchemaMigrator, migrate

import migrations
import models
from tests.helpers import frozen_request, make_app, other_people, paid_request, register_and_login, stored

NAME = "0010_paid_cover"


def test_paid_requests_get_their_cover_from_their_receipt(tmp_path, clock):
    clock.at = datetime(2026, 3, 1, 21, 5)  # 00:05 on 2 March in Kuwait
    app = make_app(tmp_path)
    client = app.test_client()
    register_and_login(client)
    paid, waiting = paid_request(client), frozen_request(client, people=other_people(500))
    with models.db.connection_context():
        migrator = SchemaMigrator.from_database(models.db.obj)
        migrate(
            migrator.drop_index("insurancerequest", "insurancerequest_cover_end"),
            *[migrator.drop_column("insurancerequest", name) for name in ("cover_start", "cover_end")],
        )
        models.db.execute_sql(f'DELETE FROM "{migrations.TABLE}" WHERE name = {models.db.obj.param}', (NAME,))

    assert migrations.upgrade(models.db, models.MODELS) == [NAME]

    with models.db.connection_context():
        assert stored(paid).cover_period() == (date(2026, 3, 2), date(2028, 3, 1))
        assert stored(waiting).cover_period() is None
        assert any(index.columns == ["cover_end"] for index in models.db.get_indexes("insurancerequest"))
    assert migrations.upgrade(models.db, models.MODELS) == []
