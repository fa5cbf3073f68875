"""The real `ctidesk --demo` on a real X display (Xvfb) with a system tray (trayer).

One demo runs for the whole module, as an agent's would run all day: its first demo call shows
the pop-up on screen (checked with xdotool and a screenshot), a second start hands over to it,
`ctidesk dial` and a `tel:` link reach it, the global hotkey dials the selected text, and SIGTERM
ends it cleanly. The phone simulator's own state (`/sim/state`) says what was dialled.

`CTIDESK_SCREENSHOT=docs/screenshot.png` also saves the pop-up over the tray there
(`scripts/screenshot` does this for the README).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import require_tool, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

FIRST_DEMO_CALLER = "Maria Huber"
START_SECONDS = 60.0
CARD_FILLS_SECONDS = 2.0
"""The Zammad customer and tickets follow the card within milliseconds on loopback; the pause
is only so the screenshot shows them."""


@dataclass
class RunningDemo:
    process: subprocess.Popen[str]
    env: dict[str, str]
    home: Path
    lines: list[str] = field(default_factory=list)
    phone_url: str = ""

    def log(self) -> str:
        return "".join(self.lines[-60:])

    def phone_state(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.phone_url}/sim/state", timeout=5) as reply:
            state: dict[str, Any] = json.load(reply)
        return state

    def dialled(self) -> list[str]:
        return [entry["number"] for entry in self.phone_state()["dialed"]]

    def hang_up_everything(self) -> None:
        """The far end hangs up on every busy line, so the next test has free lines."""
        for index, line in enumerate(self.phone_state()["lines"], start=1):
            if line["state"] != "idle":
                request = urllib.request.Request(
                    f"{self.phone_url}/sim/hangup?line={index}", method="POST"
                )
                urllib.request.urlopen(request, timeout=5).close()

    def ctidesk(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ctidesk", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def x(self, *args: str) -> str:
        """An X tool (xdotool, xsel) on the demo's display."""
        result = subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, timeout=30, check=False
        )
        return result.stdout


def _wait(predicate: Callable[[], Any], timeout: float, what: str, demo: RunningDemo) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if demo.process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s; ctidesk's log ends with:\n{demo.log()}")


@pytest.fixture(scope="module")
def demo(
    x_display: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningDemo]:
    home = tmp_path_factory.mktemp("demo-home")
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in x_display.items() if not k.startswith("CTIDESK_")}
    env |= {
        "CTIDESK_HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ctidesk", "--demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = RunningDemo(process, env, home)

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            running.lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        found = _wait(
            lambda: next(
                (
                    m
                    for line in running.lines
                    if (m := re.search(r"demo running: phone (\S+),", line))
                ),
                None,
            ),
            START_SECONDS,
            "the demo's simulators",
            running,
        )
        running.phone_url = found.group(1)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        reader.join(5)
        if process.stderr is not None:
            process.stderr.close()


def _popup_windows(demo: RunningDemo, who: str) -> list[str]:
    return demo.x(
        "xdotool", "search", "--onlyvisible", "--name", f"Incoming call from {who}"
    ).split()


def _geometry(demo: RunningDemo, window: str) -> dict[str, int]:
    shell = demo.x("xdotool", "getwindowgeometry", "--shell", window)
    return {k: int(v) for k, v in (line.split("=") for line in shell.split()) if k != "SCREEN"}


def test_the_first_demo_call_shows_the_popup_on_screen(demo: RunningDemo, tmp_path: Path) -> None:
    windows = _wait(lambda: _popup_windows(demo, FIRST_DEMO_CALLER), 30, "the caller pop-up", demo)
    (window,) = windows
    title = demo.x("xdotool", "getwindowname", window).strip()
    assert title.startswith(f"Incoming call from {FIRST_DEMO_CALLER} (+49 89 99998123")
    box = _geometry(demo, window)
    assert box["WIDTH"] >= 200 and box["HEIGHT"] >= 100, box
    assert box["X"] >= 0 and box["X"] + box["WIDTH"] <= 1280, box
    assert box["Y"] >= 0 and box["Y"] + box["HEIGHT"] <= 800, box

    time.sleep(CARD_FILLS_SECONDS)
    shot = screenshot(demo.env, tmp_path / "screen.png")
    crop = f"{box['WIDTH']}x{box['HEIGHT']}+{box['X']}+{box['Y']}"
    require_tool("convert")
    mean = subprocess.run(
        ["convert", str(shot), "-crop", crop, "-format", "%[fx:mean]", "info:"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert float(mean) > 0.5, f"the pop-up's part of the screen is dark ({mean}): not painted"
    _save_for_the_readme(shot, box)


def _save_for_the_readme(shot: Path, box: dict[str, int]) -> None:
    """The pop-up with the tray above it, cropped, as the README shows it."""
    target = os.environ.get("CTIDESK_SCREENSHOT")
    if not target:
        return
    left = max(0, box["X"] - 24)
    height = box["Y"] + box["HEIGHT"] + 24
    subprocess.run(
        ["convert", str(shot), "-crop", f"{1280 - left}x{height}+{left}+0", "+repage", target],
        check=True,
        timeout=30,
    )


def test_a_second_start_hands_over_to_the_running_one(demo: RunningDemo) -> None:
    result = demo.ctidesk("--demo")
    assert result.returncode == 0, result.stderr
    assert "already running" in result.stderr
    assert demo.process.poll() is None, "the first ctidesk keeps running"


def test_dial_and_a_tel_link_reach_the_running_ctidesk(demo: RunningDemo) -> None:
    demo.hang_up_everything()
    result = demo.ctidesk("dial", "+49", "40", "1234567")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("dialling +49 40 1234567"), result.stdout
    _wait(lambda: "0401234567" in demo.dialled(), 15, "the dial on the phone", demo)

    demo.hang_up_everything()
    result = demo.ctidesk("tel:+49-89-12345")
    assert result.returncode == 0, result.stderr
    _wait(lambda: "08912345" in demo.dialled(), 15, "the tel: link's dial on the phone", demo)


def test_the_hotkey_dials_the_selected_text(demo: RunningDemo) -> None:
    require_tool("xsel")
    demo.hang_up_everything()
    _wait(
        lambda: any("global hotkey Meta+Shift+D registered" in line for line in demo.lines),
        15,
        "the global hotkey",
        demo,
    )
    selection = subprocess.Popen(
        ["xsel", "--primary", "--input"], stdin=subprocess.PIPE, env=demo.env, text=True
    )
    selection.communicate("+49 30 7654321", timeout=10)
    assert demo.x("xsel", "--primary", "--output") == "+49 30 7654321"
    demo.x("xdotool", "key", "super+shift+d")
    _wait(lambda: "0307654321" in demo.dialled(), 15, "the hotkey's dial on the phone", demo)


def test_sigterm_ends_the_demo_cleanly(demo: RunningDemo) -> None:
    demo.process.send_signal(signal.SIGTERM)
    assert demo.process.wait(30) == 0, demo.log()
    assert not any("Traceback" in line for line in demo.lines), demo.log()
