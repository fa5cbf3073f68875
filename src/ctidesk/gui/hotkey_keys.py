"""Key combinations and the one interface every platform's global hotkey has.

Apart from `gui/hotkey.py` so that the platform modules (`hotkey_windows`, `hotkey_macos`) and the
X11 code share them without importing each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

SHIFT_MASK = 1 << 0
LOCK_MASK = 1 << 1
CONTROL_MASK = 1 << 2
MOD1_MASK = 1 << 3
MOD2_MASK = 1 << 4
MOD4_MASK = 1 << 6
KEY_PRESS = 2
GRAB_MODE_ASYNC = 1
IGNORED_MASKS = (0, LOCK_MASK, MOD2_MASK, LOCK_MASK | MOD2_MASK)
_MODIFIER_MASKS = {
    "shift": SHIFT_MASK,
    "ctrl": CONTROL_MASK,
    "control": CONTROL_MASK,
    "alt": MOD1_MASK,
    "meta": MOD4_MASK,
    "super": MOD4_MASK,
    "win": MOD4_MASK,
}
_KEYSYM_NAMES = {
    "space": "space",
    "return": "Return",
    "enter": "Return",
    "tab": "Tab",
    "esc": "Escape",
    "escape": "Escape",
    "ins": "Insert",
    "insert": "Insert",
    "del": "Delete",
    "delete": "Delete",
    "home": "Home",
    "end": "End",
    "pgup": "Prior",
    "pgdown": "Next",
    "pause": "Pause",
    "print": "Print",
}
COPY_WAIT_SECONDS = 0.5


class HotkeyError(Exception):
    """The hotkey cannot be registered; the message says why and what to do."""


@dataclass(frozen=True)
class Shortcut:
    """A key combination as X11 wants it: modifier mask and keysym name."""

    mask: int
    keysym: str


def parse_shortcut(text: str) -> Shortcut:
    """``Meta+Shift+D`` → (Mod4|Shift, ``d``); raises `HotkeyError` for what X cannot grab."""
    parts = [p.strip() for p in text.replace(" ", "").split("+")]
    if text.endswith("++"):
        parts = [*parts[:-2], "plus"]
    if not parts or not parts[-1]:
        raise HotkeyError(f"{text!r} is not a key combination; record one in Settings > Hotkey")
    *modifiers, key = parts
    mask = 0
    for modifier in modifiers:
        bit = _MODIFIER_MASKS.get(modifier.lower())
        if bit is None:
            raise HotkeyError(f"{modifier!r} in {text!r} is not a modifier key")
        mask |= bit
    if not mask:
        raise HotkeyError(f"{text!r} needs a modifier (Ctrl, Alt, Shift or Meta)")
    if len(key) == 1:
        keysym = key.lower() if key.isalpha() else key
    elif key.upper().startswith("F") and key[1:].isdigit():
        keysym = key.upper()
    else:
        keysym = _KEYSYM_NAMES.get(key.lower(), key)
    return Shortcut(mask=mask, keysym=keysym)


class GlobalHotkey(QObject):
    """One key combination grabbed for the whole desktop; ``activated`` on every press."""

    activated = Signal()

    def register(self) -> None:
        """Grab the key; raises `HotkeyError` with what to do when it cannot be had."""
        raise NotImplementedError

    def unregister(self) -> None:
        raise NotImplementedError
