"""The layers, read from the code: every import of every module (those inside functions
too) is checked against what its layer may not import.

    domain/    pure rules: no web framework, no database, nothing above it
    models     the tables: no workflows, no pages, no outside services
    services/  the workflows: no pages, no request hooks
    gateways/  the outside services (SMS, the bank): no pages, no workflows

    views/     thin: no feature's pages import another feature's (what two share lives in
               views/shared), and no page writes a record: services do

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


# --- views: one feature's pages import no other feature's pages --------------------------

# What two features' pages share lives in views/shared, which imports no feature's views.
SHARED_VIEWS = "shared"


def feature_of(path: str) -> str | None:
    """views/requests/questions.py -> requests; views/fees.py -> fees; views/__init__.py -> None."""
    parts = Path(path).with_suffix("").parts
    if parts[0] != "views" or parts[1:] in ((), ("__init__",)):
        return None
    return parts[1]


def crossed_features(source: str, path: str) -> list[str]:
    """One line per statement importing another feature's views (views/shared is no feature)."""
    own = feature_of(path)
    broken, seen = [], set()
    for line, name in imports_in(source, path, members=True):
        parts = name.split(".")
        if parts[0] != "views" or len(parts) < 2 or parts[1] in (own, SHARED_VIEWS):
            continue
        if own is None or line in seen:
            continue  # views/__init__.py; or the module's members, once the module is named
        seen.add(line)
        broken.append(f"{path}:{line} imports {name} (the {own} views import no other feature's views)")
    return broken


def test_no_feature_imports_another_features_views():
    broken = []
    for path in layer_files("views"):
        relative = str(path.relative_to(ROOT))
        broken += crossed_features(path.read_text(encoding="utf-8"), relative)
    assert not broken, "views importing another feature's views:\n" + "\n".join(broken)


# --- views: writes go through services ---------------------------------------------------

# Any call of these methods in views/ is taken for a database write...
WRITES = {"save", "create", "update", "get_or_create", "bulk_create", "bulk_update", "set_by_id"}
WRITE_PREFIXES = ("delete", "insert")
# ...and of these only on a model named from `models`: strings and dates have .replace too.
MODEL_ONLY_WRITES = {"replace", "replace_many"}
# Flask's session is a dict.
NOT_MODELS = {"session"}


def _dict_names(tree: ast.AST) -> set[str]:
    """Names the module binds to a dict or set: a display, a comprehension, dict(...) or
    set(...), or an annotation that says dict or set."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value, annotation = node.targets, node.value, None
        elif isinstance(node, ast.AnnAssign):
            targets, value, annotation = [node.target], node.value, node.annotation
        else:
            continue
        is_dict = isinstance(value, (ast.Dict, ast.Set, ast.DictComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and ast.unparse(value.func) in ("dict", "set", "dict.fromkeys")
        )
        if annotation is not None and ast.unparse(annotation).split("[")[0] in ("dict", "set"):
            is_dict = True
        if is_dict:
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def _imported_from(tree: ast.AST, package: str) -> set[str]:
    """The names a module binds by importing from `package` (or `package` itself)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == package:
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.split(".")[0] == package
            )
    return names


def writes_in(source: str, path: str) -> list[str]:
    """One line per call that may write a record: receiver.method(...) for a write method.
    Allowed: a dict or set the module made (`errors.update(...)`), Flask's session, and a
    service module (`express.save_workers(...)`); `.replace` only counts on a model."""
    tree = ast.parse(source, filename=path)
    dicts = _dict_names(tree) | NOT_MODELS
    services = _imported_from(tree, "services")
    models = _imported_from(tree, "models")
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        root = receiver
        while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
            root = root.func if isinstance(root, ast.Call) else root.value
        root_name = root.id if isinstance(root, ast.Name) else None
        if isinstance(receiver, ast.Name) and receiver.id in dicts | services:
            continue
        if method in MODEL_ONLY_WRITES:
            is_write = root_name in models
        else:
            is_write = method in WRITES or method.startswith(WRITE_PREFIXES)
        if is_write:
            found.append(
                f"{path}:{node.lineno} calls {ast.unparse(node.func)}() (views write through services)"
            )
    return found


def test_views_write_only_through_services():
    broken = []
    for path in layer_files("views"):
        relative = str(path.relative_to(ROOT))
        broken += writes_in(path.read_text(encoding="utf-8"), relative)
    assert not broken, "writes in views:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    "source, path, name",
    [
        ("from views.accounts.forms import CodeForm\n", "views/express/sponsor.py", "views.accounts.forms"),
        ("from views.requests import people_rows\n", "views/uploads/checking.py", "views.requests"),
        ("import views.payments.pay\n", "views/requests/review.py", "views.payments.pay"),
        ("def f():\n    from views import fees\n", "views/pages.py", "views.fees"),
        ("from views.calculator_answers import check\n", "views/fees.py", "views.calculator_answers"),
        ("from views.requests.forms import STATUS_LABELS\n", "views/shared/forms.py", "views.requests.forms"),
    ],
)
def test_the_checker_finds_a_feature_importing_another(source, path, name):
    broken = crossed_features(source, path)
    assert broken and broken[0].startswith(f"{path}:")
    assert any(f" imports {name} " in line for line in broken)


def test_a_feature_may_import_its_own_views_and_the_shared_ones():
    source = (
        "from views.desk.forms import SearchForm\nfrom views.shared import code_step\n"
        "from views.shared.forms import CodeForm\nfrom web.htmx import is_htmx\n"
    )
    assert crossed_features(source, "views/desk/search.py") == []
    assert crossed_features("from views.fees import bp\n", "views/fees.py") == []
    assert crossed_features("from views.shared.forms import CodeForm\n", "views/shared/code_step.py") == []


def test_every_crossing_is_found_once_per_statement():
    source = "from views.requests.review import cover_problems, review\nfrom views.requests import refund\n"
    broken = crossed_features(source, "views/express/payment.py")
    assert len(broken) == 2 and broken[1].startswith("views/express/payment.py:2 imports views.requests ")
    assert crossed_features(source, "views/requests/questions.py") == []


@pytest.mark.parametrize(
    "source",
    [
        "from models import StaffMember\n\n\ndef f(at):\n    StaffMember.update(at=at).execute()\n",
        "import models\n\n\ndef f():\n    models.StaffMember.delete().execute()\n",
        "from flask import g\n\n\ndef f():\n    g.user.save()\n",
        "def f(request_):\n    request_.people.first().delete_instance()\n",
        "from models import Refund\n\n\ndef f(**row):\n    Refund.insert(**row).execute()\n",
        "from models import User\n\n\ndef f(**row):\n    return User.create(**row)\n",
        "from models import User\n\n\ndef f(**row):\n    User.replace(**row).execute()\n",
        "def f(form, user):\n    form.populate_obj(user)\n    user.save(only=[user.name])\n",
    ],
)
def test_the_checker_finds_a_write_in_a_view(source):
    (broken,) = writes_in(source, "views/desk/sample.py")
    assert broken.startswith("views/desk/sample.py:") and "views write through services" in broken


def test_dicts_session_services_and_strings_are_not_writes():
    source = (
        "from flask import session\nfrom services import express, refunds\n\n\n"
        "def f(rows, text, at, request_):\n"
        "    errors: dict[str, str] = {}\n    errors.update(a='b')\n"
        "    ordered = {key: 1 for key in rows}\n    ordered.update(errors)\n"
        "    seen = set()\n    seen.update(rows)\n"
        "    session.update(step=1)\n"
        "    express.save_workers(request_, rows, None)\n    refunds.delete_draft(request_)\n"
        "    return text.replace(' ', ''), at.replace(tzinfo=None)\n"
    )
    assert writes_in(source, "views/express/sample.py") == []
