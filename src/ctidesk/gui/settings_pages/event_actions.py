"""The Event actions page: web pages to open on call events (URL templates, never programs)."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QLabel, QPlainTextEdit

from ctidesk.gui.settings_pages.page import SettingsPage


class EventActionsPage(SettingsPage):
    section = "event_actions"

    def title(self) -> str:
        return self.tr("&Event actions")

    def build(self) -> None:
        explanation = QLabel(
            self.tr(
                "Open web pages on call events, e.g. a search in your CRM: one URL per line, "
                "starting with https://. Placeholders: {number}, {e164}, {name}, "
                "{zammad_user_id}; their values are URL-encoded. Nothing is ever run as a program."
            )
        )
        explanation.setWordWrap(True)
        self.form.addRow(explanation)
        events = (
            ("ringing", self.tr("When a call &rings")),
            ("answered", self.tr("When a call is &answered")),
            ("ended", self.tr("When a call &ends")),
            ("missed", self.tr("When a call is &missed")),
        )
        for key, label in events:
            edit = QPlainTextEdit("\n".join(self.stored(key)))
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText("https://crm.example.com/search?phone={e164}")
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
            self.add(label, key, edit, partial(_template_lines, edit))
            edit.textChanged.connect(lambda: self.edited.emit(self.section))
        self.choice(
            self.tr("Open the Zammad &customer"),
            "open_customer_on",
            [
                ("never", self.tr("never")),
                ("ringing", self.tr("when the call rings")),
                ("answered", self.tr("when the call is answered")),
            ],
        )

    def model_problem(self, message: str) -> str:
        return self.tr("this URL cannot be used: %1").replace("%1", message)


def _template_lines(edit: QPlainTextEdit) -> list[str]:
    """One URL template per non-empty line."""
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]
