"""Compiling the translations (``resources/i18n/*.ts`` → ``.qm``) with the Qt tools inside the
PySide6 package: the one way the wheel and sdist build (`setup.py`), the PyInstaller bundle
(`pyinstaller.spec`), `scripts/i18n` and the tests make them, wherever PySide6 is installed
(no ``.venv/bin/pyside6-lrelease`` needed).

This module imports nothing of ctidesk, so the build can load it on its own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

LRELEASE_SECONDS = 120


def qt_tool(name: str) -> Path:
    """A Qt tool (lrelease, lupdate) shipped inside the installed PySide6 package."""
    try:
        import PySide6
    except ImportError as exc:
        raise RuntimeError(f"PySide6 is needed to run Qt's {name}; install PySide6") from exc
    folder = Path(PySide6.__file__).resolve().parent
    for candidate in (folder / name, folder / f"{name}.exe", folder / "Qt" / "bin" / name):
        if candidate.is_file():
            return candidate
    raise RuntimeError(f"Qt's {name} is not in {folder}; reinstall PySide6")


def compile_translation(ts_file: Path, qm_file: Path) -> Path:
    """One .ts file compiled to ``qm_file`` (its folder is created)."""
    qm_file.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(qt_tool("lrelease")), "-silent", str(ts_file), "-qm", str(qm_file)],
        check=True,
        timeout=LRELEASE_SECONDS,
    )
    return qm_file


def compile_translations(source_dir: Path, out_dir: Path) -> list[Path]:
    """Every ``*.ts`` in ``source_dir`` compiled into ``out_dir``, same names with ``.qm``."""
    return [
        compile_translation(ts, out_dir / ts.with_suffix(".qm").name)
        for ts in sorted(source_dir.glob("*.ts"))
    ]
