"""The Pop-up page: when the caller card shows, where, and how long it stays."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox

from ctidesk.gui.settings_pages.page import SettingsPage


class PopupPage(SettingsPage):
    section = "popup"

    def title(self) -> str:
        return self.tr("P&op-up")

    def build(self) -> None:
        self.check(self.tr("Show the caller pop-up"), "enabled")
        self.check(self.tr("Also for outgoing calls"), "show_outbound")
        self.choice(
            self.tr("&Close the pop-up"),
            "close_when",
            [
                ("ended", self.tr("when the call ends")),
                ("answered_elsewhere", self.tr("when the call is picked up elsewhere or ends")),
                ("dismissed", self.tr("only when I dismiss it")),
            ],
        )
        self.choice(
            self.tr("&Position"),
            "position",
            [
                ("tray", self.tr("next to the tray")),
                ("top_right", self.tr("top right")),
                ("bottom_right", self.tr("bottom right")),
            ],
        )
        after_call = QSpinBox()
        after_call.setRange(0, 3600)
        after_call.setSuffix(self.tr(" s"))
        after_call.setSpecialValueText(self.tr("until I press Done"))
        after_call.setValue(self.stored("after_call_seconds"))
        self.add(
            self.tr("&Keep the card after a call"),
            "after_call_seconds",
            after_call,
            after_call.value,
            self.tr("for notes and a ticket after an answered call; typing starts the time again"),
        )
