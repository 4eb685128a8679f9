"""Nothing in the app writes a record's private `__data__`: a record changes through its
fields (a conditional UPDATE, or setattr), so peewee knows what changed. Read from the
code, as test_layers.py reads the imports; the tests themselves may peek."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_THE_APP = {"tests", ".venv", "node_modules", "__pycache__"}
CHANGING_METHODS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}


def app_files() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not OUTSIDE_THE_APP.intersection(path.relative_to(ROOT).parts)
    ]


def _is_private_data(node) -> bool:
    while isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Attribute) and node.attr == "__data__"


def private_writes(source: str, path: str) -> list[str]:
    """One line per assignment to, deletion from or changing call on a `__data__`."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        if any(_is_private_data(target) for target in targets):
            found.append(f"{path}:{node.lineno} writes __data__")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CHANGING_METHODS
            and _is_private_data(node.func.value)
        ):
            found.append(f"{path}:{node.lineno} calls __data__.{node.func.attr}")
    return found


def test_no_app_code_writes_a_records_private_data():
    broken = []
    for path in app_files():
        relative = str(path.relative_to(ROOT))
        broken += private_writes(path.read_text(encoding="utf-8"), relative)
    assert not broken, "writes to peewee's private __data__:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    "source",
    [
        "record.__data__.update(fresh.__data__)\n",
        "self.__data__['state'] = 'paid'\n",
        "record.__data__ = {}\n",
        "del record.__data__['note']\n",
        "record.__data__.pop('note')\n",
    ],
)
def test_the_checker_finds_a_write(source):
    assert len(private_writes(source, "models/sample.py")) == 1


def test_reading_is_not_a_write():
    source = "before = dict(record.__data__)\nstate = record.__data__.get('state')\n"
    assert private_writes(source, "models/sample.py") == []
