"""The Dialling page: the country numbers are read in, the outside-line prefix, the route."""

from __future__ import annotations

import phonenumbers
from PySide6.QtWidgets import QSpinBox

from ctidesk.gui.settings_pages.page import SectionData, SettingsPage


class DialingPage(SettingsPage):
    section = "dialing"

    def title(self) -> str:
        return self.tr("&Dialling")

    def build(self) -> None:
        self.line(self.tr("Default &country"), "default_region", self.tr("two letters, e.g. DE"))
        self.line(self.tr("&Outside-line prefix"), "outside_line_prefix", self.tr("e.g. 0"))
        account = QSpinBox()
        account.setRange(1, 16)
        account.setValue(self.stored("account"))
        self.add(self.tr("Phone &account"), "account", account, account.value)
        self.choice(
            self.tr("Dial &through"),
            "via",
            [("phone", self.tr("the desk phone")), ("nfon_cti", self.tr("NFON CTI (originate)"))],
        )
        self.check(self.tr("Ask before dialling odd numbers"), "confirm_odd_numbers")

    def problems(self, data: SectionData) -> dict[str, str]:
        region = str(data["default_region"]).upper()
        if region and region not in phonenumbers.SUPPORTED_REGIONS:
            return {"default_region": self.tr("use a two-letter country code such as DE or AT")}
        return {}
