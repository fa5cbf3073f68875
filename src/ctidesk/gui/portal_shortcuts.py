"""Global hotkeys on Wayland, through the XDG desktop portal's GlobalShortcuts interface.

Wayland lets no application grab keys. Desktops that offer the portal interface (KDE Plasma 6,
GNOME 48 and later, Hyprland) let an application *ask* for shortcuts instead: ctidesk opens a
session, binds one shortcut per hotkey action with its description and preferred keys, and the
desktop (after asking the user, who may choose other keys) sends ``Activated`` when one is
pressed. Where the portal or the interface is missing, `bind` says so in a sentence with the
alternative: a shortcut in the desktop's own keyboard settings that runs
``ctidesk dial --selection``.

The portal answers every request with a ``Response`` signal on a request object whose path the
caller can predict (``handle_token``), so the signal is subscribed to before the call is made.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from ctidesk.gui.session_bus import BusUnavailable, SessionBus

log = logging.getLogger(__name__)

PORTAL = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
RESPONSE_SECONDS = 120.0
"""BindShortcuts may wait for the user to confirm in the desktop's dialog."""
NO_PORTAL = (
    "this desktop offers no global shortcuts to applications (the XDG desktop portal's "
    "GlobalShortcuts: KDE Plasma 6, GNOME 48 or later); add a shortcut in your desktop's "
    "keyboard settings that runs `ctidesk dial --selection`"
)
_TRIGGER_MODIFIERS = {
    "ctrl": "CTRL",
    "control": "CTRL",
    "alt": "ALT",
    "shift": "SHIFT",
    "meta": "LOGO",
    "super": "LOGO",
    "win": "LOGO",
}
DESCRIPTIONS = {
    "dial_selection": "Dial the selected number (ctidesk)",
    "answer": "Answer the ringing call (ctidesk)",
    "hang_up": "Hang up (ctidesk)",
    "focus_popup": "Keyboard to the caller pop-up (ctidesk)",
}


class PortalError(Exception):
    """The portal refused or is missing; the message says what to do."""


def preferred_trigger(keys: str) -> str:
    """``Meta+Shift+D`` → ``LOGO+SHIFT+d``, as the XDG shortcuts specification writes keys."""
    *modifiers, key = [part.strip() for part in keys.split("+")]
    named = [_TRIGGER_MODIFIERS.get(m.lower(), m.upper()) for m in modifiers]
    return "+".join([*named, key.lower() if len(key) == 1 else key])


class PortalShortcuts(QObject):
    """One GlobalShortcuts session; ``activated`` carries the pressed shortcut's id (the
    hotkey action's name)."""

    activated = Signal(str)

    def __init__(self, bus: SessionBus | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = bus or SessionBus()
        self._session = ""
        self._listening = False

    def _request_path(self, token: str) -> str:
        sender = self._bus.unique_name.lstrip(":").replace(".", "_")
        return f"{PORTAL_PATH}/request/{sender}/{token}"

    async def _request(self, method: str, signature: str, body: tuple[Any, ...]) -> dict[str, Any]:
        """Call a portal method that answers with a Response; the response's results."""
        await self._bus.open()
        token = "ctidesk_" + secrets.token_hex(6)
        path = self._request_path(token)
        answer: asyncio.Future[tuple[int, dict[str, Any]]] = (
            asyncio.get_running_loop().create_future()
        )

        def on_response(signal_path: str, member: str, args: tuple[Any, ...]) -> None:
            if signal_path == path and member == "Response" and not answer.done():
                answer.set_result((int(args[0]), dict(args[1])))

        await self._bus.subscribe(on_response, interface=REQUEST, path=path, member="Response")
        *leading, options = body
        options = {**options, "handle_token": ("s", token)}
        await self._bus.call(PORTAL, PORTAL_PATH, SHORTCUTS, method, signature, (*leading, options))
        try:
            code, results = await asyncio.wait_for(answer, RESPONSE_SECONDS)
        except TimeoutError as exc:
            raise PortalError(f"the desktop did not answer {method}; try again") from exc
        if code == 1:
            raise PortalError("the global shortcuts were declined in the desktop's dialog")
        if code != 0:
            raise PortalError(f"the desktop refused the global shortcuts ({method})")
        return results

    async def bind(self, shortcuts: Mapping[str, str]) -> None:
        """Ask the desktop for ``action → keys``; raises `PortalError` with what to do."""
        try:
            (version,) = await self._bus.call(
                PORTAL,
                PORTAL_PATH,
                "org.freedesktop.DBus.Properties",
                "Get",
                "ss",
                (SHORTCUTS, "version"),
            )
        except BusUnavailable as exc:
            log.info("no GlobalShortcuts portal: %s", exc)
            raise PortalError(NO_PORTAL) from exc
        log.info("GlobalShortcuts portal version %s", version[1])
        try:
            if not self._session:
                created = await self._request(
                    "CreateSession",
                    "a{sv}",
                    ({"session_handle_token": ("s", "ctidesk_" + secrets.token_hex(6))},),
                )
                self._session = str(created["session_handle"][1])
            if not self._listening:
                await self._bus.subscribe(
                    self._on_activated, interface=SHORTCUTS, path=PORTAL_PATH, member="Activated"
                )
                self._listening = True
            bound = [
                (
                    action,
                    {
                        "description": ("s", DESCRIPTIONS.get(action, action)),
                        "preferred_trigger": ("s", preferred_trigger(keys)),
                    },
                )
                for action, keys in shortcuts.items()
            ]
            await self._request("BindShortcuts", "oa(sa{sv})sa{sv}", (self._session, bound, "", {}))
        except BusUnavailable as exc:
            raise PortalError(f"the desktop's GlobalShortcuts portal failed: {exc}") from exc
        log.info("global shortcuts bound through the portal: %s", ", ".join(shortcuts))

    def _on_activated(self, _path: str, _member: str, args: tuple[Any, ...]) -> None:
        session, shortcut = str(args[0]), str(args[1])
        if session == self._session:
            self.activated.emit(shortcut)

    async def close(self) -> None:
        session, self._session = self._session, ""
        if session:
            try:
                await self._bus.call(PORTAL, session, SESSION, "Close")
            except BusUnavailable as exc:
                log.info("closing the shortcuts session: %s", exc)
        self._listening = False
        await self._bus.close()
