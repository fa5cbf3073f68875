"""Languages: installs ctidesk's and Qt's own translations for English or German.

``settings.general.language`` is "system" (the desktop's language when ctidesk has it, else
English), "en" or "de". The `.qm` files are compiled from ``resources/i18n/*.ts`` at build time
(``scripts/i18n``); a checkout without them runs in English and says so in the log. Installing or
removing a translator makes Qt send every widget a LanguageChange event; ctidesk's windows then
set their texts again, so switching in the settings takes effect without a restart. The shown
language's `QLocale` becomes the default, so dates and country names follow it too.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ctidesk.config.settings import Settings

log = logging.getLogger(__name__)

SUPPORTED = ("en", "de")
SOURCE_LANGUAGE = "en"


def qm_directory() -> Path:
    """Where the compiled translations are bundled inside the package."""
    return Path(__file__).resolve().parent.parent / "resources" / "i18n"


def resolve_language(setting: str, system: QLocale | None = None) -> str:
    """The language to show for a setting value; unknown values and languages give English."""
    if setting in SUPPORTED:
        return setting
    if setting == "system":
        locale = system or QLocale.system()
        for name in [locale.name(), *locale.uiLanguages()]:
            code = name.replace("-", "_").split("_")[0].lower()
            if code in SUPPORTED:
                return code
    return SOURCE_LANGUAGE


def ui_locale(language: str, system: QLocale | None = None) -> QLocale:
    """The locale for dates in ``language``: the desktop's own when it speaks that language
    (its region's formats), else the language's main locale."""
    desktop = system or QLocale.system()
    wanted = QLocale(language)
    return desktop if desktop.language() == wanted.language() else wanted


class Translations:
    """Owns the installed translators of one application."""

    def __init__(self, app: QCoreApplication, directory: Path | None = None) -> None:
        self._app = app
        self._directory = directory or qm_directory()
        self._installed: list[QTranslator] = []
        self.language = SOURCE_LANGUAGE

    def apply(self, setting: str, system: QLocale | None = None) -> str:
        """Switch to the language of ``setting``; returns the language now shown."""
        wanted = resolve_language(setting, system)
        QLocale.setDefault(ui_locale(wanted, system))  # before the windows retranslate
        language = self._install(wanted)
        if language != wanted:
            QLocale.setDefault(ui_locale(language, system))
        return language

    def _install(self, wanted: str) -> str:
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed = []
        self.language = SOURCE_LANGUAGE
        if wanted == SOURCE_LANGUAGE:
            return self.language
        own = QTranslator(self._app)
        if not own.load(f"ctidesk_{wanted}", str(self._directory)):
            log.warning(
                "no %s translation in %s (run scripts/i18n); showing English",
                wanted,
                self._directory,
            )
            return self.language
        qt_base = QTranslator(self._app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_base.load(f"qtbase_{wanted}", qt_dir):
            self._app.installTranslator(qt_base)
            self._installed.append(qt_base)
        self._app.installTranslator(own)
        self._installed.append(own)
        self.language = wanted
        return self.language

    def on_settings_changed(self, settings: Settings) -> None:
        """Bridge `settings_changed` slot."""
        if resolve_language(settings.general.language) != self.language:
            self.apply(settings.general.language)
