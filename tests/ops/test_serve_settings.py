"""`serve` takes gunicorn's settings in gunicorn's own order: its own (commands.gunicorn_options)
first, then a config file (GUNICORN_CMD_ARGS's --config, else ./gunicorn.conf.py), then
GUNICORN_CMD_ARGS; and its fork hooks run whatever the file names too."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import commands
import models
from tests.helpers import database_url_for, make_app

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {"HOST": "127.0.0.1", "PORT": 8000, "SMS_HTTP_TIMEOUT": 10, "SMS_HTTP_RETRIES": 2}

CONFIG_FILE = """
threads = 2
max_requests = 1000
called = []

def post_fork(server, worker):
    called.append("theirs")
"""


def gunicorn_for(monkeypatch, folder: Path, cmd_args: str):
    """gunicorn's configuration as serve builds it, run from `folder`."""
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", cmd_args)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    server, logger = commands._gunicorn_classes()
    return server(object(), commands.gunicorn_options(SETTINGS, logger)).cfg


def test_without_either_serve_keeps_its_own_settings(monkeypatch, tmp_path):
    cfg = gunicorn_for(monkeypatch, tmp_path, "")
    assert cfg.workers == 3 and cfg.threads == 1 and cfg.preload_app and cfg.bind == ["127.0.0.1:8000"]
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"] and cfg.forwarder_headers == []


def test_gunicorn_conf_py_in_the_working_folder_then_gunicorn_cmd_args(monkeypatch, tmp_path):
    (tmp_path / "gunicorn.conf.py").write_text(CONFIG_FILE)
    cfg = gunicorn_for(monkeypatch, tmp_path, "--threads 4 --statsd-host 127.0.0.1:8125")
    assert cfg.threads == 4  # GUNICORN_CMD_ARGS over the file
    assert cfg.max_requests == 1000  # the file over serve's own
    assert cfg.statsd_host == ("127.0.0.1", 8125)
    assert (
        cfg.workers == 3 and cfg.preload_app and cfg.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    )


def test_a_config_file_named_in_gunicorn_cmd_args(monkeypatch, tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "tameen.conf.py").write_text(CONFIG_FILE)
    cfg = gunicorn_for(monkeypatch, tmp_path, f"--config {tmp_path / 'etc' / 'tameen.conf.py'} --workers 5")
    assert cfg.threads == 2 and cfg.max_requests == 1000 and cfg.workers == 5


def test_serves_fork_hooks_run_before_the_config_files(monkeypatch, tmp_path):
    (tmp_path / "gunicorn.conf.py").write_text(CONFIG_FILE)
    cfg = gunicorn_for(monkeypatch, tmp_path, "")
    make_app(tmp_path)
    forgotten = []
    monkeypatch.setattr(models, "forget_inherited_connections", lambda: forgotten.append("ours"))
    cfg.post_fork(None, None)
    assert forgotten == ["ours"] and sys.modules["__config__"].called == ["theirs"]

    models.db.connect()
    cfg.pre_fork(None, None)  # the master's connection is closed before the fork
    assert models.db.is_closed()


def test_serve_passes_gunicorn_cmd_args_to_gunicorn(tmp_path):
    """The real serve, asked to print gunicorn's parsed configuration and stop."""
    make_app(tmp_path)  # a current schema: serve would refuse otherwise
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "APP_"))}
    env.update(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "test-" + "x" * 40,
            "DATABASE_URL": database_url_for(tmp_path),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_CMD_ARGS": "--threads 4 --max-requests 500 --print-config",
            "PYTHONPATH": str(ROOT),
        }
    )
    printed = subprocess.run(
        [sys.executable, "-c", "import tameen_cli; tameen_cli.main()", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", printed.stdout, re.MULTILINE))
    assert config["threads"] == "4" and config["max_requests"] == "500"
    assert config["workers"] == "2" and config["preload_app"] == "True"
    assert config["forwarder_headers"] == "[]" and config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert "with 2 gthread workers" in printed.stderr


@pytest.mark.parametrize("value", ["", "--threads 4"])
def test_the_options_serve_starts_from_are_unchanged(value, monkeypatch):
    """GUNICORN_CMD_ARGS changes gunicorn's configuration, not serve's own starting point."""
    monkeypatch.setenv("GUNICORN_CMD_ARGS", value)
    assert "threads" not in commands.gunicorn_options(SETTINGS)
