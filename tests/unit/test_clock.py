"""The one clock (clock.py): every "now" and "today in Kuwait" in the app asks it, and
the app's code reads the time nowhere else (an AST check, like the layers' test)."""

import ast
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import clock

ROOT = Path(__file__).resolve().parents[2]

# Calls that read the machine's clock. Monotonic timers (time.monotonic, perf_counter)
# measure durations and stay allowed.
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}


def app_modules() -> list[str]:
    """Every Python file of the app that git knows, tests and the clock itself aside."""
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split() if not name.startswith("tests/") and name != "clock.py"]


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def wall_clock_reads(source: str, path: str) -> list[str]:
    """One line per place that reads the wall clock other than through clock.py: a call,
    or the function passed on to be called later (a column's default, say)."""
    tree = ast.parse(source, filename=path)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [
                f"{path}:{node.lineno} imports time.{alias.name}"
                for alias in node.names
                if alias.name in ("time", "time_ns")
            ]
        elif isinstance(node, ast.Attribute):
            name = _dotted(node)
            if name and tuple(name.split(".")[-2:]) in WALL_CLOCK_CALLS:
                verb = "calls" if id(node) in called else "passes"
                found.append(f"{path}:{node.lineno} {verb} {name}")
    return found


def test_the_app_reads_the_time_only_through_the_one_clock():
    found = []
    for path in app_modules():
        found += wall_clock_reads((ROOT / path).read_text(encoding="utf-8"), path)
    assert not found, "read the time through clock.now() or clock.today_in_kuwait():\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\nat = datetime.now()\n",
        "import datetime\nat = datetime.datetime.now(datetime.UTC)\n",
        "from datetime import datetime\nat = datetime.utcnow()\n",
        "from datetime import date\nday = date.today()\n",
        "import time\nat = time.time()\n",
        "from time import time\n",
        "from datetime import datetime\nfield = DateTimeField(default=datetime.now)\n",
    ],
)
def test_the_check_finds_each_way_of_reading_the_wall_clock(source):
    assert wall_clock_reads(source, "views/sample.py")


def test_the_check_leaves_timers_and_dates_alone():
    source = "import time\nstarted = time.perf_counter()\ntime.monotonic()\nday = date(2026, 1, 1)\n"
    assert wall_clock_reads(source, "views/sample.py") == []


# --- the clock itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    "at, day",
    [
        (datetime(2026, 12, 31, 20, 59, 59), date(2026, 12, 31)),
        (datetime(2026, 12, 31, 21, 0, 0), date(2027, 1, 1)),
        (datetime(2027, 2, 28, 21, 30), date(2027, 3, 1)),
        (datetime(2028, 2, 28, 21, 0), date(2028, 2, 29)),
    ],
)
def test_kuwaits_day_starts_at_21_utc(monkeypatch, at, day):
    monkeypatch.setattr(clock, "_frozen_at", at)
    assert clock.now() == at and clock.today_in_kuwait() == day


def test_a_started_clock_runs_on_from_where_it_was_started(monkeypatch):
    monkeypatch.setattr(clock, "_offset", timedelta(0))
    clock.start_at(datetime(2027, 2, 28, 21, 30))
    first = clock.now()
    assert timedelta(0) <= first - datetime(2027, 2, 28, 21, 30) < timedelta(seconds=5)
    assert clock.today_in_kuwait() == date(2027, 3, 1)
    assert clock.now() >= first


@pytest.mark.parametrize(
    "text, instant",
    [
        ("2027-02-28T21:30:00Z", datetime(2027, 2, 28, 21, 30)),
        ("2026-12-31T23:59:00+03:00", datetime(2026, 12, 31, 20, 59)),
        ("2026-12-31 20:59", datetime(2026, 12, 31, 20, 59)),
    ],
)
def test_the_environment_names_an_instant_in_utc_or_with_its_offset(text, instant):
    assert clock.parse_instant(text) == instant


def test_the_environment_starts_the_clock_once_per_process(monkeypatch):
    monkeypatch.setattr(clock, "_offset", timedelta(0))
    monkeypatch.setattr(clock, "_started_from", None)
    assert clock.start_from_environment({}) is None and clock._offset == timedelta(0)
    started = clock.start_from_environment({"TAMEEN_CLOCK": "2030-06-01T00:00:00Z"})
    assert started == datetime(2030, 6, 1) and clock.today_in_kuwait() == date(2030, 6, 1)
    # a later app in the same process does not move it back to the start
    assert clock.start_from_environment({"TAMEEN_CLOCK": "2031-01-01T00:00:00Z"}) == datetime(2030, 6, 1)


def test_a_production_app_never_reads_the_clock_setting(tmp_path, monkeypatch):
    from tests.helpers import make_app

    monkeypatch.setattr(clock, "_offset", timedelta(0))
    monkeypatch.setattr(clock, "_started_from", None)
    monkeypatch.setenv("TAMEEN_CLOCK", "2030-06-01T00:00:00Z")
    make_app(tmp_path / "p", APP_ENV="production", SECRET_KEY="x" * 40)
    assert clock._started_from is None and clock._offset == timedelta(0)
    make_app(tmp_path / "d", APP_ENV="development")
    assert clock._started_from == datetime(2030, 6, 1)
