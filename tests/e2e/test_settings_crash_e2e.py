"""Issue 14, finding 1 on the real `ctidesk --demo` (Xvfb and trayer): open Settings from the
tray menu, close it with Escape, then make the status change ("Simulate incoming call", a dial).
Before the fix the next status change reached the deleted dialog, the crash handler recursed
on its own report and the process died with a segmentation fault, tray and pop-ups with it."""

from __future__ import annotations

import time

import pytest

from tests.e2e.test_desktop_e2e import RunningDemo, _wait, demo  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

CRASH_SIGNS = ("already deleted", "unhandled error", "Traceback", "Fatal Python error")


def _tray_icon(running: RunningDemo) -> str:
    """ctidesk's window docked in trayer (small, named ctidesk)."""
    for window in running.x("xdotool", "search", "--onlyvisible", "--class", "ctidesk").split():
        if _name(running, window) != "ctidesk":
            continue
        shell = running.x("xdotool", "getwindowgeometry", "--shell", window)
        size = dict(line.split("=") for line in shell.split())
        if int(size["WIDTH"]) <= 64 and int(size["HEIGHT"]) <= 64:
            return window
    return ""


def _choose_from_tray_menu(running: RunningDemo, icon: str, mnemonic: str) -> None:
    """Right-click the tray icon, then the entry's underlined letter."""
    running.x("xdotool", "mousemove", "--window", icon, "8", "8", "click", "3")
    _wait(lambda: _menus(running, icon), 10, "the tray menu", running)
    time.sleep(0.3)
    running.x("xdotool", "key", mnemonic)


def _menus(running: RunningDemo, icon: str) -> list[str]:
    """Visible ctidesk windows named like the app other than the icon: the open menu."""
    windows = running.x("xdotool", "search", "--onlyvisible", "--class", "ctidesk").split()
    return [w for w in windows if w != icon and _name(running, w) == "ctidesk"]


def _name(running: RunningDemo, window: str) -> str:
    return running.x("xdotool", "getwindowname", window).strip()


def _settings_windows(running: RunningDemo) -> list[str]:
    return running.x("xdotool", "search", "--onlyvisible", "--name", "^ctidesk settings$").split()


def _ringing_lines(running: RunningDemo) -> int:
    return sum("phone event ringing (in)" in line for line in running.lines)


def test_closing_settings_then_a_call_keeps_ctidesk_running(demo: RunningDemo) -> None:  # noqa: F811
    icon = _wait(lambda: _tray_icon(demo), 30, "ctidesk's tray icon", demo)
    for attempt in range(2):
        _choose_from_tray_menu(demo, icon, "s")
        (settings,) = _wait(lambda: _settings_windows(demo), 15, "the settings dialog", demo)
        demo.x("xdotool", "mousemove", "--window", settings, "40", "40")
        demo.x("xdotool", "key", "Escape")
        _wait(lambda: not _settings_windows(demo), 10, "Settings closing on Escape", demo)

        rings = _ringing_lines(demo)
        _choose_from_tray_menu(demo, icon, "i")
        _wait(lambda r=rings: _ringing_lines(demo) > r, 15, f"simulated call {attempt + 1}", demo)
        time.sleep(1.5)
        assert demo.process.poll() is None, f"ctidesk died ({demo.process.poll()}):\n{demo.log()}"
        demo.hang_up_everything()

    crashes = [line for line in demo.lines if any(sign in line for sign in CRASH_SIGNS)]
    assert crashes == [], demo.log()
