"""`backup` with BACKUP_AGE_RECIPIENT keeps only a copy encrypted with age, and with
BACKUP_COPY_COMMAND hands it to a command to leave the machine; the restore docs/operating.md
describes (decrypt with the private key, put it in place, start) gives the site back."""

import shutil
import sqlite3
import subprocess

import pytest

import models
from settings import ConfigError, load_settings
from tests.helpers import PASSWORD, civil_id_for, login, make_app, register_and_login, requires_sqlite

needs_age = pytest.mark.skipif(shutil.which("age") is None, reason="the age tool is not installed")


@pytest.fixture
def age_key(tmp_path):
    """(the private key file, its public key) as age-keygen makes them."""
    identity = tmp_path / "backup-key.txt"
    made = subprocess.run(["age-keygen", "-o", str(identity)], capture_output=True, text=True, check=True)
    return identity, made.stderr.split("Public key: ")[1].strip()


@requires_sqlite
@needs_age
def test_encrypt_send_off_decrypt_restore_and_start(tmp_path, age_key):
    identity, recipient = age_key
    offsite = tmp_path / "offsite"
    offsite.mkdir()
    app = make_app(tmp_path, BACKUP_AGE_RECIPIENT=recipient, BACKUP_COPY_COMMAND=f"cp {{file}} {offsite}/")
    user = register_and_login(app.test_client())

    result = app.test_cli_runner().invoke(args=["backup", "--keep", "2"])
    assert result.exit_code == 0, result.output
    [kept] = (tmp_path / "instance" / "backups").iterdir()  # the encrypted copy alone
    assert kept.name.endswith(".sqlite3.age") and f"Backup written: {kept}" in result.output
    assert not kept.read_bytes().startswith(b"SQLite format 3")
    assert user.civil_id.encode() not in kept.read_bytes()
    sent = offsite / kept.name
    assert sent.read_bytes() == kept.read_bytes() and f"Backup sent off: {kept.name}" in result.output

    restored = tmp_path / "restored"
    restored.mkdir()
    database = restored / "tameen.sqlite3"
    subprocess.run(["age", "--decrypt", "-i", str(identity), "-o", str(database), str(sent)], check=True)
    with sqlite3.connect(database) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = make_app(restored, DATABASE_URL=f"sqlite:///{database}")
    with models.db.connection_context():
        assert models.User.get(models.User.civil_id == user.civil_id).can_log_in
    client = again.test_client()
    assert login(client, civil_id_for(1), PASSWORD).status_code == 302
    assert client.get("/account/").status_code == 200


@requires_sqlite
@needs_age
def test_encrypted_backups_are_pruned_like_plain_ones(tmp_path, age_key):
    app = make_app(tmp_path, BACKUP_AGE_RECIPIENT=age_key[1])
    for _ in range(3):
        assert app.test_cli_runner().invoke(args=["backup", "--keep", "2"]).exit_code == 0
    assert len(list((tmp_path / "instance" / "backups").glob("*.sqlite3.age"))) == 2


@requires_sqlite
def test_a_failed_copy_command_fails_the_backup_and_keeps_the_local_copy(tmp_path):
    app = make_app(tmp_path, BACKUP_COPY_COMMAND="false {file}")
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 1 and "BACKUP_COPY_COMMAND failed (exit 1)" in result.output
    assert len(list((tmp_path / "instance" / "backups").glob("*.sqlite3"))) == 1


def test_backup_settings_say_what_to_fix(tmp_path):
    base = {"APP_ENV": "testing"}
    with pytest.raises(ConfigError, match="never the private AGE-SECRET-KEY"):
        load_settings({**base, "BACKUP_AGE_RECIPIENT": "AGE-SECRET-KEY-1QQQ"}, tmp_path)
    with pytest.raises(ConfigError, match="must name the backup as {file}"):
        load_settings({**base, "BACKUP_COPY_COMMAND": "rsync -t vault:tameen/"}, tmp_path)
    with pytest.raises(ConfigError, match="cannot be read as a command"):
        load_settings({**base, "BACKUP_COPY_COMMAND": "scp '{file}"}, tmp_path)
    found = load_settings(
        {**base, "BACKUP_AGE_RECIPIENT": "age1uunln7p273n0tqg3u9k8n5pnz8zrg6jj50xcucet24qwx7tkx3lslfmnus"},
        tmp_path,
    )
    assert found["BACKUP_AGE_RECIPIENT"].startswith("age1") and found["BACKUP_COPY_COMMAND"] == ""
