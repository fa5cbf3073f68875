"""Finding 10: the quick start says which system package is missing (`scripts/system-check`),
as one `apt-get install` line, instead of failing later inside venv or Qt's xcb plugin."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]
CHECK = ROOT / "scripts" / "system-check"
XCB_LIBRARIES = [
    "libxcb-cursor.so.0",
    "libxcb-icccm.so.4",
    "libxcb-keysyms.so.1",
    "libxcb-image.so.0",
    "libxcb-render-util.so.0",
    "libxcb-xkb.so.1",
    "libxkbcommon-x11.so.0",
    "libxkbcommon.so.0",
    "libxcb-shape.so.0",
    "libxcb-randr.so.0",
    "libxcb-xinerama.so.0",
    "libxcb-xfixes.so.0",
    "libEGL.so.1",
    "libGL.so.1",
    "libfontconfig.so.1",
    "libdbus-1.so.3",
    "libglib-2.0.so.0",
]


def _ldconfig(folder: Path, libraries: list[str]) -> Path:
    """An `ldconfig -p` that knows these libraries (its real output's format)."""
    folder.mkdir()
    listing = "".join(
        f"\t{name} (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/{name}\\n" for name in libraries
    )
    script = folder / "ldconfig"
    script.write_text(f'#!/bin/sh\nprintf "{len(libraries)} libs found in cache\\n{listing}"\n')
    script.chmod(0o755)
    return folder


def _without_ensurepip(folder: Path) -> Path:
    """What Debian's python3 is without python3-venv: no ensurepip module."""
    (folder / "ensurepip").mkdir(parents=True)
    (folder / "ensurepip" / "__init__.py").write_text(
        "raise ImportError('ensurepip is in Debian\\'s python3-venv')\n"
    )
    return folder


def _check(
    *args: str, path_first: Path | None = None, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHON")}
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(CHECK), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_nothing_is_said_when_everything_is_there(tmp_path: Path) -> None:
    result = _check("--gui", path_first=_ldconfig(tmp_path / "bin", XCB_LIBRARIES))
    assert (result.returncode, result.stderr) == (0, "")


def test_a_python_without_venv_gets_the_python3_venv_line(tmp_path: Path) -> None:
    result = _check(pythonpath=_without_ensurepip(tmp_path / "site"))
    assert result.returncode == 1
    assert "    sudo apt-get install python3-venv\n" in result.stderr


def test_a_missing_xcb_library_gets_its_package(tmp_path: Path) -> None:
    known = [name for name in XCB_LIBRARIES if name != "libxcb-cursor.so.0"]
    result = _check("--gui", path_first=_ldconfig(tmp_path / "bin", known))
    assert result.returncode == 1
    assert "Qt's xcb platform plugin needs libxcb-cursor.so.0" in result.stderr
    assert "    sudo apt-get install libxcb-cursor0\n" in result.stderr


def test_everything_missing_is_one_install_line(tmp_path: Path) -> None:
    known = [name for name in XCB_LIBRARIES if not name.startswith(("libxcb-xkb", "libGL"))]
    result = _check(
        "--gui",
        path_first=_ldconfig(tmp_path / "bin", known),
        pythonpath=_without_ensurepip(tmp_path / "site"),
    )
    assert result.returncode == 1
    installs = [line for line in result.stderr.splitlines() if "apt-get install" in line]
    assert installs == ["    sudo apt-get install python3-venv libxcb-xkb1 libgl1"]


def test_the_quick_start_checks_before_it_installs() -> None:
    demo = (ROOT / "scripts" / "demo").read_text()
    assert demo.index("./scripts/system-check --gui") < demo.index("./scripts/bootstrap")
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()
    assert bootstrap.index("./scripts/system-check") < bootstrap.index("python3 -m venv")
