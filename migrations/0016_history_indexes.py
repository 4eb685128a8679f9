"""Indexes for what staff and jobs look up in a history of millions of paid requests
(issue 24): each desk search key, payments by the day they were made, renewals by the day
they started, and a request's audit events in time order. Without them each of those
reads every row ever written.

* `insuredperson.civil_id`, `insurancerequest.sponsor_civil_id`, `user.released_civil_id`:
  the desk's search by a covered person's, a sponsor's or a former holder's civil ID
  (the reference, the track id and a holder's civil ID are unique, so indexed already).
* `payment.created_at`, `refund.requested_at`: the desk's search by day and the CSV
  exports of a period.
* `renewal.created_at`: the desk's count of renewals that followed a reminder lately.
* `auditevent (request_id, at)`: a request's events oldest first; it takes the place of
  the index on `request_id` alone, which it covers.

The cover end that reminders read is indexed since 0010. Each index is made only when
missing, so a database that has some already (made by hand) is upgraded all the same.
"""

NEW = (
    ("insuredperson", ("civil_id",)),
    ("insurancerequest", ("sponsor_civil_id",)),
    ("user", ("released_civil_id",)),
    ("payment", ("created_at",)),
    ("renewal", ("created_at",)),
    ("refund", ("requested_at",)),
    ("auditevent", ("request_id", "at")),
)
REPLACED = ("auditevent", ("request_id",))


def up(migrator, db):
    tables = set(db.get_tables())
    steps = []
    for table, columns in NEW:
        if table in tables and not _indexed(db, table, columns):
            steps.append(migrator.add_index(table, columns, False))
    table, columns = REPLACED
    if table in tables:
        for index in db.get_indexes(table):
            if tuple(index.columns) == columns and not index.unique:
                steps.append(migrator.drop_index(table, index.name))
    if steps:
        migrator.migrate(*steps)


def _indexed(db, table: str, columns: tuple[str, ...]) -> bool:
    return any(tuple(index.columns) == columns for index in db.get_indexes(table))
