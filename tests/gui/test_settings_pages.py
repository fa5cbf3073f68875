"""Issue 18 point 5: the settings dialog is assembled from one page per system or topic.

`gui/settings_dialog.py` built every field in one 190-line `_build`; each page now builds and
checks its own section (`ctidesk.gui.settings_pages`), and its German texts moved with it to the
page's translation context.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import Settings
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.i18n import Translations
from ctidesk.gui.settings_dialog import SettingsDialog
from ctidesk.gui.settings_pages.page import SettingsPage

pytestmark = pytest.mark.gui

ROOT = Path(__file__).parents[2]


def test_each_page_builds_and_checks_one_section(bridge: DesktopBridge, tmp_path: Path) -> None:
    dialog = SettingsDialog(bridge, tmp_path / "settings.toml", MemorySecretStore())
    try:
        sections = [page.section for page in dialog.pages]
        assert len(set(sections)) == len(sections)
        assert set(sections) == {name for name in Settings.model_fields if name != "version"}
        for index, page in enumerate(dialog.pages):
            assert isinstance(page, SettingsPage)
            assert dialog.tabs.widget(index) is page
            assert dialog.tabs.tabText(index) == page.title()
            assert {field.section for field in page.fields} == {page.section}
        assert dialog.pages[0].section == "phone"
        assert set(dialog.pages[0].secret_fields) == {SecretName.PHONE_PASSCODE}
    finally:
        dialog.deleteLater()


def test_every_page_speaks_german_from_its_own_context(
    bridge: DesktopBridge, qapp: QApplication, tmp_path: Path
) -> None:
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "pyside6-lrelease"),
            str(ROOT / "resources" / "i18n" / "ctidesk_de.ts"),
            "-qm",
            str(tmp_path / "ctidesk_de.qm"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    secrets = MemorySecretStore({SecretName.PHONE_PASSCODE: "stored"})
    in_english = SettingsDialog(bridge, tmp_path / "settings.toml", secrets)
    english = _page_texts(in_english)
    in_english.deleteLater()
    translations = Translations(qapp, tmp_path)
    assert translations.apply("de") == "de"
    dialog = SettingsDialog(bridge, tmp_path / "settings.toml", secrets)
    try:
        german = _page_texts(dialog)
        for section, texts in english.items():
            assert german[section] != texts, f"the {section} page is not translated"
        assert dialog.tabs.tabText(0) == "&Telefon"
        forget = dialog.secret_forget(SecretName.PHONE_PASSCODE)
        assert forget.text() == "Aus dem Schlüsselbund entfernen"  # the shared page's context
    finally:
        dialog.deleteLater()
        translations.apply("en")


def _page_texts(dialog: SettingsDialog) -> dict[str, list[str]]:
    """Every label on each page, by section."""
    return {
        page.section: [label.text() for label in page.findChildren(QLabel)] for page in dialog.pages
    }
