"""The SMS outbox (issue 25): `smsmessage`, until now the development outbox, keeps every
message the app sends, with its delivery state, tries, claim and idempotency key, so that
no page waits on the SMS provider and no message goes twice.

The development outbox's rows were never sent to anyone: they are kept, as sent (no
sender will pick them up), each with a key of its own.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, Value

import migrations


class _OneTimeCode(Model):
    class Meta:
        table_name = "onetimecode"


class _SmsMessage(Model):
    sent_at = DateTimeField(null=True)
    created_at = DateTimeField(null=True)
    next_try_at = DateTimeField(null=True)
    state = CharField()
    idempotency_key = CharField(null=True)

    class Meta:
        table_name = "smsmessage"


def up(migrator, db):
    if not migrations.has_table(db, "smsmessage") or migrations.has_column(db, "smsmessage", "state"):
        return
    migrator.migrate(
        migrator.add_column("smsmessage", "idempotency_key", CharField(max_length=40, null=True)),
        migrator.add_column(
            "smsmessage",
            "code_id",
            ForeignKeyField(_OneTimeCode, field=_OneTimeCode.id, null=True, on_delete="SET NULL"),
        ),
        migrator.add_column("smsmessage", "state", CharField(max_length=8, default="sent")),
        migrator.add_column("smsmessage", "created_at", DateTimeField(null=True)),
        migrator.add_column("smsmessage", "next_try_at", DateTimeField(null=True)),
        migrator.add_column("smsmessage", "send_by", DateTimeField(null=True)),
        migrator.add_column("smsmessage", "tries", IntegerField(default=0)),
        migrator.add_column("smsmessage", "claimed_at", DateTimeField(null=True)),
        migrator.add_column("smsmessage", "claimed_by", CharField(max_length=32, null=True)),
        migrator.add_column("smsmessage", "failed_at", DateTimeField(null=True)),
        migrator.add_column("smsmessage", "problem", CharField(max_length=80, null=True)),
        migrator.drop_not_null("smsmessage", "sent_at"),
    )
    with db.bind_ctx([_SmsMessage]):
        _SmsMessage.update(
            created_at=_SmsMessage.sent_at,
            next_try_at=_SmsMessage.sent_at,
            idempotency_key=Value("kept-").concat(_SmsMessage.id.cast("text")),
        ).execute()
    migrator.migrate(
        migrator.add_not_null("smsmessage", "idempotency_key"),
        migrator.add_not_null("smsmessage", "created_at"),
        migrator.add_not_null("smsmessage", "next_try_at"),
        migrator.add_index("smsmessage", ("idempotency_key",), True),
        migrator.add_index("smsmessage", ("next_try_at",), False),
    )
