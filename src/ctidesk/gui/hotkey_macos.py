"""Global hotkeys and the copy keystroke on macOS (ctypes, no extra dependency).

`MacGlobalHotkey` uses the system's hot-key API, Carbon's ``RegisterEventHotKey``: it needs
no Accessibility permission (unlike an event tap) and still works in sandboxed, signed apps.
One application event handler per hotkey receives ``kEventHotKeyPressed`` and compares the
hot key's id. Qt's Cocoa event loop runs the Carbon event dispatch, so the handler is called on
the GUI thread.

Key names follow Qt's macOS convention, as the hotkey recorder stores them: "Ctrl" is the
Command key, "Meta" the Control key, "Alt" the Option key.

`send_copy_keystroke` posts Command+C with Quartz events (``CGEventPost``) once the hotkey's
modifiers are up; macOS asks the user once to allow ctidesk under System Settings > Privacy &
Security > Accessibility, without which the selection cannot be copied.
"""

from __future__ import annotations

import ctypes
import logging
import time
from typing import Any

from PySide6.QtCore import QObject

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

CARBON = "/System/Library/Frameworks/Carbon.framework/Carbon"
APPLICATION_SERVICES = (
    "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices"
)
CMD_KEY, SHIFT_KEY, OPTION_KEY, CONTROL_KEY = 0x0100, 0x0200, 0x0800, 0x1000
EVENT_CLASS_KEYBOARD = int.from_bytes(b"keyb", "big")
EVENT_HOT_KEY_PRESSED = 5
PARAM_DIRECT_OBJECT = int.from_bytes(b"----", "big")
TYPE_EVENT_HOT_KEY_ID = int.from_bytes(b"hkid", "big")
SIGNATURE = int.from_bytes(b"CTID", "big")
NO_ERR = 0
EVENT_HOT_KEY_EXISTS_ERR = -9878
KEY_CODE_C = 0x08
CG_HID_EVENT_TAP = 0
CG_EVENT_FLAG_MASK_COMMAND = 1 << 20
CG_EVENT_SOURCE_STATE_HID = 1
MODIFIERS_RELEASE_SECONDS = 1.0
_KEY_CODES = {
    **dict(zip("asdfhgzxcv", (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)),
    **dict(zip("bqweryt", (0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11), strict=True)),
    **dict(zip("123465", (0x12, 0x13, 0x14, 0x15, 0x16, 0x17), strict=True)),
    **dict(zip("97", (0x19, 0x1A), strict=True)),
    **dict(
        zip(
            "80ouipljkmn",
            (0x1C, 0x1D, 0x1F, 0x20, 0x22, 0x23, 0x25, 0x26, 0x28, 0x2E, 0x2D),
            strict=True,
        )
    ),
    "Return": 0x24,
    "Tab": 0x30,
    "space": 0x31,
    "Escape": 0x35,
    "Delete": 0x75,
    "Home": 0x73,
    "End": 0x77,
    "Prior": 0x74,
    "Next": 0x79,
}
_FUNCTION_KEYS = (0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D, 0x67, 0x6F)
_MODIFIERS = (
    (CONTROL_MASK, CMD_KEY),
    (SHIFT_MASK, SHIFT_KEY),
    (MOD1_MASK, OPTION_KEY),
    (MOD4_MASK, CONTROL_KEY),
)


class EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


class EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


EventHandler = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


def mac_key(shortcut: str) -> tuple[int, int]:
    """``Ctrl+Shift+D`` → (cmdKey | shiftKey, kVK_ANSI_D); raises `HotkeyError`."""
    parsed = parse_shortcut(shortcut)
    modifiers = sum(bit for mask, bit in _MODIFIERS if parsed.mask & mask)
    key = parsed.keysym
    if key.startswith("F") and key[1:].isdigit() and 1 <= int(key[1:]) <= len(_FUNCTION_KEYS):
        return modifiers, _FUNCTION_KEYS[int(key[1:]) - 1]
    code = _KEY_CODES.get(key.lower() if len(key) == 1 else key)
    if code is None:
        raise HotkeyError(f"the key of {shortcut!r} cannot be a macOS hotkey; record another")
    return modifiers, code


def _carbon() -> Any:
    carbon = ctypes.cdll.LoadLibrary(CARBON)
    carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
    carbon.RegisterEventHotKey.argtypes = [
        ctypes.c_uint32,
        ctypes.c_uint32,
        EventHotKeyID,
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.POINTER(ctypes.c_void_p),
    ]
    carbon.UnregisterEventHotKey.argtypes = [ctypes.c_void_p]
    carbon.InstallEventHandler.argtypes = [
        ctypes.c_void_p,
        EventHandler,
        ctypes.c_uint32,
        ctypes.POINTER(EventTypeSpec),
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_void_p),
    ]
    carbon.RemoveEventHandler.argtypes = [ctypes.c_void_p]
    carbon.GetEventParameter.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    return carbon


class MacGlobalHotkey(GlobalHotkey):
    """``RegisterEventHotKey`` for one key combination; ``activated`` on every press."""

    def __init__(self, shortcut: str, parent: QObject | None = None, carbon: Any = None) -> None:
        super().__init__(parent)
        self._text = shortcut
        self._modifiers, self._key = mac_key(shortcut)
        self.hotkey_id = self._modifiers << 8 | self._key
        self._carbon = carbon
        self._hotkey_ref = ctypes.c_void_p()
        self._handler_ref = ctypes.c_void_p()
        self._callback: Any = None

    def register(self) -> None:
        carbon = self._carbon = self._carbon or _carbon()
        target = carbon.GetApplicationEventTarget()
        self._callback = EventHandler(self._on_event)
        spec = (EventTypeSpec * 1)(EventTypeSpec(EVENT_CLASS_KEYBOARD, EVENT_HOT_KEY_PRESSED))
        status = carbon.InstallEventHandler(
            target, self._callback, 1, spec, None, ctypes.byref(self._handler_ref)
        )
        if status != NO_ERR:
            raise HotkeyError(f"macOS refused the hotkey {self._text} (error {status})")
        status = carbon.RegisterEventHotKey(
            self._key,
            self._modifiers,
            EventHotKeyID(SIGNATURE, self.hotkey_id),
            target,
            0,
            ctypes.byref(self._hotkey_ref),
        )
        if status != NO_ERR:
            carbon.RemoveEventHandler(self._handler_ref)
            self._handler_ref = ctypes.c_void_p()
            if status == EVENT_HOT_KEY_EXISTS_ERR:
                raise HotkeyError(
                    f"{self._text} is already used by another program; pick another in Settings"
                )
            raise HotkeyError(f"macOS refused the hotkey {self._text} (error {status})")
        log.info("global hotkey %s registered", self._text)

    def _on_event(self, _next_handler: Any, event: Any, _user_data: Any) -> int:
        """Carbon's call for every hot-key press of the app; ours when the id is."""
        assert self._carbon is not None
        pressed = EventHotKeyID()
        status = self._carbon.GetEventParameter(
            event,
            PARAM_DIRECT_OBJECT,
            TYPE_EVENT_HOT_KEY_ID,
            None,
            ctypes.sizeof(pressed),
            None,
            ctypes.byref(pressed),
        )
        if status == NO_ERR and pressed.signature == SIGNATURE and pressed.id == self.hotkey_id:
            self.activated.emit()
            return NO_ERR
        return -9874  # eventNotHandledErr: the next handler may want it

    def unregister(self) -> None:
        if self._carbon is not None:
            if self._hotkey_ref.value:
                self._carbon.UnregisterEventHotKey(self._hotkey_ref)
            if self._handler_ref.value:
                self._carbon.RemoveEventHandler(self._handler_ref)
        self._hotkey_ref = ctypes.c_void_p()
        self._handler_ref = ctypes.c_void_p()


def _quartz() -> Any:
    quartz = ctypes.cdll.LoadLibrary(APPLICATION_SERVICES)
    quartz.CGEventCreateKeyboardEvent.restype = ctypes.c_void_p
    quartz.CGEventCreateKeyboardEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint16, ctypes.c_bool]
    quartz.CGEventSetFlags.argtypes = [ctypes.c_void_p, ctypes.c_uint64]
    quartz.CGEventPost.argtypes = [ctypes.c_uint32, ctypes.c_void_p]
    quartz.CFRelease.argtypes = [ctypes.c_void_p]
    quartz.CGEventSourceFlagsState.restype = ctypes.c_uint64
    quartz.CGEventSourceFlagsState.argtypes = [ctypes.c_int32]
    return quartz


def send_copy_keystroke(
    quartz: Any = None, wait_seconds: float = MODIFIERS_RELEASE_SECONDS
) -> None:
    """Command+C to the focused app, once the hotkey's modifiers are up."""
    quartz = quartz or _quartz()
    deadline = time.monotonic() + wait_seconds
    modifier_flags = 0x00FF0000  # shift, control, option, command, ...
    while quartz.CGEventSourceFlagsState(CG_EVENT_SOURCE_STATE_HID) & modifier_flags:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    for down in (True, False):
        event = quartz.CGEventCreateKeyboardEvent(None, KEY_CODE_C, down)
        quartz.CGEventSetFlags(event, CG_EVENT_FLAG_MASK_COMMAND)
        quartz.CGEventPost(CG_HID_EVENT_TAP, event)
        quartz.CFRelease(event)
