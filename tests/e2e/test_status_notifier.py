"""Issue 19, points 2 and 4: the real `ctidesk --demo` on a desktop whose tray is a
StatusNotifierItem host (KDE, GNOME with AppIndicator, most Wayland desktops), with a
notification server, both on a private D-Bus session bus (`tests/dbus_support.py`).

The X display (Xvfb) has no XEmbed tray, so the icon can only appear through the watcher. The
test reads the registered item as a panel would (icon, tooltip, status, the menu over
com.canonical.dbusmenu), clicks a menu entry over D-Bus, lets a demo caller hang up and presses
"Call back" on the desktop's notification; the simulated phone says what was dialled.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.dbus_support import (
    NotificationServer,
    StatusNotifierHost,
    StatusNotifierWatcher,
    private_session_bus,
)
from tests.e2e.conftest import require_tool

pytestmark = [pytest.mark.e2e, pytest.mark.gui]

START_SECONDS = 60.0


@dataclass
class SniDemo:
    process: subprocess.Popen[str]
    watcher: StatusNotifierWatcher
    host: StatusNotifierHost
    notifications: NotificationServer
    item: tuple[str, str] = ("", "")
    phone_url: str = ""
    lines: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.lines[-40:])

    def phone(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(f"{self.phone_url}{path}", method=method)
        with urllib.request.urlopen(request, timeout=5) as reply:
            return json.load(reply)

    def tooltip(self) -> str:
        _icon, _pixmaps, title, text = self.host.properties(self.item)["ToolTip"]
        return f"{title}\n{text}".strip()


def _bare_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """An X display with no system tray on it (no trayer)."""
    require_tool("Xvfb")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    return xvfb, f":{number}"


def _wait(check: Any, timeout: float, what: str, demo: SniDemo) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if demo.process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s; ctidesk's log ends with:\n{demo.log()}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SniDemo]:
    home = tmp_path_factory.mktemp("sni-home")
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    with private_session_bus() as address:
        watcher = StatusNotifierWatcher(address)
        notifications = NotificationServer(address)
        host = StatusNotifierHost(address, watcher)
        xvfb, display = _bare_xvfb()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CTIDESK_")}
        env.pop("WAYLAND_DISPLAY", None)
        env |= {
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "DBUS_SESSION_BUS_ADDRESS": address,
            "CTIDESK_HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "ctidesk", "--demo"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        running = SniDemo(process, watcher, host, notifications)

        def read() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                running.lines.append(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            running.item = host.wait_for_item(30)
            found = _wait(
                lambda: next(
                    (
                        m
                        for line in running.lines
                        if (m := re.search(r"demo running: phone (\S+),", line))
                    ),
                    None,
                ),
                START_SECONDS,
                "the demo's simulators",
                running,
            )
            running.phone_url = found.group(1)
            yield running
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            reader.join(5)
            if process.stderr is not None:
                process.stderr.close()
            host.close()
            notifications.close()
            watcher.close()
            xvfb.terminate()
            xvfb.wait(5)


def test_the_tray_icon_registers_as_one_status_notifier_item(demo: SniDemo) -> None:
    properties = demo.host.properties(demo.item)
    assert properties["Id"] == "ctidesk"
    assert properties["Status"] == "Active"
    ((width, height, pixels), *_) = properties["IconPixmap"]
    assert width >= 16 and height >= 16 and len(pixels) == width * height * 4
    assert demo.tooltip().startswith("ctidesk")
    assert len(demo.watcher.items) == 1, "the early icon is adopted, never shown twice"


def test_the_menu_reaches_the_panel_over_dbusmenu(demo: SniDemo) -> None:
    entries = [e for e in demo.host.menu(demo.item) if e.visible and e.text]
    texts = [e.text for e in entries]
    for expected in (
        "Do not disturb",
        "Dial...",
        "Show last caller",
        "Call journal",
        "Call lists",
        "Simulate incoming call",
        "Settings...",
        "Copy diagnostics",
        "Quit",
    ):
        assert expected in texts, f"{expected!r} missing from the tray menu {texts}"
    assert texts.index("Do not disturb") < texts.index("Dial...") < texts.index("Quit")
    dnd = next(e for e in entries if e.text == "Do not disturb")
    assert dnd.toggle_state == 0


def test_a_missed_call_changes_the_item_and_call_back_on_the_notification_dials(
    demo: SniDemo,
) -> None:
    """The demo's first caller rings (the tooltip says so), gives up (the missed call counts on
    the item), and "Call back" on the desktop's notification dials them."""

    def ringing_line() -> int:
        lines = demo.phone("/sim/state")["lines"]
        return next((i for i, line in enumerate(lines, 1) if line["state"] == "ringing"), 0)

    line = _wait(ringing_line, 20, "the demo's first call", demo)
    ringing = demo.host.wait_for(demo.item, lambda p: "ringing" in p["ToolTip"][2], 10)
    demo.phone(f"/sim/hangup?line={line}", method="POST")
    missed = demo.host.wait_for(demo.item, lambda p: "Missed calls" in str(p["ToolTip"]), 10)
    assert missed["IconPixmap"] != ringing["IconPixmap"]

    shown = demo.notifications.wait_for(lambda n: n.summary == "Missed call", 10)
    assert shown.app_name == "ctidesk"
    assert shown.actions.get("call-back") == "Call back"
    demo.notifications.invoke(shown, "call-back")
    dialled = _wait(lambda: demo.phone("/sim/state")["dialed"], 10, "the call back", demo)
    assert dialled[0]["number"].endswith("8999998123"), dialled
    demo.host.wait_for(demo.item, lambda p: "Missed calls" not in str(p["ToolTip"]), 10)
    for index, state in enumerate(demo.phone("/sim/state")["lines"], 1):
        if state["state"] != "idle":
            demo.phone(f"/sim/hangup?line={index}", method="POST")


def test_do_not_disturb_clicked_in_the_panel_menu_reaches_the_phone_and_the_item(
    demo: SniDemo,
) -> None:
    demo.host.wait_for(demo.item, lambda p: "on a call" not in p["ToolTip"][2], 10)
    before = demo.host.properties(demo.item)
    dnd = next(e for e in demo.host.menu(demo.item) if e.text == "Do not disturb")
    demo.host.click(demo.item, dnd)
    after = demo.host.wait_for(demo.item, lambda p: "do not disturb" in p["ToolTip"][2], 10)
    assert after["IconPixmap"] != before["IconPixmap"]
    assert demo.phone("/sim/state")["dnd"] is True
    dnd = next(e for e in demo.host.menu(demo.item) if e.text == "Do not disturb")
    assert dnd.toggle_state == 1
    demo.host.click(demo.item, dnd)
    demo.host.wait_for(demo.item, lambda p: "do not disturb" not in p["ToolTip"][2], 10)
