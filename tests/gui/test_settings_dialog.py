"""Settings dialog: per-field messages, nothing applied before Save, secrets only written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QKeySequenceEdit, QLineEdit

from ctidesk.config.logs import Redactor
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings, load_settings
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.settings_dialog import SecretValues, SettingsDialog

from .conftest import wait_until

pytestmark = pytest.mark.gui


def _type(dialog: SettingsDialog, section: str, key: str, text: str) -> None:
    widget = dialog.field_widget(section, key)
    assert isinstance(widget, QLineEdit)
    widget.setText(text)
    widget.textEdited.emit(text)


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore({SecretName.PHONE_PASSCODE: "old-passcode"})


def _dialog(
    bridge: DesktopBridge, path: Path, secrets: MemorySecretStore, **kw: Any
) -> SettingsDialog:
    dialog = SettingsDialog(bridge, path, secrets, **kw)
    dialog.show()
    return dialog


def test_fields_are_validated_next_to_them(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore
) -> None:
    path = tmp_path / "settings.toml"
    dialog = _dialog(bridge, path, secrets)
    _type(dialog, "phone", "address", "phone example")
    _type(dialog, "zammad", "url", "helpdesk.example.com")
    _type(dialog, "nfon", "customer", "9999")
    _type(dialog, "dialing", "default_region", "XX")
    _type(dialog, "dialing", "outside_line_prefix", "0a")
    edit = dialog.field_widget("hotkey", "dial_selection")
    assert isinstance(edit, QKeySequenceEdit)
    edit.setKeySequence(QKeySequence("Ctrl+Alt+D"))
    assert not dialog.save()
    assert not path.exists()
    assert "host name" in dialog.field_error("phone", "address")
    assert "https://" in dialog.field_error("zammad", "url")
    assert "K1234" in dialog.field_error("nfon", "customer")
    assert "two-letter" in dialog.field_error("dialing", "default_region")
    assert "pattern" in dialog.field_error("dialing", "outside_line_prefix")
    assert "AltGr" in dialog.field_error("hotkey", "dial_selection")
    assert dialog.summary.text() == "Not saved: fix the marked fields."
    assert dialog.tabs.currentIndex() == 0
    assert bridge.settings.phone.address == ""

    _type(dialog, "phone", "address", "phone.example:8080")
    assert dialog.field_error("phone", "address") == ""


def test_save_writes_settings_and_secrets_and_applies(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore
) -> None:
    path = tmp_path / "settings.toml"
    redactor = Redactor()
    applied: list[Settings] = []
    bridge.settings_changed.connect(applied.append)
    login_items: list[bool] = []
    dialog = _dialog(bridge, path, secrets, redactor=redactor, start_at_login=login_items.append)
    _type(dialog, "phone", "address", "http://phone.example/")
    _type(dialog, "zammad", "url", "https://helpdesk.example.com")
    _type(dialog, "dialing", "outside_line_prefix", "0")
    close_when = dialog.field_widget("popup", "close_when")
    assert isinstance(close_when, QComboBox)
    close_when.setCurrentIndex(close_when.findData("dismissed"))
    start = dialog.field_widget("general", "start_at_login")
    assert isinstance(start, QCheckBox)
    start.setChecked(True)
    passcode = dialog.secret_edit(SecretName.PHONE_PASSCODE)
    assert passcode.text() == "" and passcode.echoMode() is QLineEdit.EchoMode.Password
    assert "stored in the keyring" in passcode.placeholderText()
    passcode.setText("new-passcode")
    dialog.secret_edit(SecretName.ZAMMAD_API_TOKEN).setText("api-token-1234")
    assert applied == []
    assert dialog.save(), dialog.summary.text()

    saved = load_settings(path)
    assert saved.phone.address == "phone.example"
    assert saved.zammad.url == "https://helpdesk.example.com"
    assert saved.dialing.outside_line_prefix == "0"
    assert saved.popup.close_when == "dismissed"
    assert "new-passcode" not in path.read_text(encoding="utf-8")
    assert secrets.get(SecretName.PHONE_PASSCODE) == "new-passcode"
    assert secrets.get(SecretName.ZAMMAD_API_TOKEN) == "api-token-1234"
    assert redactor("token api-token-1234") == "token ***"
    assert passcode.text() == ""
    assert applied and applied[-1].popup.close_when == "dismissed"
    assert bridge.settings.dialing.outside_line_prefix == "0"
    assert login_items == [True]

    dialog.secret_forget(SecretName.PHONE_PASSCODE).setChecked(True)
    assert dialog.save()
    assert secrets.get(SecretName.PHONE_PASSCODE) is None


def test_zammad_cti_url_must_be_the_endpoint(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore
) -> None:
    dialog = _dialog(bridge, tmp_path / "s.toml", secrets)
    _type(dialog, "phone", "address", "phone.example")
    dialog.secret_edit(SecretName.ZAMMAD_CTI_URL).setText("https://helpdesk.example.com/")
    assert not dialog.save()
    assert "/api/v1/cti/" in dialog.secret_error(SecretName.ZAMMAD_CTI_URL)
    dialog.secret_edit(SecretName.ZAMMAD_CTI_URL).setText(
        "https://helpdesk.example.com/api/v1/cti/AbC123"
    )
    assert dialog.save()


def test_connection_test_uses_unsaved_values_and_action_urls_copy(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore, run: Any
) -> None:
    seen: list[tuple[str, str | None]] = []

    async def test_phone(settings: Settings, values: SecretValues) -> str:
        seen.append((settings.phone.address, values[SecretName.PHONE_PASSCODE]))
        if settings.phone.address == "down.example":
            raise ConnectionError("the phone at down.example does not answer; is it on?")
        return "GXP2170 answered"

    def urls(settings: Settings, values: SecretValues) -> list[tuple[str, str]]:
        return [("Incoming call", "http://127.0.0.1:8765/gs/tok?e=in&r=$remote")]

    dialog = _dialog(
        bridge, tmp_path / "s.toml", secrets, testers={"phone": test_phone}, action_urls=urls
    )
    _type(dialog, "phone", "address", "phone.example")
    dialog.secret_edit(SecretName.PHONE_PASSCODE).setText("typed")
    dialog.run_test("phone")
    result = dialog.test_results["phone"]
    run(wait_until(lambda: result.text().startswith("✓")))
    assert result.text() == "✓ GXP2170 answered"
    _type(dialog, "phone", "address", "down.example")
    dialog.run_test("phone")
    run(wait_until(lambda: result.text().startswith("✗")))
    assert "does not answer" in result.text()
    assert seen == [("phone.example", "typed"), ("down.example", "typed")]
    assert not (tmp_path / "s.toml").exists()
    assert dialog.test_results["zammad"].text() == "Not available in this build."

    copy_buttons = [b for b in dialog.action_url_box.findChildren(type(dialog.save_button))]
    assert len(copy_buttons) == 1
    copy_buttons[0].click()
    from PySide6.QtGui import QGuiApplication

    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    assert clipboard.text() == "http://127.0.0.1:8765/gs/tok?e=in&r=$remote"
