"""Issue 19, point 1: the global hotkey on macOS (Carbon's RegisterEventHotKey with an
application event handler) and the Command+C that reads the selection there, against their
macOS calls (stand-ins for the Carbon and Quartz functions; this machine is not a Mac)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from ctidesk.gui.hotkey import GlobalHotkeys, HotkeyAction, HotkeyError
from ctidesk.gui.hotkey_macos import (
    CMD_KEY,
    CONTROL_KEY,
    EVENT_CLASS_KEYBOARD,
    EVENT_HOT_KEY_EXISTS_ERR,
    EVENT_HOT_KEY_PRESSED,
    KEY_CODE_C,
    NO_ERR,
    OPTION_KEY,
    SHIFT_KEY,
    SIGNATURE,
    MacGlobalHotkey,
    mac_key,
    send_copy_keystroke,
)

pytestmark = pytest.mark.gui

TARGET = 0xA11


class Carbon:
    """The Carbon functions ctidesk calls; a press calls the installed handlers as macOS does."""

    def __init__(self, taken: tuple[tuple[int, int], ...] = ()) -> None:
        self.taken = taken
        self.handlers: list[Any] = []
        self.hotkeys: dict[int, tuple[int, int, int]] = {}
        self.removed = 0
        self.unregistered = 0
        self._pressed: tuple[int, int] = (0, 0)

    def GetApplicationEventTarget(self) -> int:
        return TARGET

    def InstallEventHandler(
        self, target: int, handler: Any, count: int, spec: Any, data: Any, ref: Any
    ) -> int:
        assert target == TARGET and count == 1
        assert (spec[0].eventClass, spec[0].eventKind) == (
            EVENT_CLASS_KEYBOARD,
            EVENT_HOT_KEY_PRESSED,
        )
        self.handlers.append(handler)
        ref._obj.value = 0x1000 + len(self.handlers)
        return NO_ERR

    def RemoveEventHandler(self, ref: Any) -> int:
        self.removed += 1
        return NO_ERR

    def RegisterEventHotKey(
        self, key: int, modifiers: int, hotkey_id: Any, target: int, options: int, ref: Any
    ) -> int:
        if (modifiers, key) in self.taken:
            return EVENT_HOT_KEY_EXISTS_ERR
        self.hotkeys[hotkey_id.id] = (hotkey_id.signature, modifiers, key)
        ref._obj.value = 0x2000 + hotkey_id.id
        return NO_ERR

    def UnregisterEventHotKey(self, ref: Any) -> int:
        self.unregistered += 1
        return NO_ERR

    def GetEventParameter(
        self, event: Any, name: int, kind: int, actual: Any, size: int, used: Any, out: Any
    ) -> int:
        out._obj.signature, out._obj.id = self._pressed
        return NO_ERR

    def press(self, signature: int, hotkey_id: int) -> list[int]:
        """The user presses a hot key: every handler of the app is asked in turn."""
        self._pressed = (signature, hotkey_id)
        return [handler(None, 0xE7, None) for handler in list(self.handlers)]


def test_key_combinations_follow_qt_s_mac_names() -> None:
    assert mac_key("Ctrl+Shift+D") == (CMD_KEY | SHIFT_KEY, 0x02)
    assert mac_key("Meta+Alt+F9") == (CONTROL_KEY | OPTION_KEY, 0x65)
    assert mac_key("Ctrl+Shift+0") == (CMD_KEY | SHIFT_KEY, 0x1D)
    with pytest.raises(HotkeyError, match="cannot be a macOS hotkey"):
        mac_key("Ctrl+Shift+Menu")


def test_a_registered_hot_key_fires_for_its_id_only(qapp: QApplication) -> None:
    carbon = Carbon()
    hotkey = MacGlobalHotkey("Ctrl+Shift+D", carbon=carbon)
    fired: list[bool] = []
    hotkey.activated.connect(lambda: fired.append(True))
    hotkey.register()
    assert carbon.hotkeys == {hotkey.hotkey_id: (SIGNATURE, CMD_KEY | SHIFT_KEY, 0x02)}

    assert carbon.press(SIGNATURE, hotkey.hotkey_id + 1) == [-9874]
    assert carbon.press(0, hotkey.hotkey_id) == [-9874]
    assert fired == []
    assert carbon.press(SIGNATURE, hotkey.hotkey_id) == [NO_ERR]
    assert fired == [True]
    hotkey.unregister()
    assert carbon.unregistered == 1 and carbon.removed == 1


def test_a_combination_another_program_holds_says_so(qapp: QApplication) -> None:
    carbon = Carbon(taken=((CMD_KEY | SHIFT_KEY, 0x02),))
    with pytest.raises(HotkeyError, match="already used by another program"):
        MacGlobalHotkey("Ctrl+Shift+D", carbon=carbon).register()
    assert carbon.removed == 1, "the handler of the refused hot key is removed again"


def test_the_desktop_s_hotkeys_run_on_mac_hot_keys(qapp: QApplication) -> None:
    carbon = Carbon()

    def grab(keys: str, parent: Any) -> MacGlobalHotkey:
        hotkey = MacGlobalHotkey(keys, parent, carbon=carbon)
        hotkey.register()
        return hotkey

    hotkeys = GlobalHotkeys(grab)
    pressed: list[str] = []
    hotkeys.pressed.connect(pressed.append)
    assert hotkeys.register({"dial_selection": "Ctrl+Shift+D", "focus_popup": "Ctrl+Shift+P"}) == []
    focus = hotkeys.registered()[HotkeyAction.FOCUS_POPUP]
    assert isinstance(focus, MacGlobalHotkey)
    carbon.press(SIGNATURE, focus.hotkey_id)
    assert pressed == ["focus_popup"]
    hotkeys.unregister()
    assert carbon.unregistered == 2


class Quartz:
    """The Quartz event functions of the copy keystroke."""

    def __init__(self, held_polls: int = 0) -> None:
        self.held_polls = held_polls
        self.polls = 0
        self.posted: list[tuple[int, bool, int]] = []
        self.released = 0
        self._events: dict[int, list[Any]] = {}

    def CGEventSourceFlagsState(self, state: int) -> int:
        self.polls += 1
        if self.held_polls:
            self.held_polls -= 1
            return 0x00020000
        return 0

    def CGEventCreateKeyboardEvent(self, source: Any, key: int, down: bool) -> int:
        handle = len(self._events) + 1
        self._events[handle] = [key, down, 0]
        return handle

    def CGEventSetFlags(self, event: int, flags: int) -> None:
        self._events[event][2] = flags

    def CGEventPost(self, tap: int, event: int) -> None:
        key, down, flags = self._events[event]
        self.posted.append((key, down, flags))

    def CFRelease(self, event: int) -> None:
        self.released += 1


def test_the_copy_keystroke_waits_for_the_modifiers_then_posts_command_c() -> None:
    quartz = Quartz(held_polls=2)
    send_copy_keystroke(quartz, wait_seconds=1.0)
    assert quartz.polls == 3
    command = 1 << 20
    assert quartz.posted == [(KEY_CODE_C, True, command), (KEY_CODE_C, False, command)]
    assert quartz.released == 2


@pytest.mark.skipif(sys.platform != "darwin", reason="registers a real hot key with macOS")
def test_a_real_hot_key_registers_with_macos_and_lets_go(qapp: QApplication) -> None:
    """Run by the macOS job of .github/workflows/installers.yml."""
    hotkey = MacGlobalHotkey("Ctrl+Alt+Shift+F12")
    hotkey.register()
    hotkey.unregister()
    again = MacGlobalHotkey("Ctrl+Alt+Shift+F12")
    again.register()
    again.unregister()
