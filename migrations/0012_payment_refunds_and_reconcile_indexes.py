"""Partial refunds (KNET's manual §7): a payment keeps the fils refunded so far
(`refunded_fils`), raised by one conditional UPDATE that keeps the sum at or under the
amount paid. `noticed_fils` keeps the amount the bank's signed notice claimed, for an
inquiry whose answer carries none. Reconcile reads payments by (state, created_at) and
(state, closed_at): both indexed, so it reads only those that can still change (issue 26).

The payment table came after the baseline: on a database older than it there is nothing
to change, and create_tables makes the table in its final shape.
"""

from peewee import IntegerField

import migrations


def up(migrator, db):
    if not migrations.has_table(db, "payment"):
        return
    steps = []
    if not migrations.has_column(db, "payment", "refunded_fils"):
        steps.append(migrator.add_column("payment", "refunded_fils", IntegerField(default=0)))
    if not migrations.has_column(db, "payment", "noticed_fils"):
        steps.append(migrator.add_column("payment", "noticed_fils", IntegerField(null=True)))
    existing = {index.name for index in db.get_indexes("payment")}
    for columns in (("state", "created_at"), ("state", "closed_at")):
        if f"payment_{'_'.join(columns)}" not in existing:
            steps.append(migrator.add_index("payment", columns, False))
    if steps:
        migrator.migrate(*steps)
