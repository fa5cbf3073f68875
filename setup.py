"""Build hook: the wheel (also one built from the sdist) carries the compiled translations.

Everything else about the package is in pyproject.toml. `build_py` compiles
``resources/i18n/*.ts`` into ``ctidesk/resources/i18n/*.qm`` of the build with the lrelease of
the PySide6 in the build environment (pyproject's ``build-system.requires``); an editable
install gets them in the source tree instead, where the package data is read from.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TS_DIR = ROOT / "resources" / "i18n"
PACKAGE_QM_DIR = Path("ctidesk") / "resources" / "i18n"


def _translation_files() -> ModuleType:
    """ctidesk's compile helper, loaded on its own (the build has none of ctidesk's
    dependencies)."""
    path = ROOT / "src" / "ctidesk" / "gui" / "translation_files.py"
    spec = importlib.util.spec_from_file_location("ctidesk_translation_files", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiled_translations(build_lib: Path) -> list[Path]:
    """Compile every .ts into the package folder under ``build_lib``."""
    result: list[Path] = _translation_files().compile_translations(
        TS_DIR, build_lib / PACKAGE_QM_DIR
    )
    return result


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        editable = getattr(self, "editable_mode", False)
        compiled_translations(ROOT / "src" if editable else Path(self.build_lib))


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildWithTranslations})
