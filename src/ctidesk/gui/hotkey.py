"""Global hotkeys: dial the selected text, answer, hang up, put the keyboard on the pop-up.

`GlobalHotkeys` grabs the configured key combinations (one `X11GlobalHotkey` each) and reports
which action's key was pressed; the desktop decides what the action does.

On X11 the key is grabbed on the root window through libX11 (ctypes, no extra dependency) on a
connection of its own, watched by a `QSocketNotifier`; the selection is the PRIMARY selection,
so the clipboard is never touched. Elsewhere the selection is copied with the system's copy
keystroke and the user's clipboard is put back afterwards (`SelectionReader`). Wayland offers no
global grabs to applications: there the hotkeys are asked of the desktop through the XDG desktop
portal (`gui/portal_shortcuts.py`), and where the desktop has no such portal the problem says
what to set up instead.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Mapping
from enum import StrEnum
from functools import partial
from typing import Any

from PySide6.QtCore import QMimeData, QObject, QSocketNotifier, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from ctidesk.core.tasks import TaskSet
from ctidesk.gui.hotkey_keys import (
    COPY_WAIT_SECONDS,
    GRAB_MODE_ASYNC,
    IGNORED_MASKS,
    KEY_PRESS,
    LOCK_MASK,
    MOD2_MASK,
    GlobalHotkey,
    HotkeyError,
    parse_shortcut,
)
from ctidesk.gui.portal_shortcuts import PortalError, PortalShortcuts

log = logging.getLogger(__name__)


def is_x11() -> bool:
    platform = QGuiApplication.platformName()
    return platform == "xcb" or (not platform and bool(os.environ.get("DISPLAY")))


def is_wayland() -> bool:
    return QGuiApplication.platformName().startswith("wayland")


class _XKeyEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("root", ctypes.c_ulong),
        ("subwindow", ctypes.c_ulong),
        ("time", ctypes.c_ulong),
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("x_root", ctypes.c_int),
        ("y_root", ctypes.c_int),
        ("state", ctypes.c_uint),
        ("keycode", ctypes.c_uint),
        ("same_screen", ctypes.c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xkey", _XKeyEvent), ("pad", ctypes.c_long * 24)]


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def _load_xlib() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        xlib = ctypes.CDLL(name)
    except OSError as exc:
        raise HotkeyError("libX11 is missing; install it (Debian: libx11-6)") from exc
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xlib.XStringToKeysym.restype = ctypes.c_ulong
    xlib.XStringToKeysym.argtypes = [ctypes.c_char_p]
    xlib.XKeysymToKeycode.restype = ctypes.c_ubyte
    xlib.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    xlib.XGrabKey.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
    ]
    xlib.XUngrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong]
    xlib.XPending.argtypes = [ctypes.c_void_p]
    xlib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
    xlib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xlib.XSetErrorHandler.restype = ctypes.c_void_p
    xlib.XSetErrorHandler.argtypes = [ctypes.c_void_p]
    return xlib


class X11GlobalHotkey(GlobalHotkey):
    """Grabs one key combination on the X11 root window; ``activated`` on every press."""

    def __init__(self, shortcut: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = shortcut
        self._shortcut = parse_shortcut(shortcut)
        self._xlib: ctypes.CDLL | None = None
        self._display: int | None = None
        self._root = 0
        self._keycode = 0
        self._notifier: QSocketNotifier | None = None

    def register(self) -> None:
        """Grab the key; raises `HotkeyError` (another program has it, no display, ...)."""
        xlib = _load_xlib()
        display = xlib.XOpenDisplay(None)
        if not display:
            raise HotkeyError("cannot reach the X display for the global hotkey")
        keysym = xlib.XStringToKeysym(self._shortcut.keysym.encode())
        keycode = xlib.XKeysymToKeycode(display, keysym) if keysym else 0
        if not keycode:
            xlib.XCloseDisplay(display)
            raise HotkeyError(f"the key of {self._text!r} is not on this keyboard; record another")
        root = xlib.XDefaultRootWindow(display)
        failures: list[int] = []

        def on_error(_display: int, _event: int) -> int:
            failures.append(1)
            return 0

        handler = _ERROR_HANDLER(on_error)
        previous = xlib.XSetErrorHandler(ctypes.cast(handler, ctypes.c_void_p))
        try:
            for extra in IGNORED_MASKS:
                xlib.XGrabKey(
                    display,
                    keycode,
                    self._shortcut.mask | extra,
                    root,
                    1,
                    GRAB_MODE_ASYNC,
                    GRAB_MODE_ASYNC,
                )
            xlib.XSync(display, 0)
        finally:
            xlib.XSetErrorHandler(previous)
        if failures:
            xlib.XCloseDisplay(display)
            raise HotkeyError(
                f"{self._text} is already used by another program; pick another in Settings"
            )
        self._xlib, self._display, self._root, self._keycode = xlib, display, root, keycode
        self._notifier = QSocketNotifier(
            xlib.XConnectionNumber(display), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self._drain)
        log.info("global hotkey %s registered", self._text)

    def _drain(self) -> None:
        xlib, display = self._xlib, self._display
        if xlib is None or display is None:
            return
        event = _XEvent()
        pressed = False
        while xlib.XPending(display):
            xlib.XNextEvent(display, ctypes.byref(event))
            if event.type == KEY_PRESS and event.xkey.keycode == self._keycode:
                state = event.xkey.state & ~(LOCK_MASK | MOD2_MASK)
                pressed = pressed or state & 0xFF == self._shortcut.mask
        if pressed:
            self.activated.emit()

    def unregister(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._xlib is not None and self._display is not None:
            for extra in IGNORED_MASKS:
                self._xlib.XUngrabKey(
                    self._display, self._keycode, self._shortcut.mask | extra, self._root
                )
            self._xlib.XCloseDisplay(self._display)
        self._xlib = None
        self._display = None


def global_hotkey(shortcut: str, parent: QObject | None = None) -> GlobalHotkey:
    """The hotkey for this desktop (X11 grab, Windows RegisterHotKey, macOS Carbon hot key);
    raises `HotkeyError` where none can be had."""
    hotkey: GlobalHotkey
    if sys.platform == "win32":
        from ctidesk.gui.hotkey_windows import WindowsGlobalHotkey

        hotkey = WindowsGlobalHotkey(shortcut, parent)
        hotkey.register()
        return hotkey
    if sys.platform == "darwin":
        from ctidesk.gui.hotkey_macos import MacGlobalHotkey

        hotkey = MacGlobalHotkey(shortcut, parent)
        hotkey.register()
        return hotkey
    if not is_x11():
        platform = QGuiApplication.platformName() or "this system"
        raise HotkeyError(
            f"global hotkeys are not available on {platform}; set a shortcut in your desktop's "
            "keyboard settings that runs `ctidesk dial --selection`"
        )
    hotkey = X11GlobalHotkey(shortcut, parent)
    hotkey.register()
    return hotkey


class HotkeyAction(StrEnum):
    """The global hotkeys, named as their keys in the ``[hotkey]`` settings."""

    DIAL_SELECTION = "dial_selection"
    ANSWER = "answer"
    HANG_UP = "hang_up"
    FOCUS_POPUP = "focus_popup"


HotkeyGrabber = Callable[[str, QObject | None], GlobalHotkey]
"""Grabs one key combination (`global_hotkey`); raises `HotkeyError` when it cannot."""
PortalFactory = Callable[[], PortalShortcuts]


class GlobalHotkeys(QObject):
    """Every configured global hotkey; ``pressed`` carries the action's name (a `HotkeyAction`
    value) each time its key combination is pressed anywhere on the desktop.

    On Wayland (or with ``portal`` given) the shortcuts are asked of the desktop's portal; its
    answer comes later, so a problem with it lands in ``portal_problem`` and the log."""

    pressed = Signal(str)

    def __init__(
        self,
        grab: HotkeyGrabber = global_hotkey,
        parent: QObject | None = None,
        *,
        portal: PortalFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._grab = grab
        self._keys: dict[HotkeyAction, GlobalHotkey] = {}
        self._portal_factory = portal
        self._portal: PortalShortcuts | None = None
        self._binding: asyncio.Task[None] | None = None
        self._tasks = TaskSet()
        self.portal_problem = ""
        self.portal_bound: list[str] = []
        """The actions the desktop's portal has bound (Wayland)."""

    def register(self, shortcuts: Mapping[str, str]) -> list[str]:
        """Grab ``action → key combination`` (after letting go of the previous ones); returns
        a sentence per problem (naming the hotkeys it hit), the other hotkeys work regardless."""
        self.unregister()
        factory = self._portal_factory
        if factory is None and is_wayland() and self._grab is global_hotkey:
            factory = PortalShortcuts
        if factory is not None:
            return self._register_with_portal(factory, shortcuts)
        problems: dict[str, list[str]] = {}
        taken: dict[tuple[int, str], HotkeyAction] = {}
        for name, keys in shortcuts.items():
            action = HotkeyAction(name)
            try:
                combination = parse_shortcut(keys)
                same = taken.get((combination.mask, combination.keysym.lower()))
                if same is not None:
                    raise HotkeyError(
                        f"{keys} is already the {same.value} hotkey; pick another in Settings"
                    )
                key = self._grab(keys, self)
            except HotkeyError as exc:
                problems.setdefault(str(exc), []).append(action.value)
                continue
            taken[(combination.mask, combination.keysym.lower())] = action
            key.activated.connect(partial(self.pressed.emit, action.value))
            self._keys[action] = key
        return [f"{', '.join(names)} hotkey: {problem}" for problem, names in problems.items()]

    def _register_with_portal(
        self, factory: PortalFactory, shortcuts: Mapping[str, str]
    ) -> list[str]:
        problems: list[str] = []
        wanted: dict[str, str] = {}
        for name, keys in shortcuts.items():
            action = HotkeyAction(name)
            try:
                parse_shortcut(keys)
            except HotkeyError as exc:
                problems.append(f"{action.value} hotkey: {exc}")
                continue
            wanted[action.value] = keys
        if wanted:
            portal = factory()
            portal.activated.connect(self._portal_activated)
            self._portal = portal
            self.portal_problem = ""
            self._binding = self._spawn(self._bind(portal, wanted))
        return problems

    async def _bind(self, portal: PortalShortcuts, wanted: dict[str, str]) -> None:
        try:
            await portal.bind(wanted)
        except PortalError as exc:
            self.portal_problem = f"{', '.join(wanted)} hotkey: {exc}"
            log.warning("global hotkey unavailable: %s", self.portal_problem)
            return
        self.portal_bound = list(wanted)

    def _portal_activated(self, shortcut: str) -> None:
        if shortcut in self.portal_bound:
            self.pressed.emit(shortcut)

    def registered(self) -> dict[HotkeyAction, GlobalHotkey]:
        """The hotkeys grabbed now, by action."""
        return dict(self._keys)

    def unregister(self) -> None:
        for key in self._keys.values():
            key.unregister()
            key.deleteLater()
        self._keys = {}
        self.portal_bound = []
        portal, self._portal = self._portal, None
        if portal is not None:
            portal.activated.disconnect(self._portal_activated)
            if self._binding is not None:
                self._binding.cancel()
            self._spawn(portal.close())

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """On the app's loop, also before it runs (the desktop registers hotkeys at start)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        return self._tasks.keep(loop.create_task(coroutine))

    async def wait_closed(self, within: float = 5.0) -> None:
        """Wait until the portal session let go by `unregister` is closed (Wayland)."""
        await self._tasks.wait(within)


CopyKeystroke = Callable[[], None]


def platform_copy_keystroke(platform: str = sys.platform) -> CopyKeystroke | None:
    """How this system copies the selection of the focused program: Ctrl+C on Windows,
    Command+C on macOS; None where the selection can be read directly (X11's PRIMARY) or
    keystrokes cannot be sent to other programs (Wayland)."""
    if platform == "win32":
        from ctidesk.gui.hotkey_windows import send_copy_keystroke

        return send_copy_keystroke
    if platform == "darwin":
        from ctidesk.gui.hotkey_macos import send_copy_keystroke as send_command_c

        return send_command_c
    return None


class SelectionReader:
    """Reads what the user selected, leaving their clipboard as it was: the PRIMARY selection
    where the system has one (X11, Wayland desktops that share it); elsewhere the selection
    copied with the copy keystroke, the user's clipboard put back afterwards. Never the
    clipboard itself: "dial the selection" dialled whatever was copied last (issue 19)."""

    def __init__(
        self,
        clipboard: QClipboard,
        send_copy: CopyKeystroke | None = None,
        wait_seconds: float = COPY_WAIT_SECONDS,
        *,
        platform: str = sys.platform,
    ) -> None:
        self._clipboard = clipboard
        self._send_copy = send_copy or platform_copy_keystroke(platform)
        self._wait = wait_seconds

    async def read(self) -> str:
        """The selected text; empty when nothing is selected or it cannot be read here."""
        if self._clipboard.supportsSelection():
            return self._clipboard.text(QClipboard.Mode.Selection)
        if self._send_copy is None:
            log.info("no selection to read on %s", QGuiApplication.platformName())
            return ""
        saved = _copy_mime(self._clipboard.mimeData())
        self._clipboard.clear()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._send_copy)
        deadline = loop.time() + self._wait
        text = ""
        while loop.time() < deadline:
            await asyncio.sleep(0.02)
            text = self._clipboard.text()
            if text:
                break
        self._clipboard.setMimeData(saved)
        return text


def _copy_mime(source: QMimeData | None) -> QMimeData:
    copy = QMimeData()
    if source is not None:
        for fmt in source.formats():
            copy.setData(fmt, source.data(fmt))
    return copy
