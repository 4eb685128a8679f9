"""The layers, read from the code: every import of every module (those inside functions
too) is checked against what its layer may not import.

    domain/    pure rules: no web framework, no database, nothing above it
    models     the tables: no workflows, no pages, no outside services
    services/  the workflows: no pages, no request hooks
    gateways/  the outside services (SMS, the bank): no pages, no workflows

A payment's path reads top to bottom, view -> service -> model and gateway, and these
rules keep it from turning back. The tests have a rule of their own: no test module
imports another, nor a conftest.py.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "domain": {
        "flask",
        "flask_babel",
        "flask_wtf",
        "peewee",
        "playhouse",
        "models",
        "services",
        "views",
        "web",
        "gateways",
    },
    "models": {"services", "views", "web", "gateways"},
    "services": {"views", "web"},
    "gateways": {"views", "web", "services"},
}


def layer_files(layer: str) -> list[Path]:
    """The modules of a layer: its package's files, or `models.py` while models is one module."""
    files = sorted((ROOT / layer).rglob("*.py"))
    if (ROOT / f"{layer}.py").exists():
        files.append(ROOT / f"{layer}.py")
    return [path for path in files if "__pycache__" not in path.parts]


def dotted_name(path: str) -> str:
    """models/payments.py -> models.payments; services/__init__.py -> services."""
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(source: str, path: str, members: bool = False) -> list[tuple[int, str]]:
    """(line, absolute name) of every module `source` imports, wherever the statement is;
    with `members`, what `from x import y` takes too (x.y, maybe a module)."""
    module = dotted_name(path)
    package = module if Path(path).name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            found.append((node.lineno, name))
            if members:
                found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return sorted(found)


def broken_rules(source: str, path: str, layer: str) -> list[str]:
    """One line per import the layer forbids: where it is and what it imports."""
    return [
        f"{path}:{line} imports {name} ({layer} imports no {', '.join(sorted(FORBIDDEN[layer]))})"
        for line, name in imports_in(source, path)
        if name.split(".")[0] in FORBIDDEN[layer]
    ]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer):
    files = layer_files(layer)
    assert files, f"no modules found for the layer {layer}"
    broken = []
    for path in files:
        relative = str(path.relative_to(ROOT))
        broken += broken_rules(path.read_text(encoding="utf-8"), relative, layer)
    assert not broken, "imports across the layers:\n" + "\n".join(broken)


def shared_test_code_broken(source: str, path: str) -> list[str]:
    """One line per import of a test module or a conftest.py."""
    return [
        f"{path}:{line} imports {name}"
        for line, name in imports_in(source, path, members=True)
        if name.startswith("tests.") and name.rpartition(".")[2].startswith(("test_", "conftest"))
    ]


def test_no_test_module_imports_another_and_no_conftest_is_imported():
    """Shared test code is a fixture (conftest.py) or lives in tests/helpers.py (browser
    steps in tests/browser/steps.py), so a test module can move without breaking another."""
    broken = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        broken += shared_test_code_broken(path.read_text(encoding="utf-8"), relative)
    assert not broken, "test modules importing test modules or conftest:\n" + "\n".join(broken)


# --- the checker itself ------------------------------------------------------------------


def test_the_checker_finds_a_forbidden_import_inside_a_function():
    source = "import json\n\n\ndef total():\n    from flask import request\n    return request\n"
    assert broken_rules(source, "domain/sample.py", "domain") == [
        "domain/sample.py:5 imports flask (domain imports no flask, flask_babel, flask_wtf, gateways, "
        "models, peewee, playhouse, services, views, web)"
    ]


@pytest.mark.parametrize(
    "source, layer, path, name",
    [
        ("import views.payments.pay\n", "services", "services/payments.py", "views.payments.pay"),
        ("from web.htmx import is_htmx\n", "services", "services/payments.py", "web.htmx"),
        ("from services import payments\n", "gateways", "gateways/payments/knet.py", "services"),
        ("from gateways.sms import OutboxBackend\n", "models", "models/accounts.py", "gateways.sms"),
        ("import models\n", "domain", "domain/quote.py", "models"),
        ("from playhouse.db_url import connect\n", "domain", "domain/__init__.py", "playhouse.db_url"),
    ],
)
def test_the_checker_names_what_each_layer_may_not_import(source, layer, path, name):
    (broken,) = broken_rules(source, path, layer)
    assert broken.startswith(f"{path}:1 imports {name} ")


def test_relative_imports_are_read_as_the_modules_they_name():
    source = "from . import base\nfrom .. import money\nfrom .knet import KnetGateway\n"
    assert imports_in(source, "gateways/payments/__init__.py") == [
        (1, "gateways.payments"),
        (2, "gateways"),
        (3, "gateways.payments.knet"),
    ]
    assert imports_in(source.splitlines()[0], "models/payments.py") == [(1, "models")]


def test_allowed_imports_pass():
    source = "import re\nfrom datetime import date\nfrom domain.money import format_kwd\n"
    for layer in FORBIDDEN:
        assert broken_rules(source, f"{layer}/sample.py", layer) == []
    assert (
        broken_rules("from flask import current_app\nimport models\n", "services/sample.py", "services") == []
    )


@pytest.mark.parametrize(
    "source",
    [
        "from tests.routes.requests.test_requests import ADULT\n",
        "from tests.routes.requests import test_requests\n",
        "from . import conftest\n",
        "def helper():\n    from tests.conftest import form_post\n",
    ],
)
def test_the_checker_finds_a_test_module_or_conftest_imported(source):
    (broken,) = shared_test_code_broken(source, "tests/routes/desk/test_sample.py")
    assert broken.startswith("tests/routes/desk/test_sample.py:")
    assert shared_test_code_broken("from tests.helpers import form_post\n", "tests/unit/test_x.py") == []
