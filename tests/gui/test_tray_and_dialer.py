"""Tray icon states, menu entries, the fallback window, the dialer and diagnostics."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication, QImage

from ctidesk.config.logs import Redactor
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.core.ports import ReachState, SystemStatus
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import NFON, PHONE, ZAMMAD, DesktopBridge, DesktopStatus
from ctidesk.gui.demo import DemoWorld
from ctidesk.gui.desktop import Desktop
from ctidesk.gui.diagnostics import diagnostics_report
from ctidesk.gui.dialer import DialConfirmation, DialerWindow, DialHistory
from ctidesk.gui.dialing import DialPlan
from ctidesk.gui.icons import draw_tray_icon, icon_look
from ctidesk.gui.tray import NO_TRAY_REASON, TrayActions, TrayController

from .conftest import FakePhone, ring, wait_until

pytestmark = pytest.mark.gui


def _status(**kwargs: Any) -> DesktopStatus:
    systems = {
        PHONE: SystemStatus(system=PHONE, state=kwargs.pop("phone", ReachState.OK)),
        ZAMMAD: SystemStatus(system=ZAMMAD, state=kwargs.pop("zammad", ReachState.OK)),
        NFON: SystemStatus(system=NFON, state=ReachState.OK),
    }
    return DesktopStatus(systems=systems, nfon_signed_in=kwargs.pop("signed_in", True), **kwargs)


def _image(status: DesktopStatus) -> QImage:
    return draw_tray_icon(icon_look(status)).pixmap(64, 64).toImage()


def test_each_state_has_its_own_icon(qapp: Any) -> None:
    states = [
        _status(),
        _status(phone=ReachState.UNREACHABLE),
        _status(zammad=ReachState.UNREACHABLE),
        _status(signed_in=False),
        _status(dnd=True),
        _status(on_call=1),
        _status(ringing=1),
        _status(last_error="boom"),
        _status(missed=1),  # issue 14, finding 3: the unseen missed calls, counted on the icon
        _status(missed=12),
    ]
    looks = [icon_look(s) for s in states]
    assert len(set(looks)) == len(looks)
    images = [_image(s) for s in states]
    for i, image in enumerate(images):
        for other in images[i + 1 :]:
            assert image != other


class Recorder:
    """Stands in for the desktop's menu commands with their real signatures (checked below):
    PySide6 passes ``triggered``'s ``checked`` to a slot that takes an argument, so a stand-in
    that takes none hid that "Dial..." called ``open_dialer(False)`` (issue 14, finding 2)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def open_dialer(self, text: str = "") -> None:
        self.calls.append(("open_dialer", (text,)))

    def open_settings(self) -> None:
        self.calls.append(("open_settings", ()))

    def show_last_caller(self, quiet: bool = False) -> None:
        self.calls.append(("show_last_caller", (quiet,)))

    def copy_diagnostics(self) -> None:
        self.calls.append(("copy_diagnostics", ()))

    def quit(self) -> None:
        self.calls.append(("quit", ()))

    def simulate_call(self) -> None:
        self.calls.append(("simulate_call", ()))


def _parameters(function: Callable[..., object]) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(
    ("name", "real"),
    [
        ("open_dialer", Desktop.open_dialer),
        ("open_settings", Desktop.open_settings),
        ("show_last_caller", Desktop.show_last_caller),
        ("copy_diagnostics", Desktop.copy_diagnostics),
        ("quit", Desktop.quit),
        ("simulate_call", DemoWorld.simulate_call),
    ],
)
def test_the_stand_in_has_the_real_signatures(name: str, real: Callable[..., object]) -> None:
    """House rule: stand-ins have the real object's signature."""
    assert _parameters(getattr(Recorder, name)) == _parameters(real)


def _actions(recorder: Recorder, simulate: bool = False) -> TrayActions:
    return TrayActions(
        open_dialer=recorder.open_dialer,
        open_settings=recorder.open_settings,
        show_last_caller=recorder.show_last_caller,
        copy_diagnostics=recorder.copy_diagnostics,
        quit=recorder.quit,
        simulate_call=recorder.simulate_call if simulate else None,
    )


def test_menu_entries_and_dnd_follow_the_phone(
    bridge: DesktopBridge, phone: FakePhone, run: Any
) -> None:
    recorder = Recorder()
    tray = TrayController(bridge, _actions(recorder, simulate=True), tray_available=True)
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == [
        "Do &not disturb",
        "&Dial...",
        "Show &last caller",
        "Simulate &incoming call",
        "&Settings...",
        "Sign &in to NFON",
        "Copy dia&gnostics",
        "&Quit",
    ]
    tray.dial_action.trigger()
    tray.settings_action.trigger()
    tray.diagnostics_action.trigger()
    assert tray.simulate_action is not None
    tray.simulate_action.trigger()
    tray.quit_action.trigger()
    tray.last_caller_action.setEnabled(True)
    tray.last_caller_action.trigger()
    assert recorder.calls == [
        ("open_dialer", ("",)),
        ("open_settings", ()),
        ("copy_diagnostics", ()),
        ("simulate_call", ()),
        ("quit", ()),
        ("show_last_caller", (False,)),
    ]
    assert not tray.sign_action.isVisible()
    tray.dnd_action.trigger()
    assert not tray.dnd_action.isChecked()
    run(wait_until(lambda: tray.dnd_action.isChecked()))
    assert phone.commands == [("dnd", "True")]
    assert "Do not disturb: on" in tray.tooltip()
    bridge.phone_reported_dnd(False)
    assert not tray.dnd_action.isChecked()


def test_the_dial_entry_opens_the_dialer(desktop: Desktop) -> None:
    """Finding 2: the real desktop's "Dial..." entry opens an empty dialer (it showed a
    TypeError: ``triggered``'s ``checked`` reached ``open_dialer(text)``)."""
    desktop.tray.dial_action.trigger()
    dialer = desktop.dialer
    assert dialer is not None and dialer.isVisible()
    assert dialer.number.currentText() == ""
    assert desktop.bridge.status.last_error == ""


def test_tooltip_names_each_system_and_calls(bridge: DesktopBridge, tracker: CallTracker) -> None:
    tray = TrayController(bridge, _actions(Recorder()), tray_available=True)
    bridge.update_status(SystemStatus(system=PHONE, state=ReachState.OK))
    bridge.update_status(
        SystemStatus(system=ZAMMAD, state=ReachState.AUTH_FAILED, detail="token rejected")
    )
    ring(tracker)
    text = tray.tooltip()
    assert "Phone: reachable" in text
    assert "Zammad: password or token rejected (token rejected)" in text
    assert "NFON: not set up" in text
    assert "Ringing: 1 call(s)" in text
    assert tray.last_caller_action.isEnabled()
    assert tray.tray is not None and tray.tray.toolTip() == text


def test_without_a_tray_a_window_explains_why(bridge: DesktopBridge) -> None:
    recorder = Recorder()
    tray = TrayController(bridge, _actions(recorder), tray_available=False)
    tray.show()
    assert tray.tray is None and tray.window is not None
    assert tray.window.isVisible()
    assert tray.window.reason.text() == NO_TRAY_REASON
    assert "Phone:" in tray.window.status.text()
    bridge.report_error("Zammad said no")
    assert "Zammad said no" in tray.window.status.text()
    tray.window.close()
    assert recorder.calls == [("quit", ())]


def test_dialer_dials_keeps_history_and_suggests_clipboard(
    bridge: DesktopBridge, phone: FakePhone, tmp_path: Path, run: Any
) -> None:
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    clipboard.setText("Tel. 030 1234567")
    history = DialHistory(tmp_path / "history.json")
    dialer = DialerWindow(bridge, history)
    dialer.open()
    assert dialer.suggestion.isVisible()
    assert dialer.suggestion.text() == "Clipboard: +49301234567"
    dialer.suggestion.click()
    dialer.dial()
    run(wait_until(lambda: phone.commands))
    assert phone.commands == [("dial", "+49301234567")]
    run(wait_until(lambda: history.entries()))
    assert DialHistory(tmp_path / "history.json").entries() == ["+49301234567"]
    dialer.open()
    assert dialer.number.count() == 1
    dialer.number.setEditText("nothing here")
    dialer.dial()
    assert dialer.message.text() == "'nothing here' holds no digits to dial"


def test_odd_number_is_confirmed_before_dialling(
    bridge: DesktopBridge, phone: FakePhone, run: Any
) -> None:
    asked: list[DialPlan] = []
    bridge.dial_needs_confirmation.connect(asked.append)
    bridge.dial("12")
    assert len(asked) == 1 and asked[0].doubts == ("it is too short",)
    confirmation = DialConfirmation(bridge, asked[0])
    confirmation.show()
    assert "it is too short" in confirmation.text.text()
    confirmation.dial_button.click()
    run(wait_until(lambda: phone.commands))
    assert phone.commands == [("dial", "12")]


def test_diagnostics_are_redacted(bridge: DesktopBridge, tmp_path: Path) -> None:
    secrets = MemorySecretStore({SecretName.ZAMMAD_API_TOKEN: "s3cr3t-token-value"})
    log_file = tmp_path / "ctidesk.log"
    log_file.write_text(
        "INFO got s3cr3t-token-value back\nGET /cgi-bin/api-x?passcode=hunter22 200\n",
        encoding="utf-8",
    )
    report = diagnostics_report(bridge.status, bridge.settings, secrets, Redactor(), log_file)
    assert "s3cr3t-token-value" not in report
    assert "hunter22" not in report
    assert "zammad_api_token: set" in report
    assert "passcode=***" in report
