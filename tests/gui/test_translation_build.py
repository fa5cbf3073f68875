"""Issue 19, point 6: `pip install ctidesk` (wheel, or the wheel built from the sdist) carries
the compiled translations. Before, only scripts/bootstrap compiled them (into the source tree),
so an installed wheel ran in English; setup.py's build_py now compiles them into the build with
the lrelease of the PySide6 in the build environment."""

from __future__ import annotations

import runpy
import tomllib
from pathlib import Path
from typing import Any

import pytest
import setuptools
from PySide6.QtCore import QTranslator
from setuptools.command.build_py import build_py

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def _setup_module() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "setup.py"), run_name="ctidesk_setup")


def test_the_build_compiles_every_translation_into_the_package(tmp_path: Path) -> None:
    compiled = _setup_module()["compiled_translations"](tmp_path)

    german = tmp_path / "ctidesk" / "resources" / "i18n" / "ctidesk_de.qm"
    assert german in compiled
    translator = QTranslator()
    assert translator.load(str(german))
    assert translator.translate("TrayController", "Call back") == "Zurückrufen"


def test_setup_py_hooks_the_compile_into_build_py(monkeypatch: pytest.MonkeyPatch) -> None:
    given: dict[str, Any] = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: given.update(kwargs))
    runpy.run_path(str(ROOT / "setup.py"), run_name="__main__")
    command = given["cmdclass"]["build_py"]
    assert issubclass(command, build_py) and command.__name__ == "BuildWithTranslations"


def test_the_build_environment_and_the_sdist_have_what_the_compile_needs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(r.startswith("PySide6") for r in project["build-system"]["requires"])
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "include resources/i18n/*.ts" in manifest
