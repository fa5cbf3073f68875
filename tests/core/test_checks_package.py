"""Issue 18 point 4: one checks package, one result type, the commands beside each other.

`ctidesk doctor`, `ctidesk --self-check` and the tray's status probes were three sets of the
same idea with two result types (`CheckResult`, `CheckLine`) next to the tray's `SystemStatus`;
`doctor.py` and `doctor_checks.py` imported each other; the command list was filled at import.
"""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from ctidesk.app import Network, build_core, open_context
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.core.ports import ReachState, SystemStatus

SRC = Path(__file__).parents[2] / "src" / "ctidesk"


def test_doctor_self_check_and_tray_probes_answer_with_one_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ctidesk.checks.doctor import check_files, check_phone
    from ctidesk.checks.installation import check_data_dirs
    from ctidesk.checks.live import nfon_status, phone_status

    monkeypatch.setenv("CTIDESK_HOME", str(tmp_path))
    paths = AppPaths.default()
    context = open_context(paths=paths, secrets=MemorySecretStore())
    core = build_core(context)
    network = Network(context, core, on_status=lambda _status: None)
    try:
        results = [
            asyncio.run(check_files(context)),
            asyncio.run(check_phone(context)),
            check_data_dirs(),
            asyncio.run(phone_status(network)),
            asyncio.run(nfon_status(network)),
        ]
    finally:
        core.journal.close()
    assert all(type(result) is SystemStatus for result in results)
    assert results[0].state is ReachState.OK
    assert results[3].state is ReachState.DISABLED  # no phone on this network: "not set up"


def test_the_old_modules_and_result_types_are_gone() -> None:
    for old in ("doctor.py", "doctor_checks.py", "selfcheck.py", "commands/desktop.py"):
        assert not (SRC / old).exists(), old
    for name in ("doctor", "secret", "paths", "dial"):
        assert (SRC / "commands" / f"{name}.py").exists(), name


def test_no_command_list_is_filled_at_import() -> None:
    """A fresh `build_parser()` knows every command; importing the package registers nothing."""
    script = (
        "import sys\n"
        "import ctidesk.commands\n"
        "print(sorted(m for m in sys.modules if m.startswith('ctidesk.commands.')))\n"
        "from ctidesk.cli import build_parser\n"
        "choices = build_parser()._subparsers._group_actions[0].choices\n"
        "print(' '.join(choices))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    imported, commands = result.stdout.splitlines()
    assert imported == "[]"
    assert commands.split()[:4] == ["doctor", "secret", "paths", "bridge"]
    assert {"dial", "phone", "sim", "login"} <= set(commands.split())


def _imports(path: Path) -> set[str]:
    """Every `ctidesk` module a file imports, in functions too, except for type checking."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in SRC.rglob("*.py")}
    return {
        name: {other for other in _imports(path) if other in modules and other != name}
        for name, path in modules.items()
    }


def _circle_through(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A chain of imports from ``start`` back to itself, if there is one."""
    paths = {other: [start, other] for other in graph[start]}
    todo = sorted(paths)
    while todo:
        name = todo.pop()
        if name == start:
            return paths[name]
        for other in sorted(graph[name]):
            if other not in paths:
                paths[other] = [*paths[name], other]
                todo.append(other)
    return None


def test_no_import_circle() -> None:
    """`doctor` imported `doctor_checks` for its list and `doctor_checks` imported `doctor` for
    the result type; a lazy import inside a function is still a circle."""
    graph = _import_graph()
    circles = {name: circle for name in sorted(graph) if (circle := _circle_through(name, graph))}
    assert circles == {}
