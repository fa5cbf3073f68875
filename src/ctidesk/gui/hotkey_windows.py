"""Global hotkeys and the copy keystroke on Windows (ctypes, no extra dependency).

`WindowsGlobalHotkey` registers its key combination with ``RegisterHotKey`` for the GUI
thread (no window: Windows posts ``WM_HOTKEY`` to the thread's queue); Qt's event dispatcher
hands every message of that queue to the native event filters, where the hotkey's own
`HotkeyMessageFilter` picks out ``WM_HOTKEY`` with its id (the key combination itself, so two
hotkeys of one process never share one).

`send_copy_keystroke` is how the selection is read on Windows: wait until the user has let go
of the hotkey's own modifiers (Shift still held would turn Ctrl+C into Ctrl+Shift+C), then send
Ctrl+C with ``SendInput``; `SelectionReader` puts the user's clipboard back afterwards.
"""

from __future__ import annotations

import ctypes
import logging
import time
from ctypes import wintypes
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QObject

from ctidesk.gui.hotkey_keys import (
    CONTROL_MASK,
    MOD1_MASK,
    MOD4_MASK,
    SHIFT_MASK,
    GlobalHotkey,
    HotkeyError,
    parse_shortcut,
)

log = logging.getLogger(__name__)

WM_HOTKEY = 0x0312
MOD_ALT = 0x0001
MOD_CONTROL = 0x0002
MOD_SHIFT = 0x0004
MOD_WIN = 0x0008
MOD_NOREPEAT = 0x4000
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
VK_SHIFT, VK_CONTROL, VK_MENU, VK_LWIN, VK_RWIN = 0x10, 0x11, 0x12, 0x5B, 0x5C
VK_C = 0x43
INPUT_KEYBOARD = 1
KEYEVENTF_KEYUP = 0x0002
MODIFIERS_RELEASE_SECONDS = 1.0
_VIRTUAL_KEYS = {
    "space": 0x20,
    "Return": 0x0D,
    "Tab": 0x09,
    "Escape": 0x1B,
    "Insert": 0x2D,
    "Delete": 0x2E,
    "Home": 0x24,
    "End": 0x23,
    "Prior": 0x21,
    "Next": 0x22,
    "Pause": 0x13,
    "Print": 0x2C,
    "plus": 0xBB,
}
_MODIFIERS = ((SHIFT_MASK, MOD_SHIFT), (CONTROL_MASK, MOD_CONTROL), (MOD1_MASK, MOD_ALT))


def windows_key(shortcut: str) -> tuple[int, int]:
    """``Meta+Shift+D`` → (MOD_WIN | MOD_SHIFT, VK 'D'); raises `HotkeyError`."""
    parsed = parse_shortcut(shortcut)
    modifiers = sum(bit for mask, bit in _MODIFIERS if parsed.mask & mask)
    if parsed.mask & MOD4_MASK:
        modifiers |= MOD_WIN
    key = parsed.keysym
    if len(key) == 1 and key.isalnum():
        return modifiers, ord(key.upper())
    if key.startswith("F") and key[1:].isdigit() and 1 <= int(key[1:]) <= 24:
        return modifiers, 0x70 + int(key[1:]) - 1
    if key in _VIRTUAL_KEYS:
        return modifiers, _VIRTUAL_KEYS[key]
    raise HotkeyError(f"the key of {shortcut!r} cannot be a Windows hotkey; record another")


def _user32() -> Any:
    return ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]


class HotkeyMessageFilter(QAbstractNativeEventFilter):
    """Emits the hotkey's ``activated`` for ``WM_HOTKEY`` with its id."""

    def __init__(self, hotkey: WindowsGlobalHotkey, hotkey_id: int) -> None:
        super().__init__()
        self._hotkey = hotkey
        self._id = hotkey_id

    def nativeEventFilter(self, event_type: Any, message: Any) -> tuple[bool, int]:  # Qt API
        if bytes(event_type) != b"windows_generic_MSG" or not message:
            return False, 0
        msg = wintypes.MSG.from_address(int(message))
        if msg.message != WM_HOTKEY or int(msg.wParam) != self._id:
            return False, 0
        self._hotkey.activated.emit()
        return True, 0


class WindowsGlobalHotkey(GlobalHotkey):
    """``RegisterHotKey`` for one key combination; ``activated`` on every press."""

    def __init__(self, shortcut: str, parent: QObject | None = None, user32: Any = None) -> None:
        super().__init__(parent)
        self._text = shortcut
        self._modifiers, self._key = windows_key(shortcut)
        self.hotkey_id = self._modifiers << 8 | self._key
        """Unique per key combination, within the range applications may use (< 0xC000)."""
        self._user32 = user32
        self._filter: HotkeyMessageFilter | None = None

    def register(self) -> None:
        app = QCoreApplication.instance()
        if app is None:
            raise HotkeyError("global hotkeys need the running ctidesk")
        user32 = self._user32 = self._user32 or _user32()
        ok = user32.RegisterHotKey(None, self.hotkey_id, self._modifiers | MOD_NOREPEAT, self._key)
        if not ok:
            error = ctypes.get_last_error() if hasattr(ctypes, "get_last_error") else 0
            if error in (ERROR_HOTKEY_ALREADY_REGISTERED, 0):
                raise HotkeyError(
                    f"{self._text} is already used by another program; pick another in Settings"
                )
            raise HotkeyError(f"Windows refused the hotkey {self._text} (error {error})")
        self._filter = HotkeyMessageFilter(self, self.hotkey_id)
        app.installNativeEventFilter(self._filter)
        log.info("global hotkey %s registered", self._text)

    def unregister(self) -> None:
        if self._filter is not None and self._user32 is not None:
            self._user32.UnregisterHotKey(None, self.hotkey_id)
            app = QCoreApplication.instance()
            if app is not None:
                app.removeNativeEventFilter(self._filter)
        self._filter = None


class _KeyboardInput(ctypes.Structure):
    _fields_ = [
        ("wVk", wintypes.WORD),
        ("wScan", wintypes.WORD),
        ("dwFlags", wintypes.DWORD),
        ("time", wintypes.DWORD),
        ("dwExtraInfo", ctypes.c_size_t),
    ]


class _InputUnion(ctypes.Union):
    _fields_ = [("ki", _KeyboardInput), ("padding", ctypes.c_byte * 32)]


class KeyInput(ctypes.Structure):
    """Windows' INPUT for a keyboard event."""

    _fields_ = [("type", wintypes.DWORD), ("union", _InputUnion)]


def _key(virtual_key: int, up: bool) -> KeyInput:
    event = KeyInput(type=INPUT_KEYBOARD)
    event.union.ki = _KeyboardInput(wVk=virtual_key, dwFlags=KEYEVENTF_KEYUP if up else 0)
    return event


def send_copy_keystroke(
    user32: Any = None, wait_seconds: float = MODIFIERS_RELEASE_SECONDS
) -> None:
    """Ctrl+C to the focused window, once the hotkey's modifiers are up."""
    user32 = user32 or _user32()
    deadline = time.monotonic() + wait_seconds
    held = (VK_SHIFT, VK_MENU, VK_LWIN, VK_RWIN, VK_CONTROL)
    while any(user32.GetAsyncKeyState(key) & 0x8000 for key in held):
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    events = (KeyInput * 4)(
        _key(VK_CONTROL, False), _key(VK_C, False), _key(VK_C, True), _key(VK_CONTROL, True)
    )
    sent = user32.SendInput(len(events), events, ctypes.sizeof(KeyInput))
    if sent != len(events):
        log.warning("Windows took %d of the 4 key events of Ctrl+C", sent)
