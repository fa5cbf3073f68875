"""Issue 19, point 4: a missed call reaches the agent as the desktop's own notification with a
"Call back" button (org.freedesktop.Notifications over D-Bus), and pressing it calls back.

The notification server is a stand-in on a private session bus (`tests/dbus_support.py`);
the desktop, the demo's simulated phone and the dial path are the real ones. Where no server
answers, the tray's message is used as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctidesk import APP_ID
from ctidesk.app import Context, build_core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings
from ctidesk.gui.demo import DemoWorld
from ctidesk.gui.desktop import Desktop
from ctidesk.gui.notifications import FreedesktopNotifier
from ctidesk.gui.session_bus import SessionBus
from tests.dbus_support import NotificationServer, ShownNotification, private_session_bus

from .conftest import wait_until

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def bus_address() -> Iterator[str]:
    with private_session_bus() as address:
        yield address


@pytest.fixture
def server(bus_address: str) -> Iterator[NotificationServer]:
    stand_in = NotificationServer(bus_address)
    yield stand_in
    stand_in.close()


def _demo_desktop(
    tmp_path: Path, loop: Any, run: Any, notifier: FreedesktopNotifier
) -> tuple[Desktop, DemoWorld]:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    context = Context(paths, paths.settings_file, Settings(), MemorySecretStore(), Redactor())
    core = build_core(context)
    desktop = Desktop(
        context,
        core,
        loop,
        tray_available=True,
        enable_hotkey=False,
        quit_app=lambda: None,
        notifier=notifier,
    )
    desktop.show()
    world = DemoWorld(context, core, call_now_and_then=False)
    desktop.attach(run(world.start(), 15.0))
    return desktop, world


@pytest.fixture
def demo(
    tmp_path: Path, loop: Any, run: Any, bus_address: str, server: NotificationServer
) -> Iterator[tuple[Desktop, DemoWorld]]:
    notifier = FreedesktopNotifier(loop, SessionBus(bus_address))
    desktop, world = _demo_desktop(tmp_path, loop, run, notifier)
    run(wait_until(notifier.available, 5.0), 6.0)
    yield desktop, world
    run(desktop.close(), 15.0)
    run(desktop.core.close())


def _miss_a_call(desktop: Desktop, world: DemoWorld, run: Any) -> None:
    world.simulate_call()
    run(wait_until(lambda: desktop.popups.cards()), 10.0)
    world.phone_sim.caller_hangs_up()
    run(wait_until(lambda: desktop.bridge.status.missed > 0), 10.0)


def _shown(server: NotificationServer, run: Any, check: Any) -> ShownNotification:
    """The notification the server got, pumping the Qt loop meanwhile (the D-Bus call runs
    on it)."""
    run(wait_until(lambda: server.find(check) is not None, 5.0), 6.0)
    found = server.find(check)
    assert found is not None
    return found


def test_call_back_on_the_desktop_notification_dials_the_caller(
    demo: tuple[Desktop, DemoWorld], server: NotificationServer, run: Any
) -> None:
    desktop, world = demo
    _miss_a_call(desktop, world, run)

    shown = _shown(server, run, lambda n: n.summary == "Missed call")
    assert "Maria Huber" in shown.body and "Click here" not in shown.body
    assert shown.actions["call-back"] == "Call back"
    assert shown.hints["desktop-entry"] == APP_ID
    assert shown.hints["category"] == "call.unanswered"
    assert not world.phone_sim.dialed

    server.invoke(shown, "call-back")
    run(wait_until(lambda: world.phone_sim.dialed, 5.0), 6.0)
    assert world.phone_sim.dialed[0].number.endswith("8999998123")
    assert desktop.bridge.status.missed == 0, "calling back from the notification is seeing it"


def test_clicking_the_notification_itself_shows_the_missed_calls_and_never_dials(
    demo: tuple[Desktop, DemoWorld], server: NotificationServer, run: Any
) -> None:
    desktop, world = demo
    _miss_a_call(desktop, world, run)
    shown = _shown(server, run, lambda n: n.summary == "Missed call")

    server.invoke(shown, "default")
    run(wait_until(lambda: desktop.journal_window is not None, 5.0), 6.0)
    assert desktop.journal_window is not None and desktop.journal_window.isVisible()
    assert not world.phone_sim.dialed


def test_a_missed_call_seen_in_the_journal_withdraws_its_notification(
    demo: tuple[Desktop, DemoWorld], server: NotificationServer, run: Any
) -> None:
    desktop, world = demo
    _miss_a_call(desktop, world, run)
    shown = _shown(server, run, lambda n: n.summary == "Missed call")

    desktop.open_journal()
    run(wait_until(lambda: shown.closed, 5.0), 6.0)
    assert ("org.freedesktop.Notifications", "CloseNotification", (shown.id,)) in server.calls


def test_errors_go_to_the_desktop_notifications_too(
    demo: tuple[Desktop, DemoWorld], server: NotificationServer, run: Any
) -> None:
    desktop, _world = demo
    desktop.bridge.report_error("The phone refused the password; correct it in Settings.")
    shown = _shown(server, run, lambda n: "refused the password" in n.body)
    assert shown.summary == "ctidesk"


def test_without_a_notification_server_the_tray_says_it(
    tmp_path: Path, loop: Any, run: Any, bus_address: str
) -> None:
    notifier = FreedesktopNotifier(loop, SessionBus(bus_address))
    desktop, world = _demo_desktop(tmp_path, loop, run, notifier)
    try:
        assert desktop._notifier_start is not None
        assert run(desktop._notifier_start, 5.0) is False
        assert not notifier.available()
        _miss_a_call(desktop, world, run)
        assert desktop.tray.last_message[0] == "Missed call"
        assert "Click here to call back" in desktop.tray.last_message[1]
        assert desktop.tray.missed_message_call is not None
    finally:
        run(desktop.close(), 15.0)
        run(desktop.core.close())
