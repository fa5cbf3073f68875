"""Issue 14, finding 7, on a real X display: the global hotkeys are X key grabs that xdotool
presses; a ringing pop-up does not take the keyboard, the "focus the pop-up" hotkey does,
Tab and Esc work in it, and the answer and hang-up hotkeys reach the phone.

The desktop runs in a child process (tests/e2e/keyboard_child.py) on Xvfb with the xcb
platform: the offscreen platform of the GUI tests activates every window it shows, so only a
real X server can tell whether a ring steals the focus.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

CHILD = Path(__file__).with_name("keyboard_child.py")
ROOT = Path(__file__).parents[2]


class Child:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD)],
            env={**env, "PYTHONPATH": str(ROOT / "src")},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            assert self.process.stderr is not None
            raise AssertionError("the desktop ended:\n" + self.process.stderr.read()[-3000:])
        result: dict[str, Any] = json.loads(line)
        return result

    def ask(self, command: str = "state") -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def until(self, predicate: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + 10
        state = self.ask()
        while not predicate(state):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within 10 s; the desktop shows {state}")
            time.sleep(0.1)
            state = self.ask()
        return state

    def keys(self, *keys: str) -> None:
        subprocess.run(["xdotool", "key", *keys], env=self.env, check=True, timeout=10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def child(x_display: dict[str, str]) -> Iterator[Child]:
    running = Child(x_display)
    yield running
    running.close()


def test_hotkeys_and_the_pop_up_by_keyboard_on_x11(child: Child) -> None:
    assert child.first["hotkeys"] == ["answer", "dial_selection", "focus_popup", "hang_up"]
    assert child.first["hotkey_problem"] == ""
    child.ask("journal")
    child.until(lambda s: s["focus_window"] == "Call journal", "the journal has the keyboard")

    state = child.ask("ring")
    assert state["cards"] == ["Incoming call from +49 30 1234567"]
    time.sleep(0.5)
    state = child.ask()
    assert state["focus_window"] == "Call journal", "a ringing pop-up takes no focus"

    child.keys("super+shift+p")
    state = child.until(
        lambda s: s["focus_window"] == "Incoming call from +49 30 1234567",
        "the focus-pop-up hotkey gives the card the keyboard",
    )
    assert state["focus_widget"] == "answerButton"
    child.keys("Tab")
    child.until(lambda s: s["focus_widget"] == "rejectButton", "Tab moves to Reject")
    child.keys("Escape")
    state = child.until(
        lambda s: s["focus_window"] == "Call journal", "Esc gives the keyboard back"
    )
    assert state["cards"] == ["Incoming call from +49 30 1234567"], "the card stays"
    assert state["phone"] == [], "Esc does not touch the call"

    child.keys("super+shift+a")
    child.until(lambda s: s["phone"] == ["answer +49301234567"], "the answer hotkey")
    child.keys("super+shift+h")
    child.until(
        lambda s: s["phone"] == ["answer +49301234567", "end +49301234567"], "the hang-up hotkey"
    )
