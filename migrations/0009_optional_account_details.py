"""Registration asks only what paying needs (issue 16): an account may have one name, in
either script, and no user name, e-mail, gender, governorate or kind of account until its
holder adds them on the account page. Existing rows keep their values."""

import migrations

OPTIONAL = ("name_ar", "name_en", "user_name", "email", "gender", "governorate", "account_kind")


def up(migrator, db):
    if not migrations.has_table(db, "user"):
        return
    required = {column.name for column in db.get_columns("user") if not column.null}
    steps = [migrator.drop_not_null("user", name) for name in OPTIONAL if name in required]
    if steps:
        migrator.migrate(*steps)
