"""tameen_cli: the single file's commands, run here from the source tree (test_dist.py runs
the built file)."""

import pytest
from click.testing import CliRunner

import commands
import tameen_cli
from tests.helpers import database_url_for


@pytest.fixture(autouse=True)
def _flask_cli_marker(monkeypatch):
    """FlaskGroup sets FLASK_RUN_FROM_CLI in os.environ; a later `python app.py` started with
    that environment would refuse to serve. Teardown takes it away again."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "APP_ENV": "testing",
        "SECRET_KEY": "cli-" + "k" * 40,
        "DATABASE_URL": database_url_for(tmp_path),
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(tameen_cli.build_cli(), list(args), prog_name="tameen.pyz")


def test_help_lists_serve_and_every_app_command(cli_env):
    result = invoke("--help")
    assert result.exit_code == 0, result.output
    for name in (
        "serve",
        "migrate",
        "init-db",
        "backup",
        "prune-security-records",
        "create-staff",
        "reconcile-payments",
    ):
        assert name in result.output
    assert "--app" not in result.output and "--env-file" not in result.output


def test_app_commands_run_through_the_file(cli_env):
    result = invoke("migrate")
    assert result.exit_code == 0, result.output
    assert "0001_baseline" in result.output


def test_a_configuration_problem_stops_an_app_command_with_the_reason(cli_env, monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    result = invoke("init-db")
    assert result.exit_code == 1
    assert "Tameen cannot start: APP_ENV must be one of" in result.output
    assert "No such command" not in result.output


def test_unknown_command(cli_env):
    result = invoke("no-such-command")
    assert result.exit_code == 2 and "No such command" in result.output


def test_instance_folder_defaults_to_the_working_directory(tmp_path, monkeypatch):
    import os

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INSTANCE_PATH", "")  # so that teardown puts back what was there
    monkeypatch.delenv("INSTANCE_PATH")
    monkeypatch.setattr(tameen_cli, "build_cli", lambda: _Recorder())
    tameen_cli.main(["--help"])
    assert os.environ["INSTANCE_PATH"] == str(tmp_path / "instance")


class _Recorder:
    def main(self, args, prog_name):
        self.args = args


@pytest.mark.parametrize("setting, expected", [("", 2 * 4 + 1), ("3", 3)])
def test_workers_from_the_core_count_or_web_concurrency(monkeypatch, setting, expected):
    monkeypatch.setattr(commands.os, "cpu_count", lambda: 4)
    monkeypatch.setenv("WEB_CONCURRENCY", setting)
    assert commands.workers() == expected


def test_web_concurrency_must_be_a_small_whole_number(monkeypatch):
    import click

    monkeypatch.setenv("WEB_CONCURRENCY", "lots")
    with pytest.raises(click.ClickException, match="WEB_CONCURRENCY"):
        commands.workers()
