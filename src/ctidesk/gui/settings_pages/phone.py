"""The Phone page: the desk phone's address and password, its test, and the Action URLs."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ctidesk.clients.grandstream import EVENT_FIELD_NAMES
from ctidesk.config.secrets import SecretName
from ctidesk.config.settings import PhoneModel, Settings
from ctidesk.gui.settings_pages.addresses import bare_host, host_problem
from ctidesk.gui.settings_pages.page import ActionUrls, SecretValues, SectionData, SettingsPage


class PhonePage(SettingsPage):
    section = "phone"

    def title(self) -> str:
        return self.tr("&Phone")

    def build(self) -> None:
        self.check(self.tr("Use the desk phone"), "enabled")
        self.address = self.line(
            self.tr("&Address"),
            "address",
            self.tr("host name or address of the phone, optionally :port"),
        )
        models = [
            (
                m.value,
                m.value.upper() if m is not PhoneModel.AUTO else self.tr("Detect automatically"),
            )
            for m in PhoneModel
        ]
        self.choice(self.tr("&Model"), "model", models)
        self.choice(self.tr("Sche&me"), "scheme", [("http", "HTTP"), ("https", "HTTPS")])
        self.line(self.tr("&User"), "username")
        self.secret(
            self.tr("Pass&code"),
            SecretName.PHONE_PASSCODE,
            self.tr("the phone's admin or user password"),
        )
        self.test_button("phone", self.tr("&Test connection"))
        self.action_url_box = QWidget()
        self.action_url_box.setAccessibleName(self.tr("Action URLs to paste into the phone"))
        self.action_url_box.setToolTip(self.tr("Open only on this PC's address towards the phone"))
        self.action_url_rows = QFormLayout(self.action_url_box)
        self.form.addRow(QLabel(self.tr("Action URLs (paste into the phone's Action URL page):")))
        self.form.addRow(self.action_url_box)

    def problems(self, data: SectionData) -> dict[str, str]:
        address = data["address"]
        problem = host_problem(address)
        if data["enabled"] and not bare_host(address):
            problem = self.tr("enter the phone's address, or switch the phone off")
        return {"address": problem} if problem else {}

    def show_action_urls(
        self, action_urls: ActionUrls | None, settings: Settings, secrets: SecretValues
    ) -> None:
        rows = self.action_url_rows
        while rows.rowCount():
            rows.removeRow(0)
        if action_urls is None:
            rows.addRow(QLabel(self.tr("Shown once the phone listener is available.")))
            return
        try:
            urls = action_urls(settings, secrets)
        except Exception as exc:
            rows.addRow(QLabel(self.tr("Cannot build the Action URLs: %1").replace("%1", str(exc))))
            return
        add_action_url_rows(rows, urls)


def add_action_url_rows(form: QFormLayout, urls: Iterable[tuple[str, str]]) -> None:
    """One row per Action URL, under the name of the phone's web-page field, read-only with a
    Copy button (Settings and the first-run setup show the same list)."""
    for event, url in urls:
        name = EVENT_FIELD_NAMES.get(event, event)
        edit = QLineEdit(url)
        edit.setReadOnly(True)
        edit.setCursorPosition(0)
        edit.setObjectName(event)
        edit.setAccessibleName(
            QCoreApplication.translate("SettingsDialog", "Action URL for %1").replace("%1", name)
        )
        copy = QPushButton(QCoreApplication.translate("SettingsDialog", "Copy"))
        copy.setAccessibleName(
            QCoreApplication.translate("SettingsDialog", "Copy the Action URL for %1").replace(
                "%1", name
            )
        )
        copy.clicked.connect(lambda _=False, text=url: _copy(text))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(edit, 1)
        line.addWidget(copy)
        form.addRow(name, row)


def _copy(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)
