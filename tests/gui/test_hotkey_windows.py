"""Issue 19, point 1: the global hotkey on Windows (RegisterHotKey + a native event filter for
WM_HOTKEY) and the copy keystroke that reads the selection there, against their Windows calls
(a stand-in for user32.dll with the same functions; this machine is not Windows)."""

from __future__ import annotations

import ctypes
import sys
from ctypes import wintypes
from typing import Any

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QApplication

from ctidesk.gui.hotkey import GlobalHotkeys, HotkeyError
from ctidesk.gui.hotkey_windows import (
    MOD_ALT,
    MOD_CONTROL,
    MOD_NOREPEAT,
    MOD_SHIFT,
    MOD_WIN,
    VK_C,
    VK_CONTROL,
    VK_SHIFT,
    WM_HOTKEY,
    KeyInput,
    WindowsGlobalHotkey,
    send_copy_keystroke,
    windows_key,
)

pytestmark = pytest.mark.gui


class User32:
    """The user32.dll functions ctidesk calls, recording them as Windows would see them."""

    def __init__(self, taken: tuple[tuple[int, int], ...] = (), held_polls: int = 0) -> None:
        self.taken = taken
        self.registered: dict[int, tuple[int, int]] = {}
        self.unregistered: list[int] = []
        self.held_polls = held_polls
        self.polled: list[int] = []
        self.sent: list[tuple[int, bool]] = []

    def RegisterHotKey(self, hwnd: Any, hotkey_id: int, modifiers: int, key: int) -> int:
        assert hwnd is None, "the GUI thread's queue, no window"
        if (modifiers & ~MOD_NOREPEAT, key) in self.taken:
            return 0
        self.registered[hotkey_id] = (modifiers, key)
        return 1

    def UnregisterHotKey(self, hwnd: Any, hotkey_id: int) -> int:
        self.unregistered.append(hotkey_id)
        return 1

    def GetAsyncKeyState(self, key: int) -> int:
        self.polled.append(key)
        if key == VK_SHIFT and self.held_polls > 0:
            self.held_polls -= 1
            return -32768
        return 0

    def SendInput(self, count: int, events: Any, size: int) -> int:
        assert size == ctypes.sizeof(KeyInput)
        for event in events[:count]:
            self.sent.append((event.union.ki.wVk, bool(event.union.ki.dwFlags & 2)))
        return count


def _deliver_wm_hotkey(hotkey: WindowsGlobalHotkey, hotkey_id: int) -> bool:
    """What Qt's dispatcher does with a thread message: the native filters see it first."""
    message = wintypes.MSG(message=WM_HOTKEY, wParam=hotkey_id)
    native_filter = hotkey._filter
    assert native_filter is not None
    handled, _result = native_filter.nativeEventFilter(
        QByteArray(b"windows_generic_MSG"), ctypes.addressof(message)
    )
    return bool(handled)


def test_key_combinations_become_windows_modifiers_and_virtual_keys() -> None:
    assert windows_key("Meta+Shift+D") == (MOD_WIN | MOD_SHIFT, ord("D"))
    assert windows_key("Ctrl+Alt+F9") == (MOD_CONTROL | MOD_ALT, 0x78)
    assert windows_key("Ctrl+Shift+Space") == (MOD_CONTROL | MOD_SHIFT, 0x20)
    with pytest.raises(HotkeyError, match="cannot be a Windows hotkey"):
        windows_key("Ctrl+Shift+Menu")


def test_a_registered_hotkey_fires_on_its_wm_hotkey_only(qapp: QApplication) -> None:
    user32 = User32()
    hotkey = WindowsGlobalHotkey("Meta+Shift+D", user32=user32)
    fired: list[bool] = []
    hotkey.activated.connect(lambda: fired.append(True))
    hotkey.register()
    ((hotkey_id, (modifiers, key)),) = user32.registered.items()
    assert modifiers == MOD_WIN | MOD_SHIFT | MOD_NOREPEAT and key == ord("D")
    assert 0 < hotkey_id < 0xC000

    assert not _deliver_wm_hotkey(hotkey, hotkey_id + 1)
    assert fired == []
    assert _deliver_wm_hotkey(hotkey, hotkey_id)
    assert fired == [True]
    hotkey.unregister()
    assert user32.unregistered == [hotkey_id]


def test_a_combination_another_program_holds_says_so(qapp: QApplication) -> None:
    user32 = User32(taken=((MOD_WIN | MOD_SHIFT, ord("D")),))
    with pytest.raises(HotkeyError, match="already used by another program"):
        WindowsGlobalHotkey("Meta+Shift+D", user32=user32).register()


def test_the_desktop_s_hotkeys_run_on_windows_hotkeys(qapp: QApplication) -> None:
    user32 = User32(taken=((MOD_CONTROL | MOD_ALT, ord("A")),))
    hotkeys = GlobalHotkeys(lambda keys, parent: _registered(keys, parent, user32))
    pressed: list[str] = []
    hotkeys.pressed.connect(pressed.append)
    problems = hotkeys.register({"dial_selection": "Meta+Shift+D", "answer": "Ctrl+Alt+A"})
    assert problems == [
        "answer hotkey: Ctrl+Alt+A is already used by another program; pick another in Settings"
    ]
    dial = hotkeys.registered()
    (key,) = dial.values()
    assert isinstance(key, WindowsGlobalHotkey)
    _deliver_wm_hotkey(key, key.hotkey_id)
    assert pressed == ["dial_selection"]
    hotkeys.unregister()
    assert user32.unregistered == [key.hotkey_id]


def _registered(keys: str, parent: Any, user32: User32) -> WindowsGlobalHotkey:
    hotkey = WindowsGlobalHotkey(keys, parent, user32=user32)
    hotkey.register()
    return hotkey


def test_the_copy_keystroke_waits_for_the_hotkey_s_modifiers_then_sends_ctrl_c() -> None:
    user32 = User32(held_polls=3)
    send_copy_keystroke(user32, wait_seconds=1.0)
    assert user32.polled.count(VK_SHIFT) >= 4, "polled until Shift was let go"
    assert user32.sent == [(VK_CONTROL, False), (VK_C, False), (VK_C, True), (VK_CONTROL, True)]


@pytest.mark.skipif(sys.platform != "win32", reason="registers a real hotkey with Windows")
def test_a_real_hotkey_registers_with_windows_and_lets_go(qapp: QApplication) -> None:
    """Run by the Windows job of .github/workflows/installers.yml."""
    hotkey = WindowsGlobalHotkey("Ctrl+Alt+Shift+F12")
    hotkey.register()
    hotkey.unregister()
    again = WindowsGlobalHotkey("Ctrl+Alt+Shift+F12")
    again.register()
    again.unregister()
