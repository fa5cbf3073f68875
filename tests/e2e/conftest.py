"""End-to-end fixtures: a real X display (Xvfb) with a system tray host (trayer)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TOOL_PACKAGES = {
    "import": "imagemagick",
    "convert": "imagemagick",
    "xdotool": "xdotool",
    "trayer": "trayer",
    "Xvfb": "xvfb",
    "xsel": "xsel",
    "xwininfo": "x11-utils",
    "dbus-daemon": "dbus-daemon",
}
"""The Debian package that brings each X tool the end-to-end tests run (`.ci/run` installs them)."""


def missing_tool_message(tool: str) -> str:
    """What to install for a tool the test needs, as one command to copy."""
    package = TOOL_PACKAGES.get(tool, tool)
    return f"{tool} is not installed: sudo apt-get install {package}"


def require_tool(tool: str) -> str:
    """The tool's path; fails the test with the `apt-get install` line when it is missing
    (instead of a bare ``FileNotFoundError: 'import'`` deep inside the test)."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(missing_tool_message(tool), pytrace=False)
    return path


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not come up within {timeout} s")


@pytest.fixture(scope="session")
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Start Xvfb plus trayer; yield the environment a program needs to use them."""
    for tool in ("Xvfb", "trayer", "xdotool"):
        require_tool(tool)
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    env = {**os.environ, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    trayer = subprocess.Popen(
        [
            "trayer",
            "--edge",
            "top",
            "--align",
            "right",
            "--widthtype",
            "pixel",
            "--width",
            "200",
            "--height",
            "32",
            "--SetDockType",
            "true",
            "--transparent",
            "false",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def tray_ready() -> bool:
        probe = subprocess.run(
            ["xdotool", "search", "--class", "trayer"], env=env, capture_output=True, check=False
        )
        return bool(probe.stdout.strip())

    try:
        _wait_for(tray_ready, 10, "trayer")
        yield env
    finally:
        for process in (trayer, xvfb):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def screenshot(env: dict[str, str], path: Path) -> Path:
    """Grab the whole screen (imagemagick's `import`)."""
    require_tool("import")
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=30)
    return path
