"""The single file: built as `make dist` builds it, then run as an operator would, with a
fresh SQLite database, under the production settings. One build for the whole module."""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The interpreter without the test venv, and -S -I: only what the file carries is importable.
PYTHON = [getattr(sys, "_base_executable", sys.executable), "-S", "-I"]
# The site's public address; the server answers no other host (its health check excepted).
PUBLIC_HOST = "tameen.test"

pytestmark = pytest.mark.dist


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def pyz(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("dist") / "tameen.pyz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_dist.py"), "--output", str(output)],
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    return output


@pytest.fixture
def site(tmp_path, pyz) -> dict:
    """Where an operator would run it: a working folder, the environment of the systemd unit."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "APP_"))}
    env.update(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "dist-" + "s" * 40,
            "TOTP_ENCRYPTION_KEY": "ZGlzdC10ZXN0LXRvdHAta2V5LTMyLWJ5dGVzLWxvbmc=",
            "SMS_HTTP_URL": "https://sms.invalid/send",
            "PUBLIC_URL": f"https://{PUBLIC_HOST}",
            "OPERATOR_NAME_EN": "Dist Test Operator",
            "PAYMENT_GATEWAY": "sandbox",
            "ALLOW_SANDBOX_IN_PRODUCTION": "1",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'tameen.sqlite3'}",
            "SHIV_ROOT": str(tmp_path / "shiv"),
        }
    )
    env.pop("INSTANCE_PATH", None)
    return {"env": env, "port": port, "folder": tmp_path, "pyz": pyz}


def run(site: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PYTHON, str(site["pyz"]), *args],
        cwd=site["folder"],
        env=site["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def fetch(port: int, path: str, headers: dict | None = None):
    """As the reverse proxy would ask: for the public host, unless `headers` say another."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": PUBLIC_HOST, **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, dict(response.headers), response.read()


def test_the_file_carries_the_app_its_data_and_compiled_translations(pyz):
    with zipfile.ZipFile(pyz) as archive:
        names = set(archive.namelist())
    for needed in (
        "tameen_cli.py",
        "app.py",
        "models/__init__.py",
        "templates/base.html",
        "static/js/htmx-2.0.11.min.js",
        "fee_schedules/seed.toml",
        "migrations/0001_baseline.py",
        "translations/ar/LC_MESSAGES/messages.mo",
        "translations/en/LC_MESSAGES/messages.mo",
        "domain/data/common-passwords.txt.gz",
        "flask/__init__.py",
        "gunicorn/__init__.py",
        "psycopg2/__init__.py",
    ):
        assert f"site-packages/{needed}" in names, needed
    assert not any(
        name.startswith(("site-packages/tests/", "site-packages/bench/", "site-packages/scripts/"))
        for name in names
    )
    assert not any(name.startswith("site-packages/translations/") and name.endswith(".po") for name in names)


def test_serve_refuses_a_fresh_database_then_answers_after_migrate(site):
    refused = run(site, "serve")
    assert refused.returncode == 1 and "the database has none of Tameen's tables yet" in refused.stderr
    assert "python3 tameen.pyz migrate" in refused.stderr
    assert run(site, "migrate").returncode == 0
    log = open(site["folder"] / "serve.log", "w+")
    server = subprocess.Popen(
        [*PYTHON, str(site["pyz"]), "serve"],
        cwd=site["folder"],
        env=site["env"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90  # the first run unpacks the file
        while True:
            assert server.poll() is None, (site["folder"] / "serve.log").read_text()
            try:
                status, _headers, body = fetch(site["port"], "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, (site["folder"] / "serve.log").read_text()
                time.sleep(0.2)
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "up"}

        status, headers, body = fetch(site["port"], "/", {"X-Request-Id": "dist-test-0001"})
        page = body.decode()
        assert status == 200 and '<html lang="ar" dir="rtl">' in page
        assert "ادفع" in page  # the Arabic catalogue, compiled into the file
        assert headers["Strict-Transport-Security"] and headers["X-Request-Id"] == "dist-test-0001"
        english = fetch(site["port"], "/?lang=en")[2].decode()
        assert '<html lang="en" dir="ltr">' in english
        asset = re.search(r'href="(/static/css/[^"]+)"', page).group(1)
        assert fetch(site["port"], asset)[0] == 200
        with pytest.raises(urllib.error.HTTPError) as other_host:
            fetch(site["port"], "/", {"Host": "attacker.example"})
        assert other_host.value.code == 400
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0

    log.seek(0)
    lines = [json.loads(line) for line in log.read().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "tameen.request"]
    start_page = [line for line in requests if line["path"] == "/" and line["query"] == ""]
    assert start_page and start_page[0]["status"] == 200
    assert start_page[0]["request_id"] == "dist-test-0001"
    assert (site["folder"] / "tameen.sqlite3").exists()
    assert (site["folder"] / "instance").is_dir()  # ./instance, not inside the unpacked file
    with sqlite3.connect(site["folder"] / "tameen.sqlite3") as check:
        recorded = [name for (name,) in check.execute("SELECT name FROM schema_migration ORDER BY name")]
    assert recorded == sorted(path.stem for path in (ROOT / "migrations").glob("[0-9]*.py"))


def test_the_operator_commands(site):
    version = run(site, "--version")
    assert version.returncode == 0 and re.fullmatch(
        r"Tameen \S+ \(built \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\nschema \d{4}_\w+\n", version.stdout
    ), version.stdout
    assert run(site, "init-db").returncode == 0
    migrate = run(site, "migrate")
    assert migrate.returncode == 0 and "Schema up to date." in migrate.stdout
    backup = run(site, "backup")
    assert backup.returncode == 0, backup.stderr
    assert len(list((site["folder"] / "instance" / "backups").glob("tameen-*.sqlite3"))) == 1
    listing = run(site, "--help").stdout
    for command in ("serve", "migrate", "init-db", "backup", "create-staff", "reconcile-payments"):
        assert command in listing
    refused = subprocess.run(
        [*PYTHON, str(site["pyz"]), "backup"],
        cwd=site["folder"],
        env={**site["env"], "SECRET_KEY": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "SECRET_KEY is required in production" in refused.stderr


def test_a_start_removes_what_older_builds_unpacked_but_not_its_own(site):
    shiv_root = Path(site["env"]["SHIV_ROOT"])
    older = shiv_root / "tameen.pyz_0123456789abcdef"
    (older / "site-packages").mkdir(parents=True)
    (older / "in-use").touch()  # unpacked by an earlier build whose processes have all ended
    assert run(site, "--help").returncode == 0
    [current] = shiv_root.glob("tameen.pyz_*")
    assert not older.exists() and (current / "site-packages" / "app.py").is_file()
    assert (current / "in-use").is_file()
