"""A payment's history and its result told once (issue 26).

* `paymentevent`: every message to and from the bank, append-only (models.payment_events).
  The table is new, so create_tables makes it, and schema.create_tables guards it.
* `payment.told_at`: when the person was sent the result of a try (SMS, and e-mail where
  the account has an address), so that a notice, the browser and reconcile racing tell
  it once. Tries settled before this migration are taken as told: nobody is sent an old
  result.
"""

from peewee import CharField, DateTimeField, Model

import migrations


class _Payment(Model):
    state = CharField()
    updated_at = DateTimeField()
    told_at = DateTimeField(null=True)

    class Meta:
        table_name = "payment"


def up(migrator, db):
    if not migrations.has_table(db, "payment") or migrations.has_column(db, "payment", "told_at"):
        return
    migrator.migrate(migrator.add_column("payment", "told_at", DateTimeField(null=True)))
    with db.bind_ctx([_Payment]):
        _Payment.update(told_at=_Payment.updated_at).where(_Payment.state != "awaiting").execute()
