"""The desk's TOTP secrets encrypted at rest (issue 25): `staffmember.totp_secret` grows
to hold a Fernet token, and every secret still in clear is encrypted with
TOTP_ENCRYPTION_KEY (models.secret_box), which the app sets before it migrates (in
production the key is required, so it always has one). Upgraded by migrations.upgrade()
alone, without a key, the secrets are left in clear and are still read as they are.
"""

from peewee import CharField, Model

import migrations
from models import secret_box


class _Staff(Model):
    totp_secret = CharField()

    class Meta:
        table_name = "staffmember"


def up(migrator, db):
    if not migrations.has_table(db, "staffmember"):
        return
    migrator.migrate(migrator.alter_column_type("staffmember", "totp_secret", CharField(max_length=255)))
    if not secret_box.has_key():
        return
    with db.bind_ctx([_Staff]):
        for staff in _Staff.select(_Staff.id, _Staff.totp_secret):
            if not secret_box.is_encrypted(staff.totp_secret):
                sealed = secret_box.seal(staff.totp_secret)
                _Staff.update(totp_secret=sealed).where(
                    (_Staff.id == staff.id) & (_Staff.totp_secret == staff.totp_secret)
                ).execute()
