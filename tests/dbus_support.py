"""A private D-Bus session bus and stand-ins for the desktop services ctidesk talks to on it.

`private_session_bus` starts `dbus-daemon --session` (Debian: dbus-daemon) for one test and
stops it afterwards; nothing of the machine's own session is touched. The stand-ins speak the
real interfaces with `jeepney` (a dependency of keyring on Linux), each on a connection of its
own served by a thread:

- `StatusNotifierWatcher`: the KDE/freedesktop StatusNotifierWatcher a tray host provides; Qt
  registers its tray icon there. `StatusNotifierHost` reads the item and its menu
  (com.canonical.dbusmenu) as a panel would, and clicks menu entries.
- `NotificationServer`: org.freedesktop.Notifications; it records what was shown and can
  "click" an action, as the user would on the desktop's notification.
- `GlobalShortcutsPortal`: org.freedesktop.portal.GlobalShortcuts of the XDG desktop portal;
  it records the bound shortcuts and can press one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import pytest
from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    Properties,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

WATCHER_NAME = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"


@contextmanager
def private_session_bus() -> Iterator[str]:
    """A fresh session bus; yields its address (for DBUS_SESSION_BUS_ADDRESS)."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.fail("dbus-daemon is not installed: sudo apt-get install dbus-daemon", pytrace=False)
    process = subprocess.Popen(
        [daemon, "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        if not address:
            pytest.fail("dbus-daemon did not print its address", pytrace=False)
        yield address
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _member(message: Message) -> tuple[str, str, str]:
    fields = message.header.fields
    return (
        str(fields.get(HeaderFields.path, "")),
        str(fields.get(HeaderFields.interface, "")),
        str(fields.get(HeaderFields.member, "")),
    )


class BusService:
    """One well-known name on the bus, its method calls answered by `handle` on a thread."""

    name = ""

    def __init__(self, address: str) -> None:
        self.address = address
        self.calls: list[tuple[str, str, tuple[Any, ...]]] = []
        self._connection: DBusConnection = open_dbus_connection(address)
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        reply = self._connection.send_and_get_reply(message_bus.RequestName(self.name))
        assert reply.body == (1,), f"could not own {self.name} on the test bus: {reply.body}"
        self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
        self._thread.start()

    @property
    def unique_name(self) -> str:
        return str(self._connection.unique_name)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._connection.receive(timeout=0.1)
            except TimeoutError:
                continue
            except (OSError, ValueError):
                return
            if message.header.message_type is not MessageType.method_call:
                continue
            path, interface, member = _member(message)
            self.calls.append((interface, member, message.body))
            try:
                reply = self.handle(message, path, interface, member)
            except Exception as exc:
                reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s", (str(exc),))
            self.send(reply or new_method_return(message))

    def handle(self, message: Message, path: str, interface: str, member: str) -> Message | None:
        """The reply to a method call (None: an empty reply)."""
        raise NotImplementedError

    def send(self, message: Message) -> None:
        with self._send_lock:
            self._connection.send(message)

    def emit(self, path: str, interface: str, member: str, signature: str, body: tuple) -> None:
        emitter = DBusAddress(path, interface=interface)
        self.send(new_signal(emitter, member, signature, body))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._connection.close()


def _property_reply(message: Message, values: dict[str, tuple[str, Any]]) -> Message:
    """Answer org.freedesktop.DBus.Properties Get/GetAll from ``values``."""
    _path, _interface, member = _member(message)
    if member == "GetAll":
        return new_method_return(message, "a{sv}", (values,))
    name = message.body[1]
    if name not in values:
        return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty", "s", (name,))
    return new_method_return(message, "v", (values[name],))


class StatusNotifierWatcher(BusService):
    """The watcher a tray host runs: items register here, and it says a host is present."""

    name = WATCHER_NAME

    def __init__(self, address: str) -> None:
        self.items: list[tuple[str, str]] = []
        """(the registering connection, the service or path it named), in order."""
        super().__init__(address)

    def handle(self, message: Message, path: str, interface: str, member: str) -> Message | None:
        if interface == "org.freedesktop.DBus.Properties":
            return _property_reply(
                message,
                {
                    "IsStatusNotifierHostRegistered": ("b", True),
                    "ProtocolVersion": ("i", 0),
                    "RegisteredStatusNotifierItems": ("as", [name for _, name in self.items]),
                },
            )
        if member == "RegisterStatusNotifierItem":
            sender = str(message.header.fields.get(HeaderFields.sender, ""))
            self.items.append((sender, str(message.body[0])))
            self.emit(
                "/StatusNotifierWatcher",
                WATCHER_NAME,
                "StatusNotifierItemRegistered",
                "s",
                (message.body[0],),
            )
        return None


@dataclass
class MenuEntry:
    id: int
    label: str
    visible: bool
    enabled: bool
    toggle_state: int | None
    children: list[MenuEntry] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The label without its mnemonic underscore, as the panel shows it."""
        return self.label.replace("__", "\0").replace("_", "").replace("\0", "_")


class StatusNotifierHost:
    """What a panel does with a registered item: read its properties and its menu, click."""

    def __init__(self, address: str, watcher: StatusNotifierWatcher) -> None:
        self._watcher = watcher
        self._connection = open_dbus_connection(address)

    def close(self) -> None:
        self._connection.close()

    def wait_for_item(self, timeout: float) -> tuple[str, str]:
        """The (bus name, object path) of the first registered item."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._watcher.items:
                sender, named = self._watcher.items[0]
                if named.startswith("/"):
                    return sender, named
                return named, "/StatusNotifierItem"
            time.sleep(0.05)
        raise AssertionError(f"no StatusNotifierItem registered within {timeout} s")

    def _call(self, message: Message) -> tuple[Any, ...]:
        reply = self._connection.send_and_get_reply(message, timeout=10)
        if reply.header.message_type is MessageType.error:
            raise AssertionError(f"D-Bus error: {reply.body}")
        return tuple(reply.body)

    def properties(self, item: tuple[str, str]) -> dict[str, Any]:
        address = DBusAddress(item[1], bus_name=item[0], interface="org.kde.StatusNotifierItem")
        (values,) = self._call(Properties(address).get_all())
        return {name: value for name, (_signature, value) in values.items()}

    def menu(self, item: tuple[str, str]) -> list[MenuEntry]:
        """The item's menu (com.canonical.dbusmenu GetLayout), top level entries in order."""
        menu_path = self.properties(item)["Menu"]
        address = DBusAddress(menu_path, bus_name=item[0], interface="com.canonical.dbusmenu")
        _revision, layout = self._call(new_method_call(address, "GetLayout", "iias", (0, -1, [])))
        return [_entry(child) for _signature, child in layout[2]]

    def click(self, item: tuple[str, str], entry: MenuEntry) -> None:
        """The panel's "clicked" event on a menu entry."""
        menu_path = self.properties(item)["Menu"]
        address = DBusAddress(menu_path, bus_name=item[0], interface="com.canonical.dbusmenu")
        self._call(
            new_method_call(
                address, "Event", "isvu", (entry.id, "clicked", ("s", ""), int(time.time()))
            )
        )

    def wait_for(
        self, item: tuple[str, str], check: Callable[[dict[str, Any]], bool], timeout: float
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        values: dict[str, Any] = {}
        while time.monotonic() < deadline:
            values = self.properties(item)
            if check(values):
                return values
            time.sleep(0.1)
        raise AssertionError(f"the tray item did not change as expected; it has {values}")


def _entry(node: Any) -> MenuEntry:
    """One (id, properties, children) of a dbusmenu layout; children arrive as variants."""
    entry_id, props, children = node
    values = {name: value for name, (_signature, value) in props.items()}
    return MenuEntry(
        id=int(entry_id),
        label=str(values.get("label", "")),
        visible=bool(values.get("visible", True)),
        enabled=bool(values.get("enabled", True)),
        toggle_state=values.get("toggle-state"),
        children=[_entry(child) for _signature, child in children],
    )


@dataclass
class ShownNotification:
    id: int
    app_name: str
    summary: str
    body: str
    actions: dict[str, str]
    hints: dict[str, Any]
    closed: bool = False


class NotificationServer(BusService):
    """org.freedesktop.Notifications with actions, recording every notification."""

    name = NOTIFICATIONS_NAME

    def __init__(self, address: str, capabilities: tuple[str, ...] = ("actions", "body")) -> None:
        self.shown: list[ShownNotification] = []
        self._capabilities = list(capabilities)
        self._next_id = 0
        super().__init__(address)

    def handle(self, message: Message, path: str, interface: str, member: str) -> Message | None:
        if member == "GetCapabilities":
            return new_method_return(message, "as", (self._capabilities,))
        if member == "GetServerInformation":
            return new_method_return(message, "ssss", ("stand-in", "ctidesk tests", "1", "1.2"))
        if member == "Notify":
            app_name, replaces, _icon, summary, body, actions, hints, _timeout = message.body
            values = {name: value for name, (_signature, value) in hints.items()}
            pairs = dict(zip(actions[0::2], actions[1::2], strict=True))
            if replaces:
                number = int(replaces)
                self.shown = [n for n in self.shown if n.id != number]
            else:
                self._next_id += 1
                number = self._next_id
            self.shown.append(ShownNotification(number, app_name, summary, body, pairs, values))
            return new_method_return(message, "u", (number,))
        if member == "CloseNotification":
            (number,) = message.body
            for notification in self.shown:
                if notification.id == number and not notification.closed:
                    notification.closed = True
                    self._closed(number, 3)
        return None

    def _closed(self, number: int, reason: int) -> None:
        self.emit(
            NOTIFICATIONS_PATH, NOTIFICATIONS_NAME, "NotificationClosed", "uu", (number, reason)
        )

    def find(self, check: Callable[[ShownNotification], bool]) -> ShownNotification | None:
        return next((n for n in list(self.shown) if check(n)), None)

    def wait_for(
        self, check: Callable[[ShownNotification], bool], timeout: float
    ) -> ShownNotification:
        """Blocks this thread: for a program in another process (in-process, pump the Qt
        loop with `find` instead)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (found := self.find(check)) is not None:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no such notification within {timeout} s; shown: {self.shown}")

    def invoke(self, notification: ShownNotification, action: str) -> None:
        """The user clicks the action's button: ActionInvoked, then the notification closes."""
        assert action in notification.actions, f"{action!r} is not offered: {notification}"
        self.emit(
            NOTIFICATIONS_PATH,
            NOTIFICATIONS_NAME,
            "ActionInvoked",
            "us",
            (notification.id, action),
        )
        notification.closed = True
        self._closed(notification.id, 2)


class GlobalShortcutsPortal(BusService):
    """The XDG desktop portal's GlobalShortcuts: sessions, bound shortcuts, key presses."""

    name = PORTAL_NAME

    def __init__(self, address: str) -> None:
        self.sessions: list[str] = []
        self.bound: dict[str, dict[str, Any]] = {}
        """shortcut id → its properties (description, preferred_trigger) as last bound."""
        super().__init__(address)

    def _request_path(self, message: Message, options: dict[str, Any]) -> str:
        sender = str(message.header.fields.get(HeaderFields.sender, ""))
        token = options.get("handle_token", ("s", "t"))[1]
        return f"{PORTAL_PATH}/request/{sender.lstrip(':').replace('.', '_')}/{token}"

    def handle(self, message: Message, path: str, interface: str, member: str) -> Message | None:
        if interface == "org.freedesktop.DBus.Properties":
            return _property_reply(message, {"version": ("u", 1)})
        if interface != SHORTCUTS_INTERFACE:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,))
        if member == "CreateSession":
            (options,) = message.body
            request = self._request_path(message, options)
            sender = str(message.header.fields.get(HeaderFields.sender, ""))
            token = options.get("session_handle_token", ("s", "s"))[1]
            session = f"{PORTAL_PATH}/session/{sender.lstrip(':').replace('.', '_')}/{token}"
            self.sessions.append(session)
            self._respond_later(request, {"session_handle": ("s", session)})
            return new_method_return(message, "o", (request,))
        if member == "BindShortcuts":
            _session, shortcuts, _parent, options = message.body
            request = self._request_path(message, options)
            for shortcut_id, props in shortcuts:
                self.bound[shortcut_id] = {name: value for name, (_sig, value) in props.items()}
            reply_shortcuts = [
                (shortcut_id, {"description": ("s", props.get("description", ("s", ""))[1])})
                for shortcut_id, props in shortcuts
            ]
            self._respond_later(request, {"shortcuts": ("a(sa{sv})", reply_shortcuts)})
            return new_method_return(message, "o", (request,))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,))

    def _respond_later(self, request: str, results: dict[str, Any]) -> None:
        """The portal answers on the Request object after the call has returned."""

        def respond() -> None:
            time.sleep(0.05)
            with suppress(OSError):
                self.emit(
                    request, "org.freedesktop.portal.Request", "Response", "ua{sv}", (0, results)
                )

        threading.Thread(target=respond, daemon=True).start()

    def press(self, shortcut_id: str) -> None:
        """The user presses the key the desktop assigned to the shortcut."""
        assert self.sessions, "no GlobalShortcuts session was created"
        self.emit(
            PORTAL_PATH,
            SHORTCUTS_INTERFACE,
            "Activated",
            "osta{sv}",
            (self.sessions[-1], shortcut_id, int(time.time() * 1000), {}),
        )

    def wait_for_binding(self, shortcut_id: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if shortcut_id in self.bound:
                return self.bound[shortcut_id]
            time.sleep(0.05)
        raise AssertionError(f"{shortcut_id!r} was not bound within {timeout} s: {self.bound}")


def session_env(address: str) -> dict[str, str]:
    """The environment a program needs to use the private bus (and only it)."""
    env = dict(os.environ)
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    return env
