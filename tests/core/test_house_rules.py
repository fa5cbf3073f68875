"""The house rules of docs/architecture.md, enforced on the source tree.

The layer rule is read from the table on the architecture page itself (issue 18 point 3), so the
page and this test cannot say different things.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SRC = ROOT / "src" / "ctidesk"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# What each word of the table's "never imports" column means as import names.
MEANING = {
    "Qt": ("PySide6", "qasync"),
    "httpx": ("httpx", "httpx_sse"),
    "aiohttp": ("aiohttp",),
    "clients": ("ctidesk.clients",),
    "config": ("ctidesk.config",),
    "sim": ("ctidesk.sim",),
    "gui": ("ctidesk.gui",),
    "the composition root": ("ctidesk.app", "ctidesk.cli", "ctidesk.commands"),
}


def layer_rules() -> dict[str, tuple[str, ...]]:
    """Folder under src/ctidesk -> forbidden import names, from the architecture page's table."""
    rules: dict[str, tuple[str, ...]] = {}
    in_table = False
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| layer |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        folder = re.fullmatch(r"`src/ctidesk/(\w+)/[^`]*`", cells[1]) if in_table else None
        if folder is None or cells[-1] == "-":
            continue
        words = [word.strip() for word in cells[-1].split(",")]
        unknown = [word for word in words if word not in MEANING]
        assert unknown == [], f"the layer table says {unknown}; give them a MEANING here"
        rules[folder.group(1)] = tuple(name for word in words for name in MEANING[word])
    return rules


RULES = layer_rules()


def imports_of(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_the_layer_table_covers_every_layer_below_the_gui() -> None:
    assert sorted(RULES) == ["clients", "config", "core", "sim"]
    assert "ctidesk.config" not in RULES["clients"], "clients are built from their settings"
    assert "ctidesk.clients" in RULES["config"], "config sits below the clients"


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offences = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in imports_of(path):
            if any(name == bad or name.startswith(bad + ".") for bad in RULES[layer]):
                offences.append(f"{path.relative_to(SRC)} imports {name}")
    assert offences == []


# ---------------------------------------------------------------- no QApplication, no singletons

QT_APPLICATIONS = {"QApplication", "QGuiApplication", "QCoreApplication"}
IMMUTABLE_BASES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "NamedTuple"}
# Issue 18 point 4 ("no command list is filled at import time") is the checks package's work;
# remove the file from here when that lands.
FILLED_AT_IMPORT_PENDING = {"doctor_checks.py"}


def runs_at_import(tree: ast.Module) -> Iterator[ast.stmt]:
    """The statements that run when the module is imported: the module body and the bodies of
    its top-level `if`/`try`/`with`/`for` and class statements (not function bodies)."""
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        yield node
        for field in ("body", "orelse", "finalbody"):
            todo += getattr(node, field, [])
        for handler in getattr(node, "handlers", []):
            todo += handler.body


def calls_in(node: ast.AST) -> Iterator[ast.Call]:
    """Calls in `node`, but not inside functions or lambdas defined there (they run later)."""
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, ast.Call):
            yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.append(child)


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def own_parts(statement: ast.stmt) -> Iterator[ast.AST]:
    """A statement without the nested statement lists that `runs_at_import` yields itself."""
    for field, value in ast.iter_fields(statement):
        if field in ("body", "orelse", "finalbody", "handlers"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                yield item


def qapplications_at_import(source: str) -> list[int]:
    """Lines that create a Q*Application when the module is imported."""
    return sorted(
        {
            call.lineno
            for statement in runs_at_import(ast.parse(source))
            for part in own_parts(statement)
            for call in calls_in(part)
            if called_name(call) in QT_APPLICATIONS
        }
    )


def _class_defs(path: Path) -> dict[str, ast.ClassDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _module_file(module: str) -> Path | None:
    relative = Path(*module.split(".")[1:])
    for candidate in (SRC / relative.with_suffix(".py"), SRC / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def is_immutable_class(cls: ast.ClassDef, local: dict[str, ast.ClassDef], depth: int = 0) -> bool:
    """A value type: a frozen dataclass or pydantic model, an enum, a named tuple (or a
    subclass of a frozen class of the same module)."""
    for decorator in cls.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and called_name(decorator) == "dataclass"
            and any(
                k.arg == "frozen" and ast.unparse(k.value) == "True" for k in decorator.keywords
            )
        ):
            return True
    for statement in cls.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign) and "frozen=True" in ast.unparse(
            statement
        ):
            return True
    for base in cls.bases:
        name = ast.unparse(base).rsplit(".", 1)[-1]
        if name in IMMUTABLE_BASES:
            return True
        if name in local and depth < 5 and is_immutable_class(local[name], local, depth + 1):
            return True
    return False


def singletons_in(source: str) -> list[str]:
    """Module-level state a composition root should own instead:

    * a module-level instance of one of the project's classes that is not an immutable value;
    * a `global` statement (a function rebinding module state: the lazy singleton);
    * a module-level container filled by calls at import time (a registry);
    * a zero-argument cached function that returns one of the project's classes.
    """
    tree = ast.parse(source)
    local = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    imported: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ctidesk"):
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module
    module_names = {
        target.id
        for statement in tree.body
        if isinstance(statement, ast.Assign | ast.AnnAssign)
        for target in (
            statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        )
        if isinstance(target, ast.Name)
    }
    found: list[str] = []

    def class_of(name: str) -> tuple[ast.ClassDef | None, dict[str, ast.ClassDef]]:
        """The class statement and its module's classes (for frozen base classes)."""
        if name in local:
            return local[name], local
        path = _module_file(imported[name])
        classes = _class_defs(path) if path is not None else {}
        return classes.get(name), classes

    for statement in runs_at_import(tree):
        if isinstance(statement, ast.Assign | ast.AnnAssign) and isinstance(
            statement.value, ast.Call
        ):
            func = statement.value.func
            if isinstance(func, ast.Name) and (func.id in local or func.id in imported):
                cls, classes = class_of(func.id)
                if cls is None or not is_immutable_class(cls, classes):
                    found.append(f"line {statement.lineno}: a module-level {func.id}")
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and isinstance(statement.value.func.value, ast.Name)
            and statement.value.func.value.id in module_names
        ):
            found.append(
                f"line {statement.lineno}: {statement.value.func.value.id} filled at import"
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"line {node.lineno}: global {', '.join(node.names)}")
        if isinstance(node, ast.FunctionDef) and not node.args.args and node.returns is not None:
            cached = any("cache" in ast.unparse(d) for d in node.decorator_list)
            returned = ast.unparse(node.returns).split("[", 1)[0].strip("'\"")
            if cached and (returned in local or returned in imported):
                found.append(f"line {node.lineno}: {node.name}() hands out one {returned}")
    return found


def test_the_qapplication_check_finds_one_created_at_import_only() -> None:
    created = (
        "import sys\nfrom PySide6.QtWidgets import QApplication\napp = QApplication(sys.argv)\n"
    )
    in_class = "class Holder:\n    app = QtWidgets.QApplication([])\n"
    guarded = "if True:\n    QGuiApplication.instance() or QGuiApplication([])\n"
    in_function = "def main():\n    app = QApplication([])\n    return app.exec()\n"
    assert qapplications_at_import(created) == [3]
    assert qapplications_at_import(in_class) == [2]
    assert qapplications_at_import(guarded) == [2]
    assert qapplications_at_import(in_function) == []


def test_the_singleton_check_finds_module_state_and_spares_values() -> None:
    service = "from ctidesk.core.tracker import CallTracker\nTRACKER = CallTracker()\n"
    lazy = "_tracker = None\ndef tracker():\n    global _tracker\n    return _tracker\n"
    registry = "CHECKS = []\nCHECKS.append(check_phone)\n"
    cached = (
        "from ctidesk.core.tracker import CallTracker\n@cache\ndef tracker() -> CallTracker: ...\n"
    )
    value = (
        "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass Reading:\n"
        "    state: str\nIDLE = Reading('idle')\n"
    )
    logger = "import logging\nlog = logging.getLogger(__name__)\n"
    assert singletons_in(service) == ["line 2: a module-level CallTracker"]
    assert singletons_in(lazy) == ["line 3: global _tracker"]
    assert singletons_in(registry) == ["line 2: CHECKS filled at import"]
    assert singletons_in(cached) == ["line 3: tracker() hands out one CallTracker"]
    assert singletons_in(value) == [] and singletons_in(logger) == []


def test_no_module_level_qapplication() -> None:
    """One composition root creates the application object, when the program starts."""
    offences = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if (lines := qapplications_at_import(path.read_text(encoding="utf-8")))
    }
    assert offences == {}


def test_no_module_level_singletons() -> None:
    """No singletons: every long-lived object is built by the composition root and injected."""
    offences = {}
    for path in sorted(SRC.rglob("*.py")):
        found = singletons_in(path.read_text(encoding="utf-8"))
        relative = str(path.relative_to(SRC))
        if relative in FILLED_AT_IMPORT_PENDING:
            found = [item for item in found if not item.endswith("filled at import")]
        if found:
            offences[relative] = found
    assert offences == {}
