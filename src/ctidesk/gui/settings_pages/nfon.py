"""The NFON page: Login with NFON, the K-Account and extension, and the optional CTI API."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ctidesk.config.secrets import SecretName, SecretStore
from ctidesk.config.settings import Settings
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.settings_pages.page import SectionData, SettingsPage


class NfonPage(SettingsPage):
    section = "nfon"

    def __init__(
        self,
        original: Settings,
        secrets: SecretStore,
        testable: Collection[str],
        bridge: DesktopBridge,
    ) -> None:
        super().__init__(original, secrets, testable)
        self._bridge = bridge
        bridge.status_changed.connect(self.show_account)  # its own slot: Qt drops it with us
        self.show_account()

    def title(self) -> str:
        return self.tr("&NFON")

    def _k_account(self) -> str:
        return self.tr("K-Account looks like K1234")

    def build(self) -> None:
        self.check(self.tr("Use NFON"), "enabled")
        self.account_label = QLabel()
        self.account_label.setAccessibleName(self.tr("NFON account"))
        self.sign_button = QPushButton()
        self.sign_button.setAccessibleName(self.tr("Sign in or out of NFON"))
        self.sign_button.clicked.connect(self._sign)
        account_row = QWidget()
        line = QHBoxLayout(account_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.account_label, 1)
        line.addWidget(self.sign_button)
        self.form.addRow(self.tr("Account"), account_row)
        self.line(self.tr("&K-Account"), "customer", self._k_account())
        self.line(self.tr("&Extension"), "extension")
        self.check(self.tr("Use the CTI API"), "cti_enabled")
        warning = QLabel(
            self.tr(
                "Warning: CTI API credentials see the calls of the whole company. Only use them "
                "on trusted machines; Login with NFON is enough for your own call history."
            )
        )
        warning.setWordWrap(True)
        warning.setAccessibleName(self.tr("Warning about CTI API credentials"))
        self.form.addRow(warning)
        self.line(self.tr("CTI &user"), "cti_username")
        self.secret(
            self.tr("CTI pass&word"),
            SecretName.NFON_CTI_PASSWORD,
            self.tr("the CTI API password"),
        )

    def problems(self, data: SectionData) -> dict[str, str]:
        customer = data["customer"]
        if customer and not (customer[:1].upper() == "K" and customer[1:].isdigit()):
            return {"customer": self._k_account()}
        return {}

    def show_account(self) -> None:
        status = self._bridge.status
        if not self._bridge.has_account:
            self.account_label.setText(self.tr("NFON sign-in is not available in this build."))
            self.sign_button.setText(self.tr("Sign in"))
            self.sign_button.setEnabled(False)
            return
        self.sign_button.setEnabled(True)
        if status.nfon_signed_in:
            self.account_label.setText(
                self.tr("Signed in as %1").replace("%1", status.nfon_account)
            )
            self.sign_button.setText(self.tr("Sign &out"))
        else:
            self.account_label.setText(self.tr("Not signed in"))
            self.sign_button.setText(self.tr("Sign &in with NFON"))

    def _sign(self) -> None:
        if self._bridge.status.nfon_signed_in:
            self._bridge.sign_out()
        else:
            self._bridge.sign_in()
