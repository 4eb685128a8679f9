"""Baseline: the schema when migrations began (issue 10).

Tables: user, onetimecode, ratelimit, smsmessage (accounts) and insurancerequest,
insuredperson (insurance requests), all made by `create_tables()` from `models.py`.
A database made before migrations existed already has this shape, so there is nothing
to do; the file marks the starting point.

A later migration looks like this (playhouse.migrate operations):

    from peewee import CharField, IntegerField

    def up(migrator, db):
        migrator.migrate(
            migrator.add_column("insurancerequest", "channel", CharField(max_length=10, default="web")),
            migrator.alter_column_type("user", "user_name", CharField(max_length=80)),
            migrator.drop_not_null("user", "email"),
        )
"""


def up(migrator, db):
    pass
