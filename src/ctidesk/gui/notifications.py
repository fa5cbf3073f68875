"""The desktop's own notifications for what must not be missed: a missed call (with a "Call
back" button), a problem that needs the agent.

On Linux they go to `org.freedesktop.Notifications` over D-Bus (KDE, GNOME, XFCE, most Wayland
desktops run such a server): the desktop keeps them in its notification history, shows the
buttons, and tells ctidesk which one was pressed. Where no server answers (a bare X11 session,
Windows, macOS) the tray says it instead (`TrayController.notify`: Qt's tray message, which on
Windows and macOS is the system's own notification, without buttons).

`FreedesktopNotifier.show` returns at once; the D-Bus call runs on the loop. Before the server
has answered `start` (or when it never does), `available` is False and the tray is used.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ctidesk import APP_ID
from ctidesk.core.tasks import TaskSet
from ctidesk.gui.session_bus import BusUnavailable, SessionBus

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
DEFAULT_ACTION = "default"
"""The key the server reports when the notification itself (not a button) was clicked."""
URGENCY_NORMAL = 1
URGENCY_CRITICAL = 2
SERVER_DEFAULT_TIMEOUT = -1
NEVER_EXPIRES = 0


@dataclass(frozen=True)
class NotificationAction:
    """A button on the notification: ``key`` comes back when it is pressed."""

    key: str
    label: str


ActionHandler = Callable[[str], None]


class DesktopNotifier(Protocol):
    """What the tray needs from the desktop's notification service."""

    def available(self) -> bool: ...

    def show(
        self,
        title: str,
        body: str,
        *,
        tag: str = "",
        actions: Sequence[NotificationAction] = (),
        on_action: ActionHandler | None = None,
        category: str = "",
        persistent: bool = False,
    ) -> None: ...

    def withdraw(self, tag: str) -> None: ...


@dataclass
class _Shown:
    tag: str
    on_action: ActionHandler | None
    number: int = 0
    withdrawn: bool = False


class FreedesktopNotifier:
    """`DesktopNotifier` over org.freedesktop.Notifications (see the module docstring)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, bus: SessionBus | None = None) -> None:
        self._loop = loop
        self._bus = bus or SessionBus()
        self._ready = False
        self.supports_actions = False
        self._shown: list[_Shown] = []
        self._tasks = TaskSet()

    def available(self) -> bool:
        return self._ready

    async def start(self) -> bool:
        """Find the notification server; False (and the tray speaks instead) without one."""
        try:
            if not await self._bus.has_owner(SERVICE):
                log.info("no desktop notification server; the tray shows messages")
                return False
            (capabilities,) = await self._bus.call(SERVICE, PATH, INTERFACE, "GetCapabilities")
            await self._bus.subscribe(self._signal, interface=INTERFACE, path=PATH)
        except BusUnavailable as exc:
            log.info("desktop notifications unavailable: %s", exc)
            return False
        self.supports_actions = "actions" in capabilities
        self._ready = True
        log.info("desktop notifications: %s (actions: %s)", SERVICE, self.supports_actions)
        return True

    def show(
        self,
        title: str,
        body: str,
        *,
        tag: str = "",
        actions: Sequence[NotificationAction] = (),
        on_action: ActionHandler | None = None,
        category: str = "",
        persistent: bool = False,
    ) -> None:
        """Show it (replacing the one shown under the same ``tag``); buttons only where the
        server draws them, so a server without actions gets a plain notification."""
        pairs: list[str] = []
        if self.supports_actions and on_action is not None:
            pairs = [DEFAULT_ACTION, ""]
            for action in actions:
                pairs += [action.key, action.label]
        hints: dict[str, tuple[str, Any]] = {
            "desktop-entry": ("s", APP_ID),
            "urgency": ("y", URGENCY_CRITICAL if persistent else URGENCY_NORMAL),
        }
        if category:
            hints["category"] = ("s", category)
        replaces = 0
        if tag:
            for earlier in self._shown:
                if earlier.tag == tag and not earlier.withdrawn:
                    replaces = earlier.number
                    earlier.withdrawn = True
        shown = _Shown(tag, on_action)
        self._shown.append(shown)
        timeout = NEVER_EXPIRES if persistent else SERVER_DEFAULT_TIMEOUT
        self._spawn(self._notify(shown, (replaces, title, body, pairs, hints, timeout)))

    async def _notify(self, shown: _Shown, fields: tuple[Any, ...]) -> None:
        replaces, title, body, pairs, hints, timeout = fields
        try:
            (number,) = await self._bus.call(
                SERVICE,
                PATH,
                INTERFACE,
                "Notify",
                "susssasa{sv}i",
                ("ctidesk", replaces, APP_ID, title, body, pairs, hints, timeout),
            )
        except BusUnavailable as exc:
            log.warning("the desktop did not take a notification: %s", exc)
            self._shown.remove(shown)
            return
        shown.number = int(number)
        if shown.withdrawn:
            await self._close(shown.number)

    def withdraw(self, tag: str) -> None:
        """Take the notification shown under ``tag`` off the screen and the history."""
        for shown in self._shown:
            if shown.tag == tag and not shown.withdrawn:
                shown.withdrawn = True
                if shown.number:
                    self._spawn(self._close(shown.number))

    async def _close(self, number: int) -> None:
        try:
            await self._bus.call(SERVICE, PATH, INTERFACE, "CloseNotification", "u", (number,))
        except BusUnavailable as exc:
            log.info("closing a notification failed: %s", exc)

    def _signal(self, _path: str, member: str, body: tuple[Any, ...]) -> None:
        number = int(body[0]) if body else 0
        shown = next((s for s in self._shown if s.number == number and number), None)
        if shown is None:
            return
        if member == "ActionInvoked" and shown.on_action is not None:
            shown.on_action(str(body[1]))
        elif member == "NotificationClosed":
            self._shown.remove(shown)

    def _spawn(self, coroutine: Any) -> None:
        self._tasks.keep(self._loop.create_task(coroutine))

    async def close(self) -> None:
        await self._tasks.cancel()
        self._ready = False
        await self._bus.close()


def desktop_notifier(loop: asyncio.AbstractEventLoop) -> FreedesktopNotifier | None:
    """The platform's notifier with buttons: D-Bus on Linux and the BSDs; None elsewhere
    (Windows and macOS show the tray's message, which is their own notification)."""
    if sys.platform in ("win32", "darwin"):
        return None
    return FreedesktopNotifier(loop)
