"""A company or public body can sponsor (issue 28): a request and an upload keep the kind
of sponsor and a company's file or licence number, and an upload's sponsor may have no
civil ID. Existing sponsors, all with a civil ID, are people."""

from peewee import CharField, Model

import migrations

TABLES = ("insurancerequest", "upload")


def _marked_as_people(table: str):
    class _Sponsored(Model):
        sponsor_kind = CharField(null=True)
        sponsor_civil_id = CharField(null=True)

        class Meta:
            table_name = table

    return _Sponsored


def up(migrator, db):
    for table in TABLES:
        if not migrations.has_table(db, table):
            continue  # upload is newer than the baseline: create_tables makes it whole
        steps = [
            migrator.add_column(table, column, CharField(max_length=length, null=True))
            for column, length in (("sponsor_kind", 10), ("sponsor_file_number", 15))
            if not migrations.has_column(db, table, column)
        ]
        if table == "upload" and any(
            c.name == "sponsor_civil_id" and not c.null for c in db.get_columns(table)
        ):
            steps.append(migrator.drop_not_null(table, "sponsor_civil_id"))
        if steps:
            migrator.migrate(*steps)
        model = _marked_as_people(table)
        with db.bind_ctx([model]):
            model.update(sponsor_kind="person").where(
                model.sponsor_kind.is_null() & model.sponsor_civil_id.is_null(False)
            ).execute()
