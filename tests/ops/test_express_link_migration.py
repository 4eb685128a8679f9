"""migrations/0011_express_link_issued.py: express sponsors made before receipt links
expired get `link_issued_at`, filled from their `created_at`, and the column is then as a
new database has it (not null)."""

from datetime import datetime

from playhouse.migrate import SchemaMigrator, migrate

import migrations
import models
from models import ExpressSponsor
from tests.helpers import civil_id_for, make_app

NAME = "0011_express_link_issued"


def test_existing_links_count_from_when_their_sponsor_was_made(tmp_path, clock):
    make_app(tmp_path)
    with models.db.connection_context():
        for n, made in enumerate((datetime(2025, 3, 1, 9), datetime(2025, 11, 20, 17))):
            clock.at = made
            ExpressSponsor.start(civil_id_for(80 + n), f"+9655000008{n}", "ar")
        migrate(SchemaMigrator.from_database(models.db.obj).drop_column("expresssponsor", "link_issued_at"))
        models.db.execute_sql(f'DELETE FROM "{migrations.TABLE}" WHERE name = {models.db.obj.param}', (NAME,))

    assert migrations.upgrade(models.db, models.MODELS) == [NAME]

    with models.db.connection_context():
        assert [(s.link_issued_at, s.created_at) for s in ExpressSponsor.select()] == [
            (datetime(2025, 3, 1, 9), datetime(2025, 3, 1, 9)),
            (datetime(2025, 11, 20, 17), datetime(2025, 11, 20, 17)),
        ]
        column = next(c for c in models.db.get_columns("expresssponsor") if c.name == "link_issued_at")
        assert not column.null
    assert migrations.upgrade(models.db, models.MODELS) == []
