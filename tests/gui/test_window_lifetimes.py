"""Short-lived windows and the long-lived bridge (issue 14, finding 1: closing Settings crashed
ctidesk at the next status change).

A window that is closed and deleted must leave nothing connected to the bridge; the next call or
"Sign in to NFON" then reaches only live objects. And the crash handler, whose sink reports
through the bridge's own signals, must not re-enter itself when one of their slots fails.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import SIGNAL, QCoreApplication, QEvent, QMetaMethod, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from ctidesk.config.logs import CrashHandler
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallChanged, ChangeKind
from ctidesk.core.ports import CallerInfo, ReachState, SystemStatus, TicketSummary
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import PHONE, DesktopBridge
from ctidesk.gui.desktop import Desktop
from ctidesk.gui.dialer import DialConfirmation, DialerWindow, DialHistory
from ctidesk.gui.dialing import plan_dial
from ctidesk.gui.main import crash_handler_for
from ctidesk.gui.popup import CallerCard
from ctidesk.gui.settings_dialog import SecretValues, SettingsDialog

from .conftest import ring, wait_until

pytestmark = pytest.mark.gui


def _delete_later_now() -> None:
    """What the event loop does with ``deleteLater`` at its next turn."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _bridge_signals(bridge: DesktopBridge) -> list[str]:
    meta = bridge.metaObject()
    return [
        bytes(meta.method(i).methodSignature().data()).decode()
        for i in range(meta.methodOffset(), meta.methodCount())
        if meta.method(i).methodType() is QMetaMethod.MethodType.Signal
    ]


def _receivers(bridge: DesktopBridge) -> dict[str, int]:
    return {name: bridge.receivers(SIGNAL(name)) for name in _bridge_signals(bridge)}


def _emit_every_signal(bridge: DesktopBridge, tracker: CallTracker) -> None:
    """Each of the bridge's signals once, with what it carries in the app."""
    call = ring(tracker)
    plan = plan_dial("+49 30 1234567")
    values: dict[str, tuple[Any, ...]] = {
        "call_changed": (CallChanged(call, ChangeKind.CREATED, None),),
        "caller_info_ready": (call.id, CallerInfo(number=call.remote)),
        "status_changed": (bridge.status,),
        "error": ("Zammad said no",),
        "notice": ("Dialling",),
        "dial_needs_confirmation": (plan_dial("12"),),
        "dialled": (plan,),
        "ticket_created": (call.id, TicketSummary(id=3, number="31002", title="t", state="new")),
        "settings_changed": (bridge.settings,),
        "missed_call": (call,),
        "missed_cleared": ([call.id],),
        "notes_saved": (call.id,),
    }
    assert sorted(values) == sorted(name.split("(")[0] for name in _bridge_signals(bridge))
    for name, arguments in values.items():
        getattr(bridge, name).emit(*arguments)


WindowFactory = Callable[[DesktopBridge, CallTracker, Path], QWidget]

WINDOWS: dict[str, WindowFactory] = {
    "settings": lambda bridge, _t, path: SettingsDialog(
        bridge, path / "settings.toml", MemorySecretStore()
    ),
    "dialer": lambda bridge, _t, path: DialerWindow(bridge, DialHistory(path / "history.json")),
    "dial confirmation": lambda bridge, _t, _p: DialConfirmation(bridge, plan_dial("12")),
    "caller card": lambda bridge, tracker, _p: CallerCard(bridge, ring(tracker, "+49 89 1")),
}


@pytest.mark.parametrize("window", sorted(WINDOWS))
def test_a_deleted_window_leaves_nothing_connected_to_the_bridge(
    window: str,
    bridge: DesktopBridge,
    tracker: CallTracker,
    tmp_path: Path,
    crash_handler: CrashHandler,
) -> None:
    """Finding 1 / house rule: a short-lived widget connects the bridge only to its own slots."""
    before = _receivers(bridge)
    widget = WINDOWS[window](bridge, tracker, tmp_path)
    widget.show()
    widget.close()
    widget.deleteLater()
    _delete_later_now()
    assert _receivers(bridge) == before
    _emit_every_signal(bridge, tracker)
    assert list(crash_handler.caught) == []


def _close_with_escape(dialog: SettingsDialog) -> None:
    QTest.keyClick(dialog, Qt.Key.Key_Escape)


def _close_with_the_button(dialog: SettingsDialog) -> None:
    dialog.close_button.click()


@pytest.mark.parametrize("close", [_close_with_escape, _close_with_the_button])
def test_closing_settings_then_a_status_change_does_not_crash(
    close: Callable[[SettingsDialog], None], desktop: Desktop, crash_handler: CrashHandler
) -> None:
    """Finding 1: Settings opened from the tray and closed; then a call, a status report and
    "Sign in to NFON" change the status. Before the fix each reached the deleted dialog's
    labels ("Internal C++ object already deleted") and the process died."""
    desktop.tray.settings_action.trigger()
    dialog = desktop.settings_dialog
    assert dialog is not None and dialog.isVisible()
    close(dialog)
    assert desktop.settings_dialog is None
    _delete_later_now()

    ring(desktop.core.tracker)
    desktop.bridge.update_status(SystemStatus(system=PHONE, state=ReachState.OK))
    desktop.tray.sign_action.trigger()
    assert "NFON is not set up" in desktop.bridge.status.last_error
    assert list(crash_handler.caught) == []

    desktop.tray.settings_action.trigger()
    assert desktop.settings_dialog is not None and desktop.settings_dialog.isVisible()


class _Installed:
    """A crash handler installed for a while (the fixture's own is put back afterwards)."""

    def __init__(self, handler: CrashHandler) -> None:
        self.handler = handler

    def __enter__(self) -> CrashHandler:
        self._previous = sys.excepthook, threading.excepthook
        self.handler.install()
        return self.handler

    def __exit__(self, *_exc: object) -> None:
        sys.excepthook, threading.excepthook = self._previous


def test_a_failing_status_slot_does_not_make_the_crash_handler_recurse(
    bridge: DesktopBridge,
) -> None:
    """Finding 1: the crash handler's sink (``report_error``) emits ``status_changed``; when a
    slot of it fails, the error comes back to the handler through sys.excepthook. Before the
    fix the handler passed it to the sink again, until the stack overflowed (exit 139)."""
    failures: list[str] = []

    def dead_slot(_status: object) -> None:
        failures.append("called")
        raise RuntimeError("Internal C++ object (QLabel) already deleted.")

    reports: list[str] = []

    def sink(summary: str) -> None:
        reports.append(summary)
        bridge.report_error(summary)

    bridge.status_changed.connect(dead_slot)
    try:
        with _Installed(CrashHandler(sink=sink)) as handler:
            bridge.update_status(SystemStatus(system=PHONE, state=ReachState.OK))
    finally:
        bridge.status_changed.disconnect(dead_slot)
    assert failures == ["called", "called"], "the slot ran for the status and for the report"
    assert reports == ["RuntimeError: Internal C++ object (QLabel) already deleted."]
    assert handler.count == 2
    assert bridge.status.last_error == reports[0]


def test_a_connection_test_still_running_when_settings_closes_reports_nothing(
    bridge: DesktopBridge, tmp_path: Path, run: Any
) -> None:
    """Finding 1, the same mistake through the loop: a test answering after Settings was
    closed wrote into the deleted dialog's label, and the agent read "Testing phone failed:
    Internal C++ object (QLabel) already deleted"."""
    answer = asyncio.Event()
    started: list[str] = []

    async def slow_phone(_settings: Settings, _secrets: SecretValues) -> str:
        started.append("phone")
        await answer.wait()
        return "reachable"

    dialog = SettingsDialog(
        bridge, tmp_path / "settings.toml", MemorySecretStore(), testers={"phone": slow_phone}
    )
    dialog.show()
    dialog.run_test("phone")
    run(wait_until(lambda: started))
    dialog.finished.connect(dialog.deleteLater)
    dialog.close()
    _delete_later_now()
    answer.set()
    run(asyncio.sleep(0.05))
    assert bridge.status.last_error == ""


def test_what_the_crash_handler_reports_says_what_to_do(bridge: DesktopBridge) -> None:
    """House rule: a failure reaches the agent as a sentence that says what to do (the crash
    handler of `gui.main` wraps the bare "Kind: message" it caught)."""
    told: list[str] = []
    bridge.error.connect(told.append)
    with _Installed(crash_handler_for(bridge)) as handler:
        handler.report("KeyError: 'line'")
    (message,) = told
    assert message.startswith("ctidesk ran into an unexpected error and keeps running.")
    assert "Copy diagnostics" in message and message.endswith("(KeyError: 'line')")
