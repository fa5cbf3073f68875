"""What every page of the settings dialog is made of: fields that read their value, show their
problem next to them and say when they change; password fields that are only ever written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ctidesk.config.secrets import SecretName, SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import Settings

SecretValues = dict[SecretName, str | None]
ConnectionTest = Callable[[Settings, SecretValues], Awaitable[str]]
"""Tries a system with unsaved values; returns a short success sentence or raises."""
ActionUrls = Callable[[Settings, SecretValues], list[tuple[str, str]]]
"""The Action URL strings (event, URL) to paste into the phone for these settings."""
SECRET_SECTIONS = {
    SecretName.PHONE_PASSCODE: "phone",
    SecretName.ZAMMAD_CTI_URL: "zammad",
    SecretName.ZAMMAD_API_TOKEN: "zammad",
    SecretName.NFON_CTI_PASSWORD: "nfon",
}
"""The settings section whose "Test connection" a secret takes part in."""

SectionData = dict[str, Any]
"""One section of the settings as the fields read it (``Settings.model_dump(mode="json")``)."""


@dataclass
class Field:
    section: str
    key: str
    widget: QWidget
    read: Callable[[], Any]
    error: QLabel


@dataclass
class SecretField:
    name: SecretName
    edit: QLineEdit
    forget: QCheckBox
    error: QLabel
    stored: bool


class SettingsPage(QWidget):
    """One section of the settings (`section`) as a form; subclasses add their rows in `build`.

    ``edited`` carries the section a changed field takes part in (for a password: the section of
    its "Test connection"); ``test_requested`` the system whose test button was pressed.
    """

    section = ""
    edited = Signal(str)
    test_requested = Signal(str)

    def __init__(
        self, original: Settings, secrets: SecretStore, testable: Collection[str] = ()
    ) -> None:
        super().__init__()
        self._original = original
        self._secrets = secrets
        self._testable = frozenset(testable)
        self.fields: list[Field] = []
        self.secret_fields: dict[SecretName, SecretField] = {}
        self.test_results: dict[str, QLabel] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.form = QFormLayout(self)
        self.build()
        self.setAccessibleName(self.tr("%1 settings").replace("%1", self.title().replace("&", "")))

    def title(self) -> str:
        """The page's name in the list of sections, with its access key."""
        raise NotImplementedError

    def build(self) -> None:
        raise NotImplementedError

    def problems(self, data: SectionData) -> dict[str, str]:
        """key -> what is wrong with that field beyond what the settings model checks."""
        return {}

    def model_problem(self, message: str) -> str:
        """The settings model's message about a field, as this page says it."""
        return message

    def secret_problem(self, name: SecretName, typed: str) -> str:
        """What is wrong with a typed password or token; empty when it can be stored."""
        if typed != typed.strip():
            return self.tr("remove the spaces at the start or end")
        return ""

    def stored(self, key: str) -> Any:
        """The saved value of a field of this page's section."""
        return getattr(getattr(self._original, self.section), key)

    # rows -------------------------------------------------------------------------------------

    def add(
        self, label: str, key: str, widget: QWidget, read: Callable[[], Any], help_text: str = ""
    ) -> None:
        widget.setAccessibleName(label.replace("&", ""))
        if help_text:
            widget.setToolTip(help_text)
            widget.setAccessibleDescription(help_text)
        error = self._error_label(label)
        self._row(label, widget, error)
        self.fields.append(Field(self.section, key, widget, read, error))
        for signal_name in (
            "textEdited",
            "toggled",
            "currentIndexChanged",
            "valueChanged",
            "keySequenceChanged",
        ):
            signal = getattr(widget, signal_name, None)
            if signal is not None:
                signal.connect(lambda *_: self.edited.emit(self.section))

    def line(self, label: str, key: str, help_text: str = "") -> QLineEdit:
        edit = QLineEdit(str(self.stored(key)))
        self.add(label, key, edit, lambda: edit.text().strip(), help_text)
        return edit

    def check(self, label: str, key: str) -> QCheckBox:
        box = QCheckBox()
        box.setChecked(bool(self.stored(key)))
        self.add(label, key, box, box.isChecked)
        return box

    def choice(self, label: str, key: str, options: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        for value, text in options:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(str(self.stored(key)))))
        self.add(label, key, combo, combo.currentData)
        return combo

    def hotkey(self, label: str, key: str, help_text: str) -> QKeySequenceEdit:
        """A global hotkey's field: one key combination, cleared with its clear button."""
        edit = QKeySequenceEdit(QKeySequence(str(self.stored(key))))
        edit.setMaximumSequenceLength(1)
        edit.setClearButtonEnabled(True)
        self.add(
            label,
            key,
            edit,
            lambda: edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText),
            help_text,
        )
        return edit

    def secret(self, label: str, name: SecretName, help_text: str) -> QLineEdit:
        try:
            stored = bool(self._secrets.get(name))
        except SecretStoreUnavailable:
            stored = False
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setPlaceholderText(self.secret_placeholder(stored))
        edit.setAccessibleName(label.replace("&", ""))
        edit.setAccessibleDescription(help_text)
        edit.setToolTip(help_text)
        forget = QCheckBox(self.tr("Remove from the keyring"))
        forget.setAccessibleName(
            self.tr("Remove %1 from the keyring").replace("%1", label.replace("&", ""))
        )
        forget.setVisible(stored)
        error = self._error_label(label)
        self._row(label, edit, forget, error)
        section = SECRET_SECTIONS.get(name, "")
        edit.textEdited.connect(lambda *_: self.edited.emit(section))
        forget.toggled.connect(lambda *_: self.edited.emit(section))
        self.secret_fields[name] = SecretField(name, edit, forget, error, stored)
        return edit

    def secret_placeholder(self, stored: bool) -> str:
        return self.tr("stored in the keyring; type to replace") if stored else self.tr("not set")

    def test_button(self, system: str, label: str) -> QPushButton:
        """A "Test connection" button with its result next to it."""
        available = system in self._testable
        button = QPushButton(label)
        button.setAccessibleName(label.replace("&", ""))
        result = QLabel()
        result.setAccessibleName(self.tr("Result of %1").replace("%1", label.replace("&", "")))
        result.setWordWrap(True)
        self.test_results[system] = result
        self.test_buttons[system] = button
        button.setEnabled(available)
        if not available:
            result.setText(self.tr("Not available in this build."))
        button.clicked.connect(lambda: self.test_requested.emit(system))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(button)
        line.addWidget(result, 1)
        self.form.addRow("", row)
        return button

    def _row(self, label: str, field: QWidget, *below: QWidget) -> None:
        """A labelled row: the field with what belongs to it (its error) below it."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (field, *below):
            column.addWidget(widget)
        self.form.addRow(label, holder)
        label_points_at(self.form, holder, field)

    def _error_label(self, label: str) -> QLabel:
        error = QLabel()
        error.setAccessibleName(self.tr("Problem with %1").replace("%1", label.replace("&", "")))
        error.setWordWrap(True)
        error.setVisible(False)
        return error


def label_points_at(form: QFormLayout, holder: QWidget, field: QWidget) -> None:
    """The row's label focuses the field itself with Alt and its letter (QFormLayout points it
    at the holder, which takes no focus)."""
    label = form.labelForField(holder)
    if isinstance(label, QLabel):
        label.setBuddy(field.focusProxy() or field)
