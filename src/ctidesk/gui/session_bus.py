"""The D-Bus session bus on the app's asyncio loop, for the desktop services ctidesk uses on
Linux: notifications with actions (`gui/notifications.py`) and the XDG desktop portal's global
shortcuts (`gui/portal_shortcuts.py`).

It speaks D-Bus with `jeepney` (pure Python, already there with keyring on Linux) on qasync's
loop, so a reply or a signal arrives like any other asyncio event; Qt's own D-Bus module would
need marshalling helpers PySide6 does not offer for the portal's nested types. Nothing here
runs at start-up: the connection opens when a service is first needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from ctidesk.core.tasks import TaskSet

log = logging.getLogger(__name__)

CALL_TIMEOUT_SECONDS = 5.0
BUS_SERVICE = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")


class BusUnavailable(Exception):
    """No session bus, or the service did not answer; the message says which."""


class SessionBus:
    """One connection to the session bus; `call` sends a method call, `subscribe` routes
    signals to a callback until `close`."""

    def __init__(self, address: str = "SESSION") -> None:
        self._address = address
        self._connection: Any = None
        self._router: Any = None
        self._tasks = TaskSet()
        self._filters: list[Any] = []
        self._opening: asyncio.Lock | None = None

    @property
    def unique_name(self) -> str:
        return str(self._router.unique_name) if self._router is not None else ""

    async def open(self) -> None:
        """Connect (once); raises `BusUnavailable` when there is no session bus."""
        if self._router is not None:
            return
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._router is not None:
                return
            try:
                from jeepney.io.asyncio import DBusRouter, open_dbus_connection
            except ImportError as exc:
                raise BusUnavailable("jeepney is not installed") from exc
            try:
                self._connection = await asyncio.wait_for(
                    open_dbus_connection(self._address), CALL_TIMEOUT_SECONDS
                )
            except (OSError, KeyError, ValueError, RuntimeError, TimeoutError) as exc:
                raise BusUnavailable(f"no D-Bus session bus ({exc})") from exc
            except Exception as exc:  # jeepney's authentication errors
                raise BusUnavailable(f"the D-Bus session bus refused ctidesk ({exc})") from exc
            self._router = DBusRouter(self._connection)

    async def call(
        self,
        destination: str,
        path: str,
        interface: str,
        method: str,
        signature: str = "",
        body: tuple[Any, ...] = (),
    ) -> tuple[Any, ...]:
        """A method call's reply body; raises `BusUnavailable` on an error reply or timeout."""
        from jeepney import DBusAddress, MessageType, new_method_call

        await self.open()
        address = DBusAddress(path, bus_name=destination, interface=interface)
        message = new_method_call(address, method, signature or None, body)
        try:
            reply = await asyncio.wait_for(
                self._router.send_and_get_reply(message), CALL_TIMEOUT_SECONDS
            )
        except (TimeoutError, OSError, RuntimeError) as exc:
            raise BusUnavailable(f"{destination} did not answer {method} ({exc})") from exc
        if reply.header.message_type is MessageType.error:
            raise BusUnavailable(f"{destination} refused {method}: {reply.body}")
        return tuple(reply.body)

    async def has_owner(self, name: str) -> bool:
        """Whether a program owns ``name`` now, or the bus can start one for it."""
        (owned,) = await self.call(*BUS_SERVICE, "NameHasOwner", "s", (name,))
        if owned:
            return True
        (activatable,) = await self.call(*BUS_SERVICE, "ListActivatableNames")
        return name in activatable

    async def subscribe(
        self,
        handler: Callable[[str, str, tuple[Any, ...]], None],
        *,
        interface: str,
        path: str | None = None,
        member: str | None = None,
    ) -> None:
        """Call ``handler(path, member, body)`` for every matching signal until `close`."""
        from jeepney import HeaderFields, MatchRule

        await self.open()
        rule = MatchRule(type="signal", interface=interface, path=path, member=member)
        await self.call(*BUS_SERVICE, "AddMatch", "s", (rule.serialise(),))
        handle = self._router.filter(rule, queue=asyncio.Queue())
        self._filters.append(handle)

        async def route() -> None:
            while True:
                message = await handle.queue.get()
                fields = message.header.fields
                try:
                    handler(
                        str(fields.get(HeaderFields.path, "")),
                        str(fields.get(HeaderFields.member, "")),
                        tuple(message.body),
                    )
                except Exception:
                    log.exception("handling a D-Bus signal failed")

        self._tasks.spawn(route())

    async def close(self) -> None:
        await self._tasks.cancel()
        for handle in self._filters:
            handle.close()
        self._filters = []
        router, connection = self._router, self._connection
        self._router = self._connection = None
        if router is not None:
            with contextlib.suppress(Exception):
                await router.__aexit__(None, None, None)
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()
