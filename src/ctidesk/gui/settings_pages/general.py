"""The General page: language, start at login, how much the log says."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from ctidesk.gui.settings_pages.page import SettingsPage


class GeneralPage(SettingsPage):
    section = "general"

    def title(self) -> str:
        return self.tr("&General")

    def build(self) -> None:
        self.choice(
            self.tr("&Language"),
            "language",
            [("system", self.tr("as the system")), ("en", "English"), ("de", "Deutsch")],
        )
        language_note = QLabel(self.tr("A new language shows as soon as you save."))
        language_note.setWordWrap(True)
        self.form.addRow("", language_note)
        self.check(self.tr("Start at &login"), "start_at_login")
        self.choice(
            self.tr("Log &detail"),
            "log_level",
            [(v, v.title()) for v in ("DEBUG", "INFO", "WARNING", "ERROR")],
        )
