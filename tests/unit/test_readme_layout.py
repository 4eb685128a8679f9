"""The developers' guide's "How the code is laid out" (docs/development.md) is true: it
names every top-level folder and module of the checkout, and, in each package's row,
every sub-package of it."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = "docs/development.md"
SECTION = "## How the code is laid out"


def layout_rows() -> dict[str, str]:
    """Each row of the layout table: its first cell's names (`a/`, `b.py`) -> the row."""
    text = (ROOT / GUIDE).read_text(encoding="utf-8")
    table = text[text.index(SECTION) :].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        for name in re.findall(r"`([^`]+)`", first_cell):
            rows[name] = line
    return rows


def tracked_top_level() -> set[str]:
    """Top-level folders (as `name/`) and Python modules that git holds, hidden ones aside."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    found = set()
    for path in listed.stdout.split():
        first, _, rest = path.partition("/")
        if first.startswith("."):
            continue
        if rest:
            found.add(first + "/")
        elif first.endswith(".py"):
            found.add(first)
    return found


def test_the_layout_names_every_top_level_folder_and_module():
    missing = sorted(tracked_top_level() - set(layout_rows()))
    assert not missing, f"{GUIDE}'s {SECTION!r} does not name: {', '.join(missing)}"


def test_each_package_row_names_its_sub_packages():
    rows = layout_rows()
    missing = []
    for name, row in rows.items():
        folder = ROOT / name
        if not name.endswith("/") or not (folder / "__init__.py").is_file():
            continue
        for child in sorted(folder.iterdir()):
            if (child / "__init__.py").is_file() and f"`{child.name}/`" not in row:
                missing.append(f"{name}{child.name}/")
    assert not missing, f"{GUIDE}'s {SECTION!r} does not name: {', '.join(missing)}"


def test_the_table_is_read_from_the_readme():
    rows = layout_rows()
    assert "app.py" in rows and "views/" in rows and "tests/" in rows
