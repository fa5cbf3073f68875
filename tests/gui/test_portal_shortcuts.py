"""Issue 19, point 1: on Wayland the global hotkeys are asked of the desktop through the XDG
desktop portal's GlobalShortcuts interface, and a press the desktop reports reaches the same
`GlobalHotkeys.pressed` as an X11 grab; without the portal the problem says what to set up.

The portal is a stand-in on a private session bus (`tests/dbus_support.py`) speaking the real
interface: a session, bound shortcuts answered by Response signals, Activated on a press.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ctidesk.gui.hotkey import GlobalHotkeys
from ctidesk.gui.portal_shortcuts import PortalShortcuts, preferred_trigger
from ctidesk.gui.session_bus import SessionBus
from tests.dbus_support import GlobalShortcutsPortal, private_session_bus

from .conftest import wait_until

pytestmark = pytest.mark.gui

SHORTCUTS = {"dial_selection": "Meta+Shift+D", "answer": "Ctrl+Alt+A"}


@pytest.fixture(scope="module")
def bus_address() -> Iterator[str]:
    with private_session_bus() as address:
        yield address


def _hotkeys(address: str) -> GlobalHotkeys:
    return GlobalHotkeys(portal=lambda: PortalShortcuts(SessionBus(address)))


def test_preferred_triggers_follow_the_shortcuts_specification() -> None:
    assert preferred_trigger("Meta+Shift+D") == "LOGO+SHIFT+d"
    assert preferred_trigger("Ctrl+Alt+F9") == "CTRL+ALT+F9"


def test_the_portal_binds_every_hotkey_and_reports_its_presses(
    bus_address: str, loop: Any, run: Any
) -> None:
    portal = GlobalShortcutsPortal(bus_address)
    hotkeys = _hotkeys(bus_address)
    pressed: list[str] = []
    hotkeys.pressed.connect(pressed.append)
    try:
        assert hotkeys.register(SHORTCUTS) == []
        run(wait_until(lambda: len(hotkeys.portal_bound) == 2, 5.0), 6.0)
        assert portal.bound["dial_selection"]["preferred_trigger"] == "LOGO+SHIFT+d"
        assert "Dial the selected number" in portal.bound["dial_selection"]["description"]
        assert portal.bound["answer"]["preferred_trigger"] == "CTRL+ALT+a"
        assert hotkeys.portal_problem == ""

        portal.press("answer")
        run(wait_until(lambda: pressed, 5.0), 6.0)
        assert pressed == ["answer"]

        hotkeys.unregister()
        run(hotkeys.wait_closed(), 6.0)
        assert portal.closed == portal.sessions[-1:]
    finally:
        portal.close()


def test_without_the_portal_the_problem_names_the_alternative(
    bus_address: str, loop: Any, run: Any
) -> None:
    hotkeys = _hotkeys(bus_address)
    assert hotkeys.register(SHORTCUTS) == []
    run(wait_until(lambda: hotkeys.portal_problem, 8.0), 9.0)
    assert "GlobalShortcuts" in hotkeys.portal_problem
    assert "ctidesk dial --selection" in hotkeys.portal_problem
    assert hotkeys.portal_bound == []
    hotkeys.unregister()
    run(hotkeys.wait_closed(), 6.0)


def test_a_bad_key_combination_is_reported_at_once_and_the_others_are_asked_for(
    bus_address: str, loop: Any, run: Any
) -> None:
    portal = GlobalShortcutsPortal(bus_address)
    hotkeys = _hotkeys(bus_address)
    try:
        problems = hotkeys.register({"dial_selection": "D", "answer": "Ctrl+Alt+A"})
        assert problems and problems[0].startswith("dial_selection hotkey:")
        run(wait_until(lambda: hotkeys.portal_bound == ["answer"], 5.0), 6.0)
        assert list(portal.bound) == ["answer"]
        hotkeys.unregister()
        run(hotkeys.wait_closed(), 6.0)
    finally:
        portal.close()
