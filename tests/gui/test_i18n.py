"""German UI: the .ts file is complete and in step with the code; switching language works."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ctidesk.config.settings import Settings
from ctidesk.gui.i18n import Translations, resolve_language
from ctidesk.gui.team_window import TeamWindow
from ctidesk.gui.translation_files import compile_translation, qt_tool

pytestmark = pytest.mark.gui

ROOT = Path(__file__).parents[2]
TS_FILE = ROOT / "resources" / "i18n" / "ctidesk_de.ts"
SCRIPT = (ROOT / "scripts" / "i18n").read_text(encoding="utf-8")
SOURCES = [
    line.strip()
    for line in SCRIPT.split("SOURCES=(", 1)[1].split(")", 1)[0].splitlines()
    if line.strip()
]


@pytest.fixture(autouse=True)
def _default_locale_restored() -> Iterator[None]:
    """Switching the language also sets Qt's default locale; later tests get theirs back."""
    before = QLocale()
    yield
    QLocale.setDefault(before)


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found.append((name, message.findtext("source") or "", translation))
    return found


def test_german_ts_has_no_unfinished_or_empty_entries() -> None:
    entries = messages(TS_FILE)
    assert len(entries) > 100
    unfinished = [
        (context, source)
        for context, source, translation in entries
        if translation.get("type") in ("unfinished", "vanished", "obsolete")
        or not (translation.text or "").strip()
    ]
    assert unfinished == []
    for _, source, translation in entries:
        for marker in ("%1", "%2", "%3"):
            assert (marker in source) == (marker in (translation.text or "")), source


def test_every_string_in_the_windows_is_in_the_ts_file(tmp_path: Path) -> None:
    lupdate = qt_tool("lupdate")
    copy = tmp_path / "ctidesk_de.ts"
    shutil.copy(TS_FILE, copy)
    subprocess.run(
        [
            str(lupdate),
            "-extensions",
            "py",
            "-no-obsolete",
            *[str(ROOT / s) for s in SOURCES],
            "-ts",
            str(copy),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    new = [(c, s) for c, s, t in messages(copy) if t.get("type") == "unfinished"]
    assert new == [], "run scripts/i18n and translate these"


def test_system_language_and_setting(qapp: QApplication) -> None:
    assert resolve_language("de") == "de"
    assert (
        resolve_language("system", QLocale(QLocale.Language.German, QLocale.Country.Austria))
        == "de"
    )
    assert resolve_language("system", QLocale(QLocale.Language.French)) == "en"
    assert resolve_language("xx") == "en"


def test_switching_language_in_settings_takes_effect(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    compile_translation(TS_FILE, tmp_path / "ctidesk_de.qm")
    window = TeamWindow(dial=lambda _n: None, submit=lambda _l, c: c.close())
    qtbot.addWidget(window)
    header = window.table.horizontalHeaderItem(0)
    assert window.windowTitle() == "Team" and header is not None and header.text() == "Extension"
    translations = Translations(qapp, tmp_path)
    settings = Settings()
    try:
        settings.general.language = "de"
        translations.on_settings_changed(settings)
        assert translations.language == "de"
        qtbot.waitUntil(lambda: window.call_button.text() == "Anrufen")
        header = window.table.horizontalHeaderItem(0)
        assert header is not None and header.text() == "Durchwahl"
        assert window.filter_edit.placeholderText() == "Nach Name oder Durchwahl filtern"
        settings.general.language = "en"
        translations.on_settings_changed(settings)
        qtbot.waitUntil(lambda: window.call_button.text() == "Call")
    finally:
        translations.apply("en")


def test_missing_qm_falls_back_to_english(qapp: QApplication, tmp_path: Path) -> None:
    translations = Translations(qapp, tmp_path / "nothing-here")
    assert translations.apply("de") == "en"


def test_the_shown_language_sets_the_locale_for_dates(qapp: QApplication, tmp_path: Path) -> None:
    """Issue 14, finding 8: dates follow the UI language; the desktop's own locale when it
    speaks that language (Austrian formats for de_AT), else the language's main locale."""
    compile_translation(TS_FILE, tmp_path / "ctidesk_de.qm")
    translations = Translations(qapp, tmp_path)
    austria = QLocale(QLocale.Language.German, QLocale.Country.Austria)
    assert translations.apply("system", austria) == "de"
    assert QLocale().name() == "de_AT"
    assert translations.apply("de", QLocale(QLocale.Language.French)) == "de"
    assert QLocale().name() == "de_DE"
    assert translations.apply("en", austria) == "en"
    assert QLocale().language() == QLocale.Language.English
    missing = Translations(qapp, tmp_path / "nothing-here")
    assert missing.apply("de", austria) == "en"
    assert QLocale().language() == QLocale.Language.English
