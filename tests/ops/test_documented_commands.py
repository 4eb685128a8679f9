"""Every command the README and the guides show works as written: each `flask --app app
COMMAND` (run from a checkout, where APP_ENV defaults to development) and each
`tameen.pyz COMMAND` (the single file's own command line, here run from the source)
answers `COMMAND --help` with exit status 0."""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FLASK = re.compile(r"(?:\.venv/bin/)?flask --app app ([a-z][a-z-]+)")
PYZ = re.compile(r"tameen\.pyz ([a-z][a-z-]+)")


def documented(pattern: re.Pattern) -> list[str]:
    return sorted({name for guide in GUIDES for name in pattern.findall(guide.read_text())})


FLASK_COMMANDS = documented(FLASK)
PYZ_COMMANDS = documented(PYZ)


def test_the_guides_show_commands_of_both_kinds():
    assert {"create-staff", "backup", "migrate"} <= set(FLASK_COMMANDS)
    assert {"serve", "backup", "migrate"} <= set(PYZ_COMMANDS)


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[tuple[str, str], subprocess.CompletedProcess]:
    """(kind, command) -> its `--help` run, as a newcomer would run it: no APP_ENV set."""
    folder = tmp_path_factory.mktemp("documented")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("APP_", "FLASK_"))}
    env.pop("DATABASE_URL", None)
    env["INSTANCE_PATH"] = str(folder / "instance")
    flask = str(Path(sys.executable).with_name("flask"))
    pyz = [sys.executable, "-c", "import tameen_cli; tameen_cli.main()"]
    runs = [("flask", name, [flask, "--app", "app", name, "--help"]) for name in FLASK_COMMANDS]
    runs += [("tameen.pyz", name, [*pyz, name, "--help"]) for name in PYZ_COMMANDS]

    def run(command):
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(run, [command for _kind, _name, command in runs]))
    return {(kind, name): result for (kind, name, _command), result in zip(runs, done, strict=True)}


@pytest.mark.parametrize("name", FLASK_COMMANDS)
def test_each_flask_command_shown_runs_from_a_checkout(answers, name):
    result = answers["flask", name]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage:" in result.stdout


@pytest.mark.parametrize("name", PYZ_COMMANDS)
def test_each_tameen_pyz_command_shown_runs(answers, name):
    result = answers["tameen.pyz", name]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage:" in result.stdout
