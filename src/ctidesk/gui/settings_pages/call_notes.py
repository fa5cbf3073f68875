"""The After-call notes page: whether ctidesk writes each call as an internal note on the ticket
the agent chose, and what the note holds. Off until the agent turns it on."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QSpinBox

from ctidesk.gui.settings_pages.page import SettingsPage


class CallNotesPage(SettingsPage):
    section = "call_notes"

    def title(self) -> str:
        return self.tr("After-call no&tes")

    def build(self) -> None:
        explanation = QLabel(
            self.tr(
                "After a call, ctidesk can write an internal phone note on the Zammad ticket you "
                "pick on the after-call card: times, the customer, your notes and, where your "
                "NFON tenant has them, NFON's summary and transcript."
            )
        )
        explanation.setWordWrap(True)
        self.form.addRow(explanation)
        self.check(self.tr("Write a note on the ticket after each call"), "enabled")
        self.check(
            self.tr("Always use the ticket I opened during the call, without asking"),
            "always_opened_ticket",
        )
        wait = QSpinBox()
        wait.setRange(0, 86400)
        wait.setSuffix(self.tr(" s"))
        wait.setSpecialValueText(self.tr("do not wait"))
        wait.setValue(self.stored("wait_for_summary_seconds"))
        self.add(
            self.tr("&Wait for NFON's summary"),
            "wait_for_summary_seconds",
            wait,
            wait.value,
            self.tr("then the note is written without it and completed when it comes"),
        )
        self.choice(
            self.tr("A &summary that comes later"),
            "completion",
            [
                ("follow_up", self.tr("is written as a follow-up note")),
                ("replace", self.tr("replaces the first note")),
            ],
        )
        self.choice(
            self.tr("NFON's t&ranscript"),
            "transcript",
            [
                ("collapsed", self.tr("folded at the end of the note")),
                ("attached", self.tr("attached as a text file")),
                ("off", self.tr("left out")),
            ],
        )
        give_up = QDoubleSpinBox()
        give_up.setRange(0.1, 720.0)
        give_up.setDecimals(1)
        give_up.setSuffix(self.tr(" h"))
        give_up.setValue(self.stored("give_up_after_hours"))
        self.add(
            self.tr("&Give up on a note after"),
            "give_up_after_hours",
            give_up,
            give_up.value,
            self.tr("while Zammad cannot be reached, a note waits at most this long"),
        )
