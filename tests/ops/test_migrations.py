"""Schema migrations: a database made by an older version is upgraded in place and keeps
every row; a new database is made from the models with every migration recorded; the
upgraded schema is the fresh one (a changed column without a migration fails here)."""

import shutil
from datetime import date, datetime, timedelta

import pytest
from playhouse.db_url import connect

import migrations
import models
from domain.passwords import hash_password, make_hasher
from tests.helpers import (
    PASSWORD,
    civil_id_for,
    csrf_token_for,
    database_url_for,
    login,
    make_app,
    register_and_login,
)
from tests.ops import baseline_schema as old

AT = datetime(2025, 12, 1, 9, 30, 0)


def open_old(url: str):
    """The database at `url`, bound to the frozen models of an older version."""
    options = {"pragmas": models.SQLITE_PRAGMAS} if url.startswith("sqlite") else {}
    database = connect(url, **options)
    old.database.initialize(database)
    return database


def fill_accounts() -> None:
    """Rows in every accounts table, as an older version wrote them."""
    hashed = hash_password(make_hasher(cheap=True), PASSWORD)
    for n in range(1, 4):
        user = old.User.create(
            civil_id=civil_id_for(10 * n),
            name_ar="سارة أحمد",
            name_en=f"Sara {n}",
            user_name=f"sara{n}",
            mobile=f"+9655000000{n}",
            email=f"sara{n}@example.com",
            gender="female",
            language="ar",
            governorate="KW-HA",
            account_kind="personal",
            created_at=AT,
            password_hash=hashed if n == 1 else None,
            mobile_verified_at=AT if n == 1 else None,
        )
        old.OneTimeCode.create(
            purpose="register",
            user=user,
            mobile=user.mobile,
            code_hash="s$h",
            created_at=AT,
            expires_at=AT + timedelta(minutes=10),
        )
    old.OneTimeCode.create(
        purpose="reset",
        user=None,
        mobile="+96560000001",
        code_hash="d$h",
        created_at=AT,
        expires_at=AT + timedelta(minutes=10),
        attempts=2,
    )
    old.RateLimit.create(key="login-account:abc", window_started_at=AT, hits=3)
    old.SmsMessage.create(to="+96550000001", body="رمزك 123456", sent_at=AT)


def fill_requests() -> None:
    owner = old.User.get(old.User.name_en == "Sara 1")
    request = old.InsuranceRequest.create(
        reference="TM-7K3Q-9XP4",
        owner=owner,
        state="awaiting_payment",
        service_type="new",
        sponsor_name="Ali",
        sponsor_civil_id=civil_id_for(9),
        insurance_status="new",
        years=1,
        schedule_id="seed",
        total_fils=50_000,
        created_at=AT,
        updated_at=AT,
        frozen_at=AT,
    )
    old.InsuredPerson.create(
        request=request,
        position=0,
        civil_id=civil_id_for(5),
        name="Omar",
        category_code="worker",
        passport_number="P123",
        passport_expiry=date(2030, 1, 1),
        annual_fils=50_000,
        subtotal_fils=50_000,
    )


def snapshot(database, tables) -> dict:
    """Every row of `tables`, column by column, in a stable order."""
    rows = {}
    for table in tables:
        columns = [c.name for c in database.get_columns(table)]
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows[table] = (
            columns,
            sorted(database.execute_sql(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr),
        )
    return rows


def rows_now(database, before: dict) -> dict:
    """The same columns of the same tables, read again."""
    now = {}
    for table, (columns, _rows) in before.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        now[table] = (
            columns,
            sorted(database.execute_sql(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr),
        )
    return now


def applied_migrations(database) -> list[str]:
    cursor = database.execute_sql(f'SELECT name FROM "{migrations.TABLE}" ORDER BY name')
    return [name for (name,) in cursor.fetchall()]


def on_file() -> list[str]:
    return sorted(path.stem for path in migrations.DIRECTORY.glob("[0-9]*.py"))


def test_a_database_from_the_accounts_release_is_upgraded_and_keeps_every_row(tmp_path):
    url = database_url_for(tmp_path)
    database = open_old(url)
    with database.connection_context():
        database.create_tables(old.ACCOUNTS)
        fill_accounts()
        before = snapshot(database, [m._meta.table_name for m in old.ACCOUNTS])
    assert sum(len(rows) for _columns, rows in before.values()) == 9

    app = make_app(tmp_path)  # starting the new version upgrades the database

    assert app.extensions["migrations_run"] == on_file()  # run, not just recorded
    with models.db.connection_context():
        assert rows_now(models.db, before) == before
        assert set(models.db.get_tables()) >= {m._meta.table_name for m in models.MODELS}
        assert applied_migrations(models.db) == on_file()
    # The old rows are live data: the account made by the old version logs in.
    client = app.test_client()
    assert login(client, civil_id_for(10)).status_code == 302
    assert client.get("/account/").status_code == 200


def test_a_baseline_database_upgrades_to_the_schema_a_fresh_one_gets(tmp_path):
    """When a model's column changes without a migration, upgraded databases differ from
    new ones: this fails until a migration in migrations/ makes the same change."""
    old_folder, fresh_folder = tmp_path / "old", tmp_path / "fresh"
    old_folder.mkdir(), fresh_folder.mkdir()
    database = open_old(database_url_for(old_folder))
    with database.connection_context():
        database.create_tables(old.BASELINE)
        fill_accounts()
        fill_requests()
        before = snapshot(database, [m._meta.table_name for m in old.BASELINE])

    make_app(old_folder)
    with models.db.connection_context():
        upgraded = schema(models.db)
        assert rows_now(models.db, before) == before
    make_app(fresh_folder)
    with models.db.connection_context():
        fresh = schema(models.db)
    assert upgraded == fresh


def schema(database) -> dict:
    tables = sorted(set(database.get_tables()) - {migrations.TABLE})
    return {
        table: {
            "columns": sorted(
                (c.name, c.data_type.lower(), c.null, c.primary_key) for c in database.get_columns(table)
            ),
            "indexes": sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table)),
            "foreign_keys": sorted(
                (f.column, f.dest_table, f.dest_column) for f in database.get_foreign_keys(table)
            ),
        }
        for table in tables
    }


def test_a_new_database_is_made_from_the_models_with_every_migration_recorded(app):
    assert app.extensions["migrations_run"] == on_file()
    with models.db.connection_context():
        assert applied_migrations(models.db) == on_file()
    assert migrations.upgrade(models.db, models.MODELS) == []  # nothing left to do


CHANGE = """
from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.alter_column_type("user", "user_name", CharField(max_length=80)),
        migrator.drop_not_null("user", "email"),
        migrator.add_column("onetimecode", "channel", CharField(max_length=8, default="sms")),
        migrator.rename_column("smsmessage", "body", "text"),
    )
    if migrations.has_table(db, "table_of_a_later_model"):
        raise AssertionError("guarded steps skip tables that do not exist yet")


import migrations  # noqa: E402
"""


def test_a_migration_that_rebuilds_a_table_keeps_the_rows_that_point_at_it(tmp_path, clock):
    """SQLite rebuilds a table to change a column's type; with foreign keys enforced, dropping
    the old table would delete every code and request of every user (ON DELETE CASCADE)."""
    app = make_app(tmp_path)
    client = app.test_client()
    user = register_and_login(client)
    assert client.post("/requests/new", data={"csrf_token": csrf_token_for(client)}).status_code == 302
    tables = [m._meta.table_name for m in models.MODELS]
    with models.db.connection_context():
        before = snapshot(models.db, tables)
    assert before["onetimecode"][1] and before["insurancerequest"][1]

    folder = tmp_path / "migrations"
    shutil.copytree(migrations.DIRECTORY, folder, ignore=shutil.ignore_patterns("__*"))
    (folder / "9001_change_columns.py").write_text(CHANGE)
    assert migrations.upgrade(models.db, models.MODELS, directory=folder) == ["9001_change_columns"]

    with models.db.connection_context():
        columns, rows = before["smsmessage"]
        before["smsmessage"] = (["text" if c == "body" else c for c in columns], rows)
        assert rows_now(models.db, before) == before
        assert {c.name: c.null for c in models.db.get_columns("user")}["email"] is True
        channels = models.db.execute_sql('SELECT channel FROM "onetimecode"').fetchall()
        assert channels and {c for (c,) in channels} == {"sms"}
        if models.db.obj.__class__.__name__.startswith("Sqlite"):
            assert models.db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
            assert models.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert models.User.get_by_id(user.id).civil_id == user.civil_id


def test_migrate_command_lists_the_migrations(app):
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert "0001_baseline" in result.output and "Schema up to date." in result.output


@pytest.mark.parametrize("table", ["user", "insurancerequest"])
def test_has_table_and_has_column_helpers(app, table):
    with models.db.connection_context():
        assert migrations.has_table(models.db, table)
        assert not migrations.has_table(models.db, "no_such_table")
        assert migrations.has_column(models.db, table, "id")
        assert not migrations.has_column(models.db, table, "no_such_column")
