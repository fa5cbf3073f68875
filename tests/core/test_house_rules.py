"""The layer table of the architecture page, enforced on the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "ctidesk"

FORBIDDEN = {
    "core": (
        "PySide6",
        "qasync",
        "httpx",
        "httpx_sse",
        "aiohttp",
        "ctidesk.clients",
        "ctidesk.gui",
        "ctidesk.sim",
        "ctidesk.config",
        "ctidesk.app",
    ),
    "clients": ("PySide6", "qasync", "ctidesk.gui", "ctidesk.sim", "ctidesk.app"),
    "config": ("PySide6", "qasync", "ctidesk.gui", "ctidesk.clients", "ctidesk.sim", "ctidesk.app"),
    "sim": ("PySide6", "qasync", "ctidesk.gui", "ctidesk.clients", "ctidesk.app"),
}


def imports_of(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offences = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in imports_of(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(SRC)} imports {name}")
    assert offences == []


def test_no_module_level_qapplication_or_singletons_outside_gui() -> None:
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "QApplication(" not in text or path.is_relative_to(SRC / "gui"), path
