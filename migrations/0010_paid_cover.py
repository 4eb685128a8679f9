"""A paid request keeps its cover period (`insurancerequest.cover_start`, `cover_end`),
decided once when it is paid, instead of each page working it out again (issue 23).
`cover_end` is indexed: reminders select the requests whose cover ends soon by it.

Requests paid already get theirs from their receipt's paid_at, by the rule the receipt
has shown them all along (domain.renewals: from the day paid in Kuwait, or the day after
the current cover ends on a renewal). A database older than the receipt table has no
paid request to fill in.
"""

from peewee import CharField, DateField, DateTimeField, IntegerField, Model

import migrations
from domain.dates import kuwait_day
from domain.renewals import paid_cover

PAID_STATES = ("paid", "refund_requested", "refunded")  # as stored when this was written


class _Request(Model):
    state = CharField()
    insurance_status = CharField(null=True)
    current_cover_end = DateField(null=True)
    years = IntegerField(null=True)
    cover_start = DateField(null=True)
    cover_end = DateField(null=True)

    class Meta:
        table_name = "insurancerequest"


class _Receipt(Model):
    request_id = IntegerField()
    paid_at = DateTimeField()

    class Meta:
        table_name = "receipt"


def up(migrator, db):
    if not migrations.has_table(db, "insurancerequest"):
        return
    steps = [
        migrator.add_column("insurancerequest", name, DateField(null=True))
        for name in ("cover_start", "cover_end")
        if not migrations.has_column(db, "insurancerequest", name)
    ]
    if steps:
        migrator.migrate(*steps)
    if not any(index.columns == ["cover_end"] for index in db.get_indexes("insurancerequest")):
        migrator.migrate(migrator.add_index("insurancerequest", ("cover_end",), False))
    if migrations.has_table(db, "receipt"):
        with db.bind_ctx([_Request, _Receipt]):
            _fill_paid_cover()


def _fill_paid_cover():
    paid = (
        _Request.select(_Request, _Receipt.paid_at)
        .join(_Receipt, on=(_Receipt.request_id == _Request.id), attr="receipt")
        .where(_Request.state.in_(PAID_STATES) & _Request.cover_end.is_null())
    )
    for row in paid:
        cover = paid_cover(
            kuwait_day(row.receipt.paid_at), row.insurance_status, row.current_cover_end, row.years
        )
        if cover is not None:
            _Request.update(cover_start=cover[0], cover_end=cover[1]).where(_Request.id == row.id).execute()
