"""Issue 14, finding 9: the settings dialog as an agent meets it (the real dialog, offscreen).

Results that no longer match the fields, addresses that cannot work, error texts for the
command line, changes lost on close, sections hidden behind scroll arrows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QMessageBox, QTabBar

from ctidesk.app import Context
from ctidesk.config.logs import Redactor
from ctidesk.config.paths import AppPaths
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings, load_settings
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.connection_tests import connection_testers
from ctidesk.gui.settings_dialog import SecretValues, SettingsDialog

from .conftest import wait_until

pytestmark = pytest.mark.gui


def _type(dialog: SettingsDialog, section: str, key: str, text: str) -> None:
    widget = dialog.field_widget(section, key)
    assert isinstance(widget, QLineEdit)
    widget.setText(text)
    widget.textEdited.emit(text)


class RecordingTester:
    """A "Test connection" that records what it was asked and never touches the network."""

    def __init__(self) -> None:
        self.addresses: list[str] = []

    async def __call__(self, settings: Settings, values: SecretValues) -> str:
        self.addresses.append(settings.phone.address)
        return f"answered at {settings.phone.address}"


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore({SecretName.PHONE_PASSCODE: "passcode-1"})


def test_a_test_result_disappears_when_a_field_it_tested_changes(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore, run: Any
) -> None:
    """Finding 9: "✓ answered" stayed next to an address that was never tested."""
    tester = RecordingTester()
    dialog = SettingsDialog(bridge, tmp_path / "s.toml", secrets, testers={"phone": tester})
    dialog.show()
    result = dialog.test_results["phone"]
    _type(dialog, "phone", "address", "127.0.0.1:8080")
    dialog.run_test("phone")
    run(wait_until(lambda: result.text().startswith("✓")))

    _type(dialog, "phone", "address", "127.0.0.1:8081")
    assert result.text() == ""

    dialog.run_test("phone")
    run(wait_until(lambda: result.text().startswith("✓")))
    dialog.secret_edit(SecretName.PHONE_PASSCODE).textEdited.emit("x")
    assert result.text() == "", "a changed passcode clears the phone's result too"

    dialog.run_test("phone")
    run(wait_until(lambda: result.text().startswith("✓")))
    _type(dialog, "zammad", "url", "https://127.0.0.1")
    assert result.text().startswith("✓"), "another section's field leaves it alone"
    dialog.close_without_asking()


def test_an_octet_above_255_is_flagged_while_typing_and_never_tested(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore, run: Any
) -> None:
    """Finding 9: an address with an octet above 255 passed as you typed, and "Test
    connection" then showed httpx's raw "Invalid IPv4 address". No request may go out; the
    addresses here are loopback-shaped, as every address in the tests is."""
    tester = RecordingTester()
    dialog = SettingsDialog(bridge, tmp_path / "s.toml", secrets, testers={"phone": tester})
    dialog.show()
    _type(dialog, "phone", "address", "127.0.0.300")
    error = dialog.field_error("phone", "address")
    assert "127.0.0.300 is not a valid IPv4 address" in error
    assert "300 is larger than 255" in error
    dialog.run_test("phone")
    assert dialog.test_results["phone"].text() == "Fix the marked fields first."
    assert tester.addresses == []
    _type(dialog, "zammad", "url", "https://127.0.1.256/")
    assert "not a valid IPv4 address" in dialog.field_error("zammad", "url")
    _type(dialog, "phone", "address", "127.0.0.1:8080")
    assert dialog.field_error("phone", "address") == ""
    dialog.close_without_asking()


def test_http_library_errors_become_sentences(tmp_path: Path, run: Any) -> None:
    """Finding 9: what httpx raises reaches the dialog as a sentence saying what to do."""
    paths = AppPaths.under(tmp_path)
    context = Context(paths, paths.settings_file, Settings(), MemorySecretStore(), Redactor(), None)
    tester = connection_testers(context)["phone"]
    settings = Settings()
    settings.phone.address = "127.0.0.300"
    with pytest.raises(Exception) as failure:
        run(tester(settings, {SecretName.PHONE_PASSCODE: "passcode-1"}))
    message = str(failure.value)
    assert "Invalid IPv4" not in message
    assert message.startswith("The address is not valid; check it for a typing mistake")


def test_command_line_hints_become_what_to_do_in_the_dialog() -> None:
    """Finding 9: the clients' messages tell a shell user to run `ctidesk secret set`."""
    from ctidesk.clients.grandstream.errors import PhoneAuthRejected, SessionLoginFailed
    from ctidesk.gui.connection_tests import for_the_dialog

    rejected = for_the_dialog(str(PhoneAuthRejected("127.0.0.1")))
    assert "ctidesk secret" not in rejected and "(the Passcode field above)" in rejected
    assert "(the Passcode field above)" in for_the_dialog(str(SessionLoginFailed(3)))
    token = for_the_dialog(
        "Zammad refused the API token; create a new token in Zammad (Profile > Token Access) "
        "and store it with `ctidesk secret set zammad_api_token`"
    )
    assert token.endswith("and enter it in the API token field above and Save")
    in_setup = for_the_dialog("store it with `ctidesk secret set zammad_cti_url`", in_setup=True)
    assert in_setup == "enter it in the CTI endpoint URL field above and press Next"


def _answer_prompt(dialog: SettingsDialog, button: QMessageBox.StandardButton) -> None:
    """Press a button of the unsaved-changes question once it is up."""

    def press() -> None:
        box = dialog.unsaved_prompt
        if box is None or not box.isVisible():
            QTimer.singleShot(10, press)
            return
        pressed = box.button(button)
        assert pressed is not None
        pressed.click()

    QTimer.singleShot(0, press)


def test_closing_with_unsaved_changes_asks_save_discard_or_cancel(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore
) -> None:
    """Finding 9: Close dropped typed changes without a word."""
    path = tmp_path / "s.toml"
    dialog = SettingsDialog(bridge, path, secrets)
    dialog.show()
    dialog.close()
    assert not dialog.isVisible(), "nothing changed: closes without asking"

    dialog.show()
    _type(dialog, "phone", "address", "127.0.0.1:8080")
    _answer_prompt(dialog, QMessageBox.StandardButton.Cancel)
    dialog.close()
    assert dialog.isVisible() and not path.exists()

    _answer_prompt(dialog, QMessageBox.StandardButton.Save)
    dialog.close_button.click()
    assert not dialog.isVisible()
    assert load_settings(path).phone.address == "127.0.0.1:8080"

    dialog.show()
    _type(dialog, "phone", "address", "127.0.0.1:9090")
    dialog.secret_edit(SecretName.PHONE_PASSCODE).setText("typed")
    _answer_prompt(dialog, QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible()
    assert load_settings(path).phone.address == "127.0.0.1:8080"
    assert secrets.get(SecretName.PHONE_PASSCODE) == "passcode-1"


def _section_titles_in_view(dialog: SettingsDialog) -> tuple[list[str], list[str]]:
    """(every section, the sections whose name is fully visible), from the tab bar or list."""
    for bar in dialog.findChildren(QTabBar):
        if bar.count():
            visible = bar.rect()
            names = [bar.tabText(i) for i in range(bar.count())]
            shown = [n for i, n in enumerate(names) if visible.contains(bar.tabRect(i))]
            return names, shown
    (navigation,) = [n for n in dialog.findChildren(QListWidget) if n.count()]
    viewport = navigation.viewport().rect()
    names = [navigation.item(i).text() for i in range(navigation.count())]
    shown = []
    for index, name in enumerate(names):
        rect: QRect = navigation.visualItemRect(navigation.item(index))
        needed = navigation.fontMetrics().horizontalAdvance(name)
        if viewport.contains(rect) and rect.width() >= needed:
            shown.append(name)
    return names, shown


def test_all_sections_show_at_the_default_size(
    qapp: QApplication, bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore
) -> None:
    """Finding 9: nine tabs did not fit the default width (scroll arrows hid some)."""
    dialog = SettingsDialog(bridge, tmp_path / "s.toml", secrets)
    dialog.show()
    qapp.processEvents()
    names, shown = _section_titles_in_view(dialog)
    assert len(names) == len(Settings.model_fields) - 1  # one page per section
    assert shown == names
    assert dialog.width() <= 800 and dialog.height() <= 600, dialog.size()
    dialog.close_without_asking()


def test_every_field_label_focuses_its_field_with_alt(
    bridge: DesktopBridge, tmp_path: Path, secrets: MemorySecretStore
) -> None:
    """A label's Alt letter ("&Address") must reach a widget that takes the focus; QFormLayout
    pointed each at the row's holder, which takes none, so the letters did nothing."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    dialog = SettingsDialog(bridge, tmp_path / "s.toml", secrets)
    labels = [
        label
        for label in dialog.findChildren(QLabel)
        if label.buddy() is not None and "&" in label.text()
    ]
    assert len(labels) > 20
    for label in labels:
        buddy = label.buddy()
        assert buddy is not None
        assert buddy.focusPolicy() != Qt.FocusPolicy.NoFocus, label.text()
