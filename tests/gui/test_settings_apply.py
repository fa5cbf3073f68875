"""Settings that reach the network side: "Test connection" on unsaved values, and Save
rebuilding the phone, Zammad and NFON connections without a restart (simulators, loopback)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

from ctidesk.app import Context, Core, build_core
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings, save_settings
from ctidesk.core.calls import CallState
from ctidesk.core.ports import ReachState
from ctidesk.gui.desktop import Desktop
from ctidesk.gui.settings_dialog import SettingsDialog
from ctidesk.gui.wiring import start_clients
from ctidesk.sim.suite import SimulatorSuite
from tests.network_support import point_at

from .conftest import wait_until

pytestmark = pytest.mark.gui


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def suite(run: Any) -> Iterator[SimulatorSuite]:
    suite = SimulatorSuite()
    run(suite.start())
    yield suite
    run(suite.stop())


def _home(tmp_path: Path, suite: SimulatorSuite) -> Context:
    """A home pointed at the simulators as an agent would set it up, on a fixed listener port
    (the phone's Action URLs name it, so a rebuilt listener must come back on the same one)."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = Settings()
    secrets = MemorySecretStore()
    point_at(suite, settings, secrets)
    settings.nfon.enabled = False
    settings.phone.listen_port = _free_port()
    save_settings(settings, paths.settings_file)
    return Context(paths, paths.settings_file, settings, secrets, Redactor())


def _desktop(context: Context, core: Core, loop: Any) -> Desktop:
    async def connect() -> Any:
        return await start_clients(context, core, on_status=desktop.bridge.update_status)

    desktop = Desktop(
        context,
        core,
        loop,
        tray_available=True,
        opener=lambda _url: None,
        enable_hotkey=False,
        quit_app=lambda: None,
        connect=connect,
    )
    desktop.show()
    return desktop


def _type(dialog: SettingsDialog, section: str, key: str, text: str) -> None:
    widget = dialog.field_widget(section, key)
    assert isinstance(widget, QLineEdit)
    widget.setText(text)
    widget.textEdited.emit(text)


def _settings_dialog(desktop: Desktop) -> SettingsDialog:
    desktop.open_settings()
    dialog = desktop.settings_dialog
    assert dialog is not None
    return dialog


def _action_urls_shown(dialog: SettingsDialog) -> list[str]:
    return [edit.text() for edit in dialog.action_url_box.findChildren(QLineEdit) if edit.text()]


def _test(dialog: SettingsDialog, system: str, run: Any) -> str:
    result = dialog.test_results[system]
    result.setText("")
    dialog.run_test(system)
    run(wait_until(lambda: result.text()[:1] in ("✓", "✗"), 10.0))
    return result.text()


def test_test_connection_tries_the_unsaved_values_and_stores_nothing(
    tmp_path: Path, suite: SimulatorSuite, loop: Any, run: Any
) -> None:
    context = _home(tmp_path, suite)
    context.secrets.delete(SecretName.PHONE_PASSCODE)
    context.secrets.delete(SecretName.ZAMMAD_API_TOKEN)
    core = build_core(context)
    desktop = _desktop(context, core, loop)
    try:
        dialog = _settings_dialog(desktop)
        assert dialog.phone_test_button.isEnabled()
        assert dialog.zammad_test_button.isEnabled()

        outcome = _test(dialog, "phone", run)
        assert outcome.startswith("✗") and "phone_passcode" in outcome, outcome

        dialog.secret_edit(SecretName.PHONE_PASSCODE).setText("not-the-passcode")
        outcome = _test(dialog, "phone", run)
        assert outcome.startswith("✗") and "unauthorized" in outcome, outcome

        dialog.secret_edit(SecretName.PHONE_PASSCODE).setText(suite.phone.passcode)
        outcome = _test(dialog, "phone", run)
        assert outcome.startswith("✓") and "passcode accepted" in outcome, outcome
        assert suite.phone.address in outcome

        _type(dialog, "phone", "address", "127.0.0.1:1")
        outcome = _test(dialog, "phone", run)
        assert outcome.startswith("✗") and "127.0.0.1:1" in outcome, outcome

        dialog.secret_edit(SecretName.ZAMMAD_API_TOKEN).setText("not-the-token")
        outcome = _test(dialog, "zammad", run)
        assert outcome.startswith("✗"), outcome
        dialog.secret_edit(SecretName.ZAMMAD_API_TOKEN).setText(suite.zammad.agent_token)
        outcome = _test(dialog, "zammad", run)
        assert outcome.startswith("✓"), outcome

        assert context.secrets.get(SecretName.PHONE_PASSCODE) is None
        assert context.secrets.get(SecretName.ZAMMAD_API_TOKEN) is None
        assert suite.zammad.cti_pushes(), "the Zammad test tried the CTI URL"
        assert suite.zammad.log == [], "a connection test must not log a call in Zammad"
    finally:
        run(desktop.close(), 15.0)
        run(core.close())


def test_saving_a_fixed_passcode_reconnects_without_a_restart(
    tmp_path: Path,
    suite: SimulatorSuite,
    loop: Any,
    run: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    context = _home(tmp_path, suite)
    context.secrets.set(SecretName.PHONE_PASSCODE, "a-typo-in-the-passcode")
    core = build_core(context)
    desktop = _desktop(context, core, loop)
    notices: list[str] = []
    monkeypatch.setattr(
        desktop.tray, "notify", lambda _title, message, warning=False: notices.append(message)
    )
    try:
        dialog = _settings_dialog(desktop)
        assert not _action_urls_shown(dialog), "no listener yet"
        parts = run(start_clients(context, core, on_status=desktop.bridge.update_status))
        desktop.attach(parts)
        assert parts.network is not None
        assert sorted(_action_urls_shown(dialog)) == sorted(parts.network.action_urls.values())
        suite.phone.configure_action_urls(parts.network.action_urls)
        bridge = desktop.bridge
        run(wait_until(lambda: bridge.status.state_of("phone") is ReachState.AUTH_FAILED, 10.0))
        assert "unauthorized" in bridge.status.detail_of("phone")

        dialog.secret_edit(SecretName.PHONE_PASSCODE).setText(suite.phone.passcode)
        assert dialog.save()
        assert "Reconnecting" in notices[-1]
        run(wait_until(lambda: bridge.status.state_of("phone") is ReachState.OK, 10.0))
        assert sorted(_action_urls_shown(dialog)) == sorted(parts.network.action_urls.values())
        assert context.secrets.get(SecretName.PHONE_PASSCODE) == suite.phone.passcode

        suite.phone.ring("+49 89 99998 123", "Maria Huber")
        run(wait_until(lambda: core.tracker.live_calls(), 10.0))
        (call,) = core.tracker.live_calls()
        assert call.state is CallState.RINGING
        run(wait_until(lambda: bridge.caller_info(call.id) is not None, 10.0))
        info = bridge.caller_info(call.id)
        assert info is not None and info.best is not None and info.best.name == "Maria Huber"
        bridge.answer(call.id)
        run(wait_until(lambda: core.tracker.live_calls()[0].state is CallState.CONNECTED, 10.0))

        dialog.save()
        assert notices[-1] == "Settings saved.", "nothing changed: no reconnect"
        stale = [r.getMessage() for r in caplog.records if r.name == "ctidesk.core.tracker"]
        assert stale == [], "the closed network side's Zammad forwarder still heard the calls"
    finally:
        run(desktop.close(), 15.0)
        run(core.close())
