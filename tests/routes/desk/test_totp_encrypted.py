"""The desk's TOTP secrets are encrypted at rest with TOTP_ENCRYPTION_KEY: the database
(and so a backup) holds no secret in clear; a secret from before (migration 0014) is
encrypted when the app migrates; another key cannot read them and says so."""

import pytest
from cryptography.fernet import Fernet

import migrations
import models
from models import StaffMember, secret_box
from tests.helpers import code_now, make_app, make_staff, staff_login

KEY = Fernet.generate_key().decode()


def stored_secret(staff) -> str:
    cursor = models.db.execute_sql(f"SELECT totp_secret FROM staffmember WHERE id = {int(staff.id)}")
    return cursor.fetchone()[0]


def test_the_database_holds_the_secret_encrypted_and_the_desk_still_logs_in(tmp_path, clock):
    app = make_app(tmp_path, TOTP_ENCRYPTION_KEY=KEY)
    staff = make_staff(app)
    stored = stored_secret(staff)
    assert stored.startswith("fernet:") and staff.totp_secret not in stored
    assert Fernet(KEY).decrypt(stored.removeprefix("fernet:").encode()).decode() == staff.totp_secret
    assert StaffMember.get_by_id(staff.id).totp_secret == staff.totp_secret
    assert staff_login(app.test_client(), staff, code_now(staff)).status_code == 302


def test_create_staff_stores_the_secret_encrypted(tmp_path, clock):
    app = make_app(tmp_path, TOTP_ENCRYPTION_KEY=KEY)
    result = app.test_cli_runner().invoke(
        args=["create-staff", "reviewer7", "--name", "Noura", "--civil-id", "291030104196"]
        + ["--password-stdin"],
        input="desk passphrase 2026\n",
    )
    assert result.exit_code == 0, result.output
    staff = StaffMember.get(StaffMember.login == "reviewer7")
    assert stored_secret(staff).startswith("fernet:") and staff.totp_secret in result.output


def test_migration_encrypts_secrets_kept_in_clear(tmp_path, clock):
    app = make_app(tmp_path, TOTP_ENCRYPTION_KEY=KEY)
    staff = make_staff(app)
    clear = staff.totp_secret
    models.db.execute_sql(f"UPDATE staffmember SET totp_secret = '{clear}'")  # as before 0014
    assert stored_secret(staff) == clear
    assert StaffMember.get_by_id(staff.id).totp_secret == clear  # read as it is meanwhile
    models.db.execute_sql("DELETE FROM schema_migration WHERE name = '0014_totp_encrypted'")

    assert "0014_totp_encrypted" in migrations.upgrade(models.db, models.MODELS)
    assert stored_secret(staff).startswith("fernet:")
    assert StaffMember.get_by_id(staff.id).totp_secret == clear


def test_another_key_cannot_read_the_secrets_and_says_which_setting(tmp_path, clock):
    staff = make_staff(make_app(tmp_path, TOTP_ENCRYPTION_KEY=KEY))
    make_app(tmp_path, TOTP_ENCRYPTION_KEY=Fernet.generate_key().decode())
    with pytest.raises(secret_box.SecretUnreadable, match="TOTP_ENCRYPTION_KEY"):
        StaffMember.get_by_id(staff.id)
