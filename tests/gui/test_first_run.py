"""Issue 14, finding 4: the first-run setup (the real wizard, offscreen; simulators on loopback).

A start with nothing set up opened to a grey icon and nothing else. The setup asks for the phone
(with a live test), shows the Action URLs and waits until the phone really sends one, asks for
Zammad and NFON; every step can be skipped, and without a keyring the other settings still save
and the setup names the environment variables that can give the secrets instead.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWizard

from ctidesk.app import Context, Core, build_core, open_secret_store
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings, load_settings, save_settings
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.desktop import Desktop, needs_first_run
from ctidesk.gui.first_run import (
    ACTION_URLS,
    DONE,
    INTRO,
    NFON,
    PHONE,
    ZAMMAD,
    FirstRunWizard,
)
from ctidesk.gui.wiring import start_clients
from ctidesk.sim.suite import SimulatorSuite

from .conftest import wait_until

pytestmark = pytest.mark.gui

WAITING = "Waiting for the phone's next event… call your phone or press a key"


def _type(edit: QLineEdit, text: str) -> None:
    edit.setText(text)
    edit.textEdited.emit(text)


def _skip(wizard: FirstRunWizard) -> None:
    button = wizard.button(QWizard.WizardButton.CustomButton1)
    assert button is not None and button.isVisible()
    button.click()


def _next(wizard: FirstRunWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button is not None
    button.click()


def test_every_step_can_be_skipped_and_nothing_is_saved(
    bridge: DesktopBridge, tmp_path: Path
) -> None:
    path = tmp_path / "settings.toml"
    wizard = FirstRunWizard(bridge, path, MemorySecretStore())
    wizard.show()
    assert wizard.windowTitle() == "ctidesk setup"
    assert not wizard.isModal()
    assert wizard.windowModality() is Qt.WindowModality.NonModal
    assert wizard.currentId() == INTRO
    skip = wizard.button(QWizard.WizardButton.CustomButton1)
    assert skip is not None and not skip.isVisible()
    _next(wizard)
    for page in (PHONE, ACTION_URLS, ZAMMAD, NFON):
        assert wizard.currentId() == page
        _skip(wizard)
    assert wizard.currentId() == DONE
    assert wizard.summary.text().splitlines() == [
        "Phone: skipped",
        "Action URLs: skipped",
        "Zammad: skipped",
        "NFON: skipped",
    ]
    assert not path.exists()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert not wizard.isVisible()


def test_a_step_checks_its_fields_before_it_saves(bridge: DesktopBridge, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    wizard = FirstRunWizard(bridge, path, MemorySecretStore())
    wizard.show()
    _next(wizard)
    _type(wizard.phone_address, "127.0.0.300")
    assert "300 is larger than 255" in wizard.phone_address_error.text()
    _next(wizard)
    assert wizard.currentId() == PHONE and not path.exists()
    _type(wizard.phone_address, "127.0.0.1:8080")
    assert wizard.phone_address_error.text() == ""
    _next(wizard)
    assert wizard.currentId() == ACTION_URLS
    assert load_settings(path).phone.address == "127.0.0.1:8080"
    _next(wizard)
    _type(wizard.zammad_url, "helpdesk.example.com")
    assert "https://" in wizard.zammad_url_error.text()
    _next(wizard)
    assert wizard.currentId() == ZAMMAD
    wizard.close()


@pytest.fixture
def failing_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_the_settings_save_and_the_secrets_sources_are_named(
    bridge: DesktopBridge, tmp_path: Path, failing_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SecretName:
        monkeypatch.delenv(name.env_var, raising=False)
    secrets, problem = open_secret_store(require_keyring=False)
    assert problem is not None
    path = tmp_path / "settings.toml"
    wizard = FirstRunWizard(bridge, path, secrets, keyring_problem=problem)
    wizard.show()
    intro = wizard.keyring_note.text()
    assert wizard.keyring_note.isVisible()
    for name in SecretName:
        assert name.env_var in intro
    _next(wizard)
    _type(wizard.phone_address, "127.0.0.1:8080")
    wizard.phone_passcode.setText("hunter2-passcode")
    _next(wizard)
    assert load_settings(path).phone.address == "127.0.0.1:8080"
    assert "hunter2-passcode" not in path.read_text(encoding="utf-8")
    note = wizard.phone_note.text()
    assert "The settings are saved" in note and "CTIDESK_PHONE_PASSCODE" in note
    assert wizard.currentId() == PHONE, "stays once, so the agent reads where secrets come from"
    assert wizard.phone_passcode.text() == ""
    _next(wizard)
    assert wizard.currentId() == ACTION_URLS
    for _page in (ACTION_URLS, ZAMMAD, NFON):
        _skip(wizard)
    assert "CTIDESK_ZAMMAD_API_TOKEN" in wizard.summary.text()
    wizard.close()


def test_a_start_with_nothing_set_up_needs_the_setup(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    secrets = MemorySecretStore()
    context = Context(paths, paths.settings_file, Settings(), secrets, Redactor())
    assert needs_first_run(context), "empty CTIDESK_HOME: no settings file"
    save_settings(Settings(), paths.settings_file)
    assert needs_first_run(context), "a settings file that names nothing"
    secrets.set(SecretName.NFON_REFRESH_TOKEN, "refresh-token")
    assert not needs_first_run(context), "signed in to NFON"
    secrets.delete(SecretName.NFON_REFRESH_TOKEN)
    context.settings.phone.address = "127.0.0.1:8080"
    assert not needs_first_run(context)


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


def _first_start(tmp_path: Path, loop: Any) -> tuple[Context, Core, Desktop]:
    """An empty home as on a first start: no settings file, no secrets; only where ctidesk
    listens is fixed (loopback, a free port), as an agent's PC would have it."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = Settings()
    settings.phone.listen_address = "127.0.0.1"
    settings.phone.listen_port = _free_port()
    settings.phone.action_url_public_host = "127.0.0.1"
    settings.nfon.enabled = False
    context = Context(paths, paths.settings_file, settings, MemorySecretStore(), Redactor())
    core = build_core(context)

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
    return context, core, desktop


def test_the_action_url_check_completes_when_the_phone_sends_an_event(
    tmp_path: Path, suite: SimulatorSuite, loop: Any, run: Any
) -> None:
    context, core, desktop = _first_start(tmp_path, loop)
    try:
        assert needs_first_run(context)
        desktop.attach(run(desktop._connect()))  # what gui.main does once the tray is up
        wizard = desktop.open_first_run()
        assert desktop.tray.setup_action.text() == "Set &up..."
        _next(wizard)

        _type(wizard.phone_address, suite.phone.address)
        wizard.phone_passcode.setText(suite.phone.passcode)
        wizard.phone_test_button.click()
        run(wait_until(lambda: wizard.phone_result.text()[:1] in ("✓", "✗"), 10.0))
        assert wizard.phone_result.text().startswith("✓"), wizard.phone_result.text()

        _next(wizard)
        assert wizard.currentId() == ACTION_URLS
        assert context.secrets.get(SecretName.PHONE_PASSCODE) == suite.phone.passcode
        run(wait_until(lambda: len(wizard.shown_action_urls()) == 10, 10.0))
        run(wait_until(lambda: wizard.check_button.isEnabled(), 10.0))
        pasted = suite.phone.configure_action_urls(wizard.shown_action_urls())
        assert len(pasted) >= 8

        wizard.check_button.click()
        assert wizard.check_status.text() == WAITING
        assert wizard.cancel_check_button.isVisible()
        wizard.cancel_check_button.click()
        assert wizard.check_status.text().startswith("Not checked")

        wizard.check_button.click()
        assert wizard.check_status.text() == WAITING

        async def call_the_phone() -> None:
            async with httpx.AsyncClient() as http:
                reply = await http.post(
                    f"{suite.phone.base_url}/sim/ring", params={"number": "+4930123456"}
                )
                reply.raise_for_status()

        run(call_the_phone())
        run(wait_until(lambda: wizard.check_status.text().startswith("✓"), 10.0))
        assert "Incoming Call" in wizard.check_status.text()
        assert not wizard.cancel_check_button.isVisible()
        for _page in (ACTION_URLS, ZAMMAD, NFON):
            _skip(wizard)
        assert "Action URLs: the phone sends them" in wizard.summary.text()
    finally:
        run(desktop.close(), 15.0)
        run(core.close())


def test_no_page_has_two_controls_on_one_alt_letter(bridge: DesktopBridge, tmp_path: Path) -> None:
    """Keyboard use of the setup: an Alt letter shared by two controls on one page only moves
    the focus between them (as "API &token" and "&Test connection" would on the Zammad page)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    wizard = FirstRunWizard(bridge, tmp_path / "settings.toml", MemorySecretStore())
    buttons = [
        QWizard.WizardButton.BackButton,
        QWizard.WizardButton.NextButton,
        QWizard.WizardButton.CancelButton,
        QWizard.WizardButton.CustomButton1,
    ]
    frame = [wizard.buttonText(b) for b in buttons]
    for page_id in wizard.pageIds():
        page = wizard.page(page_id)
        texts = [w.text() for w in page.findChildren(QAbstractButton)]
        labels = [w for w in page.findChildren(QLabel) if w.buddy() is not None]
        for label in labels:
            buddy = label.buddy()
            assert buddy is not None and buddy.focusPolicy() != Qt.FocusPolicy.NoFocus
        texts += [label.text() for label in labels]
        letters = [
            text[text.index("&") + 1].lower()
            for text in [*frame, *texts]
            if "&" in text and not text.endswith("&")
        ]
        assert len(letters) == len(set(letters)), (page.title(), letters)


def test_every_control_of_the_setup_has_a_name(bridge: DesktopBridge, tmp_path: Path) -> None:
    """Screen readers: the accessibility walk of the other windows, over the setup's pages."""
    from .test_accessibility import unnamed_controls

    wizard = FirstRunWizard(bridge, tmp_path / "settings.toml", MemorySecretStore())
    wizard.set_network(
        lambda _settings, _secrets: [("incoming_call", "http://127.0.0.1:8765/gs/t/in")],
        None,
    )
    assert unnamed_controls(wizard) == []
