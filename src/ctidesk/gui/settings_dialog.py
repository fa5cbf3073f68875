"""The settings dialog: every field validated with a message next to it, nothing applied until
Save, secrets only ever written (the keyring keeps them; the dialog never shows them back).

It is non-modal. "Test connection" runs on the loop through the bridge with the values as typed,
so the agent can try before saving; a result disappears as soon as a field it tested changes.
Closing with unsaved changes asks whether to save them. The sections are a list on the left
(`SectionPages`), so all of them show at the default size. When a saved language takes effect,
the dialog builds its pages again from the saved settings, so it shows the new language at once.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import phonenumbers
from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ctidesk.clients.grandstream import EVENT_FIELD_NAMES
from ctidesk.config.desktop_integration import DesktopIntegrationError
from ctidesk.config.logs import Redactor
from ctidesk.config.secrets import SecretName, SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import PhoneModel, Settings, save_settings
from ctidesk.core.ringtones import RingtoneError, scaled_wav
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.section_pages import SectionPages

log = logging.getLogger(__name__)

SecretValues = dict[SecretName, str | None]
ConnectionTest = Callable[[Settings, SecretValues], Awaitable[str]]
"""Tries a system with unsaved values; returns a short success sentence or raises."""
ActionUrls = Callable[[Settings, SecretValues], list[tuple[str, str]]]
"""The Action URL strings (event, URL) to paste into the phone for these settings."""
StartAtLogin = Callable[[bool], None]
MAX_SOUND_BYTES = 20 * 1024 * 1024
HOTKEY_KEYS = ("dial_selection", "answer", "hang_up", "focus_popup")
_VALUE_ERROR = "Value error, "
SECRET_SECTIONS = {
    SecretName.PHONE_PASSCODE: "phone",
    SecretName.ZAMMAD_CTI_URL: "zammad",
    SecretName.ZAMMAD_API_TOKEN: "zammad",
    SecretName.NFON_CTI_PASSWORD: "nfon",
}
"""The settings section whose "Test connection" a secret takes part in."""


@dataclass
class _Field:
    section: str
    key: str
    widget: QWidget
    read: Callable[[], Any]
    error: QLabel


@dataclass
class _SecretField:
    name: SecretName
    edit: QLineEdit
    forget: QCheckBox
    error: QLabel
    stored: bool


class SettingsDialog(QDialog):
    """See the module docstring. ``saved`` carries the new settings after a successful Save."""

    saved = Signal(object)

    def __init__(
        self,
        bridge: DesktopBridge,
        settings_path: Path,
        secrets: SecretStore,
        *,
        redactor: Redactor | None = None,
        testers: Mapping[str, ConnectionTest] | None = None,
        action_urls: ActionUrls | None = None,
        start_at_login: StartAtLogin | None = None,
    ) -> None:
        super().__init__(None)
        self.setModal(False)
        self._bridge = bridge
        self._path = settings_path
        self._secrets = secrets
        self._redactor = redactor
        self._testers = dict(testers or {})
        self._action_urls = action_urls
        self._start_at_login = start_at_login
        self._original = bridge.settings.model_copy(deep=True)
        self._fields: list[_Field] = []
        self._secret_fields: dict[SecretName, _SecretField] = {}
        self.test_results: dict[str, QLabel] = {}
        self._test_runs: dict[str, int] = {}
        self._closing_unasked = False
        self.unsaved_prompt: QMessageBox | None = None
        self._summary: Callable[[], str] = str
        self._rebuild_pending = False
        self._tests: set[asyncio.Task[Any]] = set()
        self.tabs = SectionPages()
        self._tab_index: dict[str, int] = {}
        self._build()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)
        self.resize(660, 560)
        bridge.status_changed.connect(self._show_account)  # its own slot: Qt drops it with us
        self.finished.connect(self._stop_tests)
        self._retranslate_frame()
        self._show_account()
        self.refresh_action_urls()

    def _retranslate_frame(self) -> None:
        """The texts outside the pages."""
        self.setWindowTitle(self.tr("ctidesk settings"))
        self.setAccessibleName(self.tr("ctidesk settings"))
        self.tabs.setAccessibleName(self.tr("Settings sections"))
        self.summary.setAccessibleName(self.tr("Save result"))
        self.save_button.setText(self.tr("&Save"))
        self.save_button.setAccessibleName(self.tr("Save settings"))
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close the settings"))
        self.summary.setText(self._summary())

    def _say(self, summary: Callable[[], str]) -> None:
        """Show a save result; kept as a function so a language change can say it again."""
        self._summary = summary
        self.summary.setText(summary())

    def changeEvent(self, event: QEvent) -> None:  # Qt API name
        if event.type() == QEvent.Type.LanguageChange and not self._rebuild_pending:
            self._rebuild_pending = True
            QTimer.singleShot(0, self, self._rebuild)
        super().changeEvent(event)

    def _rebuild(self) -> None:
        """Build the pages again in the new language, from the settings as last saved (a
        language only changes on Save, so nothing typed is lost)."""
        self._rebuild_pending = False
        current = self.tabs.currentIndex()
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is not None:
                page.deleteLater()
        self._fields = []
        self._secret_fields = {}
        self.test_results = {}
        self._tab_index = {}
        self._build()
        self.tabs.setCurrentIndex(max(0, current))
        self._retranslate_frame()
        self._show_account()
        self.refresh_action_urls()

    def _k_account(self) -> str:
        return self.tr("K-Account looks like K1234")

    # building -------------------------------------------------------------------------------

    def _page(self, title: str, section: str) -> QFormLayout:
        page = QWidget()
        page.setAccessibleName(self.tr("%1 settings").replace("%1", title.replace("&", "")))
        form = QFormLayout(page)
        self._tab_index[section] = self.tabs.addTab(page, title)
        return form

    def _add(
        self,
        form: QFormLayout,
        label: str,
        section: str,
        key: str,
        widget: QWidget,
        read: Callable[[], Any],
        help_text: str = "",
    ) -> None:
        widget.setAccessibleName(label.replace("&", ""))
        if help_text:
            widget.setToolTip(help_text)
            widget.setAccessibleDescription(help_text)
        error = QLabel()
        error.setAccessibleName(self.tr("Problem with %1").replace("%1", label.replace("&", "")))
        error.setWordWrap(True)
        error.setVisible(False)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(error)
        form.addRow(label, holder)
        label_points_at(form, holder, widget)
        self._fields.append(_Field(section, key, widget, read, error))
        for signal_name in (
            "textEdited",
            "toggled",
            "currentIndexChanged",
            "valueChanged",
            "keySequenceChanged",
        ):
            signal = getattr(widget, signal_name, None)
            if signal is not None:
                signal.connect(lambda *_: self._edited(section))

    def _line(
        self, form: QFormLayout, label: str, section: str, key: str, help_text: str = ""
    ) -> QLineEdit:
        edit = QLineEdit(str(getattr(getattr(self._original, section), key)))
        self._add(form, label, section, key, edit, lambda: edit.text().strip(), help_text)
        return edit

    def _check(self, form: QFormLayout, label: str, section: str, key: str) -> QCheckBox:
        box = QCheckBox()
        box.setChecked(bool(getattr(getattr(self._original, section), key)))
        self._add(form, label, section, key, box, box.isChecked)
        return box

    def _choice(
        self, form: QFormLayout, label: str, section: str, key: str, options: list[tuple[str, str]]
    ) -> QComboBox:
        combo = QComboBox()
        for value, text in options:
            combo.addItem(text, value)
        current = str(getattr(getattr(self._original, section), key))
        combo.setCurrentIndex(max(0, combo.findData(current)))
        self._add(form, label, section, key, combo, combo.currentData)
        return combo

    def _secret(self, form: QFormLayout, label: str, name: SecretName, help_text: str) -> QLineEdit:
        try:
            stored = bool(self._secrets.get(name))
        except SecretStoreUnavailable:
            stored = False
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setPlaceholderText(self._secret_placeholder(stored))
        edit.setAccessibleName(label.replace("&", ""))
        edit.setAccessibleDescription(help_text)
        edit.setToolTip(help_text)
        forget = QCheckBox(self.tr("Remove from the keyring"))
        forget.setAccessibleName(
            self.tr("Remove %1 from the keyring").replace("%1", label.replace("&", ""))
        )
        forget.setVisible(stored)
        error = QLabel()
        error.setAccessibleName(self.tr("Problem with %1").replace("%1", label.replace("&", "")))
        error.setVisible(False)
        error.setWordWrap(True)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(edit)
        column.addWidget(forget)
        column.addWidget(error)
        form.addRow(label, holder)
        label_points_at(form, holder, edit)
        edit.textEdited.connect(lambda *_: self._edited(SECRET_SECTIONS.get(name, "")))
        forget.toggled.connect(lambda *_: self._edited(SECRET_SECTIONS.get(name, "")))
        self._secret_fields[name] = _SecretField(name, edit, forget, error, stored)
        return edit

    def _secret_placeholder(self, stored: bool) -> str:
        return self.tr("stored in the keyring; type to replace") if stored else self.tr("not set")

    def _test_button(self, form: QFormLayout, system: str, label: str) -> None:
        button = QPushButton(label)
        button.setAccessibleName(label.replace("&", ""))
        result = QLabel()
        result.setAccessibleName(self.tr("Result of %1").replace("%1", label.replace("&", "")))
        result.setWordWrap(True)
        self.test_results[system] = result
        button.setEnabled(system in self._testers)
        if system not in self._testers:
            result.setText(self.tr("Not available in this build."))
        button.clicked.connect(lambda: self.run_test(system))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(button)
        line.addWidget(result, 1)
        form.addRow("", row)
        setattr(self, f"{system}_test_button", button)

    def _build(self) -> None:
        phone = self._page(self.tr("&Phone"), "phone")
        self._check(phone, self.tr("Use the desk phone"), "phone", "enabled")
        self.phone_address = self._line(
            phone,
            self.tr("&Address"),
            "phone",
            "address",
            self.tr("host name or address of the phone, optionally :port"),
        )
        self._choice(
            phone,
            self.tr("&Model"),
            "phone",
            "model",
            [
                (
                    m.value,
                    m.value.upper()
                    if m is not PhoneModel.AUTO
                    else self.tr("Detect automatically"),
                )
                for m in PhoneModel
            ],
        )
        self._choice(
            phone, self.tr("Sche&me"), "phone", "scheme", [("http", "HTTP"), ("https", "HTTPS")]
        )
        self._line(phone, self.tr("&User"), "phone", "username")
        self._secret(
            phone,
            self.tr("Pass&code"),
            SecretName.PHONE_PASSCODE,
            self.tr("the phone's admin or user password"),
        )
        self._test_button(phone, "phone", self.tr("&Test connection"))
        self.action_url_box = QWidget()
        self.action_url_box.setAccessibleName(self.tr("Action URLs to paste into the phone"))
        self.action_url_box.setToolTip(self.tr("Open only on this PC's address towards the phone"))
        self.action_url_rows = QFormLayout(self.action_url_box)
        phone.addRow(QLabel(self.tr("Action URLs (paste into the phone's Action URL page):")))
        phone.addRow(self.action_url_box)

        zammad = self._page(self.tr("&Zammad"), "zammad")
        self._check(zammad, self.tr("Use Zammad"), "zammad", "enabled")
        self.zammad_url = self._line(
            zammad, self.tr("&URL"), "zammad", "url", self.tr("e.g. https://helpdesk.example.com")
        )
        self._secret(
            zammad,
            self.tr("&CTI endpoint URL"),
            SecretName.ZAMMAD_CTI_URL,
            self.tr("Admin > Integrations > CTI (generic) > Endpoint; it contains a token"),
        )
        self._secret(
            zammad,
            self.tr("API &token"),
            SecretName.ZAMMAD_API_TOKEN,
            self.tr("Profile > Token Access (ticket.agent)"),
        )
        self._check(
            zammad, self.tr("Send calls to Zammad's caller log"), "zammad", "forward_events"
        )
        self._test_button(zammad, "zammad", self.tr("T&est connection"))

        nfon = self._page(self.tr("&NFON"), "nfon")
        self._check(nfon, self.tr("Use NFON"), "nfon", "enabled")
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
        nfon.addRow(self.tr("Account"), account_row)
        self._line(nfon, self.tr("&K-Account"), "nfon", "customer", self._k_account())
        self._line(nfon, self.tr("&Extension"), "nfon", "extension")
        self._check(nfon, self.tr("Use the CTI API"), "nfon", "cti_enabled")
        warning = QLabel(
            self.tr(
                "Warning: CTI API credentials see the calls of the whole company. Only use them "
                "on trusted machines; Login with NFON is enough for your own call history."
            )
        )
        warning.setWordWrap(True)
        warning.setAccessibleName(self.tr("Warning about CTI API credentials"))
        nfon.addRow(warning)
        self._line(nfon, self.tr("CTI &user"), "nfon", "cti_username")
        self._secret(
            nfon,
            self.tr("CTI pass&word"),
            SecretName.NFON_CTI_PASSWORD,
            self.tr("the CTI API password"),
        )

        dialing = self._page(self.tr("&Dialling"), "dialing")
        self._line(
            dialing,
            self.tr("Default &country"),
            "dialing",
            "default_region",
            self.tr("two letters, e.g. DE"),
        )
        self._line(
            dialing,
            self.tr("&Outside-line prefix"),
            "dialing",
            "outside_line_prefix",
            self.tr("e.g. 0"),
        )
        account = QSpinBox()
        account.setRange(1, 16)
        account.setValue(self._original.dialing.account)
        self._add(dialing, self.tr("Phone &account"), "dialing", "account", account, account.value)
        self._choice(
            dialing,
            self.tr("Dial &through"),
            "dialing",
            "via",
            [("phone", self.tr("the desk phone")), ("nfon_cti", self.tr("NFON CTI (originate)"))],
        )
        self._check(
            dialing, self.tr("Ask before dialling odd numbers"), "dialing", "confirm_odd_numbers"
        )

        popup = self._page(self.tr("P&op-up"), "popup")
        self._check(popup, self.tr("Show the caller pop-up"), "popup", "enabled")
        self._check(popup, self.tr("Also for outgoing calls"), "popup", "show_outbound")
        self._choice(
            popup,
            self.tr("&Close the pop-up"),
            "popup",
            "close_when",
            [
                ("ended", self.tr("when the call ends")),
                ("answered_elsewhere", self.tr("when the call is picked up elsewhere or ends")),
                ("dismissed", self.tr("only when I dismiss it")),
            ],
        )
        self._choice(
            popup,
            self.tr("&Position"),
            "popup",
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
        after_call.setValue(self._original.popup.after_call_seconds)
        self._add(
            popup,
            self.tr("&Keep the card after a call"),
            "popup",
            "after_call_seconds",
            after_call,
            after_call.value,
            self.tr("for notes and a ticket after an answered call; typing starts the time again"),
        )

        self._build_event_actions()
        self._build_ringtones()

        hotkey = self._page(self.tr("&Hotkey"), "hotkey")
        self._check(hotkey, self.tr("Use global hotkeys"), "hotkey", "enabled")
        self.hotkey_edit = self._hotkey(
            hotkey,
            self.tr("D&ial the selection"),
            "dial_selection",
            self.tr("click and press the keys; avoid Ctrl+Alt (AltGr on many keyboards)"),
        )
        off_when_empty = self.tr("click and press the keys; empty switches it off")
        self._hotkey(hotkey, self.tr("&Answer the ringing call"), "answer", off_when_empty)
        self._hotkey(
            hotkey,
            self.tr("Hang &up"),
            "hang_up",
            self.tr("ends the active call, or rejects the ringing one; empty switches it off"),
        )
        self._hotkey(
            hotkey,
            self.tr("&Focus the pop-up"),
            "focus_popup",
            self.tr("Tab moves between its buttons, Esc gives the keyboard back; empty: off"),
        )

        general = self._page(self.tr("&General"), "general")
        self._choice(
            general,
            self.tr("&Language"),
            "general",
            "language",
            [("system", self.tr("as the system")), ("en", "English"), ("de", "Deutsch")],
        )
        language_note = QLabel(self.tr("A new language shows as soon as you save."))
        language_note.setWordWrap(True)
        general.addRow("", language_note)
        self._check(general, self.tr("Start at &login"), "general", "start_at_login")
        self._choice(
            general,
            self.tr("Log &detail"),
            "general",
            "log_level",
            [(v, v.title()) for v in ("DEBUG", "INFO", "WARNING", "ERROR")],
        )

    def _hotkey(self, form: QFormLayout, label: str, key: str, help_text: str) -> QKeySequenceEdit:
        """A global hotkey's field: one key combination, cleared with its clear button."""
        edit = QKeySequenceEdit(QKeySequence(str(getattr(self._original.hotkey, key))))
        edit.setMaximumSequenceLength(1)
        edit.setClearButtonEnabled(True)
        self._add(
            form,
            label,
            "hotkey",
            key,
            edit,
            lambda: edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText),
            help_text,
        )
        return edit

    def _build_event_actions(self) -> None:
        actions = self._page(self.tr("&Event actions"), "event_actions")
        explanation = QLabel(
            self.tr(
                "Open web pages on call events, e.g. a search in your CRM: one URL per line, "
                "starting with https://. Placeholders: {number}, {e164}, {name}, "
                "{zammad_user_id}; their values are URL-encoded. Nothing is ever run as a program."
            )
        )
        explanation.setWordWrap(True)
        actions.addRow(explanation)
        events = (
            ("ringing", self.tr("When a call &rings")),
            ("answered", self.tr("When a call is &answered")),
            ("ended", self.tr("When a call &ends")),
            ("missed", self.tr("When a call is &missed")),
        )
        for key, label in events:
            edit = QPlainTextEdit("\n".join(getattr(self._original.event_actions, key)))
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText("https://crm.example.com/search?phone={e164}")
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
            self._add(
                actions,
                label,
                "event_actions",
                key,
                edit,
                partial(_template_lines, edit),
            )
            edit.textChanged.connect(self.validate)
        self._choice(
            actions,
            self.tr("Open the Zammad &customer"),
            "event_actions",
            "open_customer_on",
            [
                ("never", self.tr("never")),
                ("ringing", self.tr("when the call rings")),
                ("answered", self.tr("when the call is answered")),
            ],
        )

    def _build_ringtones(self) -> None:
        ringtones = self._page(self.tr("&Ringtones"), "ringtones")
        explanation = QLabel(
            self.tr(
                "ctidesk can ring on this PC with a distinct tone for internal calls, external "
                "calls and known customers. The desk phone rings as set on the phone."
            )
        )
        explanation.setWordWrap(True)
        ringtones.addRow(explanation)
        self._check(ringtones, self.tr("Ring on this &PC"), "ringtones", "enabled")
        volume = QSpinBox()
        volume.setRange(0, 100)
        volume.setSuffix(" %")
        volume.setValue(round(self._original.ringtones.volume * 100))
        self._add(
            ringtones,
            self.tr("&Volume"),
            "ringtones",
            "volume",
            volume,
            lambda: volume.value() / 100,
        )
        self.sound_edits: dict[str, QLineEdit] = {}
        sounds = (
            ("internal_sound", self.tr("&Internal calls")),
            ("external_sound", self.tr("E&xternal calls")),
            ("customer_sound", self.tr("Known c&ustomers")),
        )
        for key, label in sounds:
            edit = QLineEdit(str(getattr(self._original.ringtones, key)))
            edit.setPlaceholderText(self.tr("built-in tone"))
            edit.setAccessibleName(label.replace("&", ""))
            choose = QPushButton(self.tr("Choose…"))
            choose.setAccessibleName(
                self.tr("Choose the sound file for %1").replace("%1", label.replace("&", ""))
            )
            choose.clicked.connect(lambda _=False, edit=edit: self._choose_sound(edit))
            row = QWidget()
            row.setFocusProxy(edit)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(edit, 1)
            line.addWidget(choose)
            self._add(
                ringtones,
                label,
                "ringtones",
                key,
                row,
                partial(_stripped_text, edit),
                self.tr("a 16-bit PCM WAV file; empty for the built-in tone"),
            )
            edit.textChanged.connect(lambda *_: self.validate())
            self.sound_edits[key] = edit

    def _choose_sound(self, edit: QLineEdit) -> None:
        current = edit.text().strip()
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a ringtone"),
            str(Path(current).parent) if current else "",
            self.tr("WAV files (*.wav)"),
        )
        if path:
            edit.setText(path)

    # reading and validating -----------------------------------------------------------------

    def secret_values(self) -> SecretValues:
        """Secrets as they would be after Save: typed ones win, removed ones are None."""
        values: SecretValues = {}
        for name, field in self._secret_fields.items():
            typed = field.edit.text()
            if typed:
                values[name] = typed
            elif field.forget.isChecked():
                values[name] = None
            else:
                try:
                    values[name] = self._secrets.get(name)
                except SecretStoreUnavailable:
                    values[name] = None
        return values

    def candidate(self) -> dict[str, Any]:
        data = self._original.model_dump(mode="json")
        for field in self._fields:
            data[field.section][field.key] = field.read()
        return data

    def validate(self) -> Settings | None:
        """Check every field and show the messages; returns the new settings when all are fine."""
        data = self.candidate()
        problems = self._problems(data)
        for field in self._fields:
            message = problems.get((field.section, field.key), "")
            field.error.setText(f"⚠ {message}" if message else "")
            field.error.setVisible(bool(message))
        secret_ok = self._check_secrets()
        if problems or not secret_ok:
            return None
        return Settings.model_validate(data)

    def _problems(self, data: dict[str, Any]) -> dict[tuple[str, str], str]:
        """(section, key) -> what is wrong with that field, for every field that is wrong."""
        problems: dict[tuple[str, str], str] = {}
        for name in Settings.model_fields:
            section_model = Settings.model_fields[name].annotation
            if not (isinstance(section_model, type) and issubclass(section_model, BaseModel)):
                continue
            try:
                section_model.model_validate(data[name])
            except ValidationError as exc:
                for error in exc.errors():
                    if error["loc"]:
                        message = _sentence(str(error["msg"]).removeprefix(_VALUE_ERROR))
                        if name == "event_actions":
                            message = self.tr("this URL cannot be used: %1").replace("%1", message)
                        problems.setdefault((name, str(error["loc"][0])), message)
        problems.update({k: v for k, v in self._extra_checks(data).items() if k not in problems})
        return problems

    def _extra_checks(self, data: dict[str, Any]) -> dict[tuple[str, str], str]:
        problems: dict[tuple[str, str], str] = {}
        address = data["phone"]["address"]
        if host_problem(address):
            problems[("phone", "address")] = host_problem(address)
        if data["phone"]["enabled"] and not _bare_host(address):
            problems[("phone", "address")] = self.tr(
                "enter the phone's address, or switch the phone off"
            )
        if url_problem(data["zammad"]["url"]):
            problems[("zammad", "url")] = url_problem(data["zammad"]["url"])
        customer = data["nfon"]["customer"]
        if customer and not (customer[:1].upper() == "K" and customer[1:].isdigit()):
            problems[("nfon", "customer")] = self._k_account()
        region = str(data["dialing"]["default_region"]).upper()
        if region and region not in phonenumbers.SUPPORTED_REGIONS:
            problems[("dialing", "default_region")] = self.tr(
                "use a two-letter country code such as DE or AT"
            )
        seen: dict[str, str] = {}
        for key in HOTKEY_KEYS:
            hotkey = str(data["hotkey"][key])
            hotkey_problem = _hotkey_problem(hotkey)
            if not hotkey_problem and hotkey in seen:
                hotkey_problem = self.tr("already used by another hotkey above; pick another")
            if hotkey_problem:
                problems[("hotkey", key)] = hotkey_problem
            elif hotkey:
                seen[hotkey] = key
        for key in ("internal_sound", "external_sound", "customer_sound"):
            sound_problem = self._sound_problem(str(data["ringtones"][key]))
            if sound_problem:
                problems[("ringtones", key)] = sound_problem
        return problems

    def _sound_problem(self, name: str) -> str:
        """An own ringtone must be a WAV file ctidesk can play (else the built-in tone rings)."""
        if not name:
            return ""
        path = Path(name).expanduser()
        try:
            if not path.is_file():
                return self.tr(
                    "there is no such file; choose a WAV file, or clear the field for the "
                    "built-in tone"
                )
            if path.stat().st_size > MAX_SOUND_BYTES:
                return self.tr("the file is too large for a ringtone; choose a shorter WAV file")
            scaled_wav(path.read_bytes(), 1.0)
        except OSError:
            return self.tr("the file cannot be read; check its permissions or choose another")
        except RingtoneError:
            return self.tr(
                "this is not a 16-bit PCM WAV file; convert it or choose another, or clear the "
                "field for the built-in tone"
            )
        return ""

    def _check_secrets(self) -> bool:
        ok = True
        for name, field in self._secret_fields.items():
            typed = field.edit.text()
            message = ""
            if typed and typed != typed.strip():
                message = self.tr("remove the spaces at the start or end")
            elif (
                typed
                and name is SecretName.ZAMMAD_CTI_URL
                and (not _valid_http_url(typed) or "/api/v1/cti/" not in typed)
            ):
                message = self.tr("paste the whole endpoint URL; it contains /api/v1/cti/")
            field.error.setText(f"⚠ {message}" if message else "")
            field.error.setVisible(bool(message))
            ok = ok and not message
        return ok

    def field_error(self, section: str, key: str) -> str:
        for field in self._fields:
            if (field.section, field.key) == (section, key):
                return field.error.text()
        raise KeyError(f"{section}.{key}")

    def secret_error(self, name: SecretName) -> str:
        return self._secret_fields[name].error.text()

    def field_widget(self, section: str, key: str) -> QWidget:
        for field in self._fields:
            if (field.section, field.key) == (section, key):
                return field.widget
        raise KeyError(f"{section}.{key}")

    def secret_edit(self, name: SecretName) -> QLineEdit:
        return self._secret_fields[name].edit

    def secret_forget(self, name: SecretName) -> QCheckBox:
        return self._secret_fields[name].forget

    # actions ---------------------------------------------------------------------------------

    def save(self) -> bool:
        settings = self.validate()
        if settings is None:
            self._say(lambda: self.tr("Not saved: fix the marked fields."))
            self._show_first_problem()
            return False
        try:
            self._store_secrets()
            save_settings(settings, self._path)
        except (OSError, SecretStoreUnavailable) as exc:
            reason = str(exc)
            self._say(lambda: self.tr("Not saved: %1").replace("%1", reason))
            return False
        if (
            self._start_at_login
            and settings.general.start_at_login != self._original.general.start_at_login
        ):
            try:
                self._start_at_login(settings.general.start_at_login)
            except DesktopIntegrationError as exc:
                reason = str(exc)
                self._say(lambda: self.tr("Saved, but start at login: %1").replace("%1", reason))
            else:
                self._say(lambda: self.tr("Saved."))
        else:
            self._say(lambda: self.tr("Saved."))
        self._original = settings.model_copy(deep=True)
        self._bridge.apply_settings(settings)
        self.saved.emit(settings)
        self.refresh_action_urls()
        return True

    def _store_secrets(self) -> None:
        for name, field in self._secret_fields.items():
            typed = field.edit.text()
            if typed:
                self._secrets.set(name, typed)
                if self._redactor is not None:
                    self._redactor.add(typed)
                field.stored = True
            elif field.forget.isChecked():
                self._secrets.delete(name)
                field.stored = False
            field.edit.clear()
            field.forget.setChecked(False)
            field.forget.setVisible(field.stored)
            field.edit.setPlaceholderText(self._secret_placeholder(field.stored))

    def _show_first_problem(self) -> None:
        for field in self._fields:
            if field.error.text():
                self.tabs.setCurrentIndex(self._tab_index[field.section])
                field.widget.setFocus()
                return

    def _edited(self, section: str) -> None:
        """A field changed: check it, and drop the test result that no longer matches it."""
        self.validate()
        if section in self.test_results:
            self._test_runs[section] = self._test_runs.get(section, 0) + 1
            if section in self._testers:
                self.test_results[section].setText("")

    def run_test(self, system: str) -> None:
        tester = self._testers.get(system)
        result = self.test_results[system]
        if tester is None:
            return
        data = self.candidate()
        self.validate()
        section_problem = any(section == system for section, _key in self._problems(data))
        secret_problem = any(
            field.error.text() and SECRET_SECTIONS.get(name) == system
            for name, field in self._secret_fields.items()
        )
        try:
            settings = Settings.model_validate(data)
        except ValidationError:
            section_problem = True
        if section_problem or secret_problem:
            result.setText(self.tr("Fix the marked fields first."))
            return
        run = self._test_runs.get(system, 0) + 1
        self._test_runs[system] = run
        result.setText(self.tr("Testing…"))
        test = self._bridge.submit(
            self.tr("Testing %1").replace("%1", system),
            self._run_test(tester, settings, system, run),
        )
        self._tests.add(test)
        test.add_done_callback(self._tests.discard)

    def _stop_tests(self) -> None:
        """A test still running when the dialog closes (and is deleted) would write its result
        into a deleted label, and the agent would read that error instead."""
        for test in list(self._tests):
            test.cancel()

    async def _run_test(
        self, tester: ConnectionTest, settings: Settings, system: str, run: int
    ) -> None:
        try:
            message = await tester(settings, self.secret_values())
        except Exception as exc:
            log.info("connection test failed: %s", exc)
            outcome = f"✗ {exc}"
        else:
            outcome = f"✓ {message}"
        if self._test_runs.get(system) == run and system in self.test_results:
            self.test_results[system].setText(outcome)

    # closing ----------------------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        if self.candidate() != self._original.model_dump(mode="json"):
            return True
        return any(f.edit.text() or f.forget.isChecked() for f in self._secret_fields.values())

    def close_without_asking(self) -> None:
        """Close and drop unsaved changes (ctidesk is quitting)."""
        self._closing_unasked = True
        self.close()

    def reject(self) -> None:  # Qt API name: Escape, Close and the title bar's close end here
        if self._may_close():
            super().reject()

    def _may_close(self) -> bool:
        """Unsaved changes: Save, Discard or Cancel (Cancel keeps the dialog open)."""
        if self._closing_unasked or not self.isVisible() or not self.has_unsaved_changes():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("ctidesk settings"),
            self.tr("Save the changed settings before closing?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setAccessibleName(self.tr("Unsaved settings"))
        for button, text in (
            (QMessageBox.StandardButton.Save, self.tr("&Save")),
            (QMessageBox.StandardButton.Discard, self.tr("&Discard")),
        ):  # Qt's own texts have no key to press on Linux
            box.button(button).setText(text)
        self.unsaved_prompt = box
        try:
            answer = box.exec()
        finally:
            self.unsaved_prompt = None
            box.deleteLater()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def set_action_urls(self, action_urls: ActionUrls | None) -> None:
        """The listener came up (again, after a reconnect): show its URLs."""
        self._action_urls = action_urls
        self.refresh_action_urls()

    def refresh_action_urls(self) -> None:
        while self.action_url_rows.rowCount():
            self.action_url_rows.removeRow(0)
        if self._action_urls is None:
            self.action_url_rows.addRow(
                QLabel(self.tr("Shown once the phone listener is available."))
            )
            return
        try:
            urls = self._action_urls(self._original, self.secret_values())
        except Exception as exc:
            self.action_url_rows.addRow(
                QLabel(self.tr("Cannot build the Action URLs: %1").replace("%1", str(exc)))
            )
            return
        add_action_url_rows(self.action_url_rows, urls)

    def _show_account(self) -> None:
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


def label_points_at(form: QFormLayout, holder: QWidget, field: QWidget) -> None:
    """The row's label focuses the field itself with Alt and its letter (QFormLayout points it
    at the holder, which takes no focus)."""
    label = form.labelForField(holder)
    if isinstance(label, QLabel):
        label.setBuddy(field.focusProxy() or field)


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


def _template_lines(edit: QPlainTextEdit) -> list[str]:
    """One URL template per non-empty line."""
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


def _stripped_text(edit: QLineEdit) -> str:
    return edit.text().strip()


def _sentence(message: str) -> str:
    return message[:1].lower() + message[1:] if message else message


def _valid_host(address: str) -> bool:
    if any(ch.isspace() for ch in address) or "/" in address:
        return False
    try:
        parts = urlsplit("//" + address)
        port = parts.port
    except ValueError:
        return False
    return bool(parts.hostname) and (port is None or 0 < port < 65536)


def _bare_host(address: str) -> str:
    """The address without the scheme and trailing slash the settings accept and drop."""
    address = address.strip()
    for prefix in ("http://", "https://"):
        if address.lower().startswith(prefix):
            address = address[len(prefix) :]
    return address.rstrip("/")


def host_problem(address: str) -> str:
    """What is wrong with a phone address as typed, as a sentence; empty when it can be used."""
    address = _bare_host(address)
    if not address:
        return ""
    if not _valid_host(address):
        return QCoreApplication.translate(
            "SettingsDialog", "enter a host name or address, optionally with :port"
        )
    return dotted_quad_problem(urlsplit("//" + address).hostname or "")


def url_problem(url: str) -> str:
    """What is wrong with a Zammad address as typed, as a sentence; empty when it can be used."""
    if not url:
        return ""
    if not _valid_http_url(url):
        return QCoreApplication.translate(
            "SettingsDialog", "enter the full address, starting with https://"
        )
    return dotted_quad_problem(urlsplit(url).hostname or "")


def dotted_quad_problem(host: str) -> str:
    """A host of digits and dots is meant as an IPv4 address: four numbers from 0 to 255. Said
    while typing, before any request (httpx would only say "Invalid IPv4 address")."""
    parts = host.split(".")
    if not host or not all(part.isdigit() for part in parts):
        return ""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        translate = QCoreApplication.translate
        too_large = [part for part in parts if int(part) > 255]
        if too_large and len(parts) == 4:
            return (
                translate(
                    "SettingsDialog",
                    "%1 is not a valid IPv4 address: %2 is larger than 255 (each of the four "
                    "numbers must be 0 to 255)",
                )
                .replace("%1", host)
                .replace("%2", too_large[0])
            )
        return translate(
            "SettingsDialog",
            "%1 is not a valid IPv4 address: it needs four numbers from 0 to 255, separated by "
            "dots",
        ).replace("%1", host)
    return ""


def _valid_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


def _hotkey_problem(text: str) -> str:
    """What is wrong with a recorded hotkey; empty (switched off) is fine."""
    translate = QCoreApplication.translate
    if not text:
        return ""
    sequence = QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)
    if sequence.isEmpty() or sequence.count() != 1:
        return translate("SettingsDialog", "record one key combination")
    combination = cast(Any, sequence)[0]
    modifiers = combination.keyboardModifiers()
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    if modifiers & ctrl_alt == ctrl_alt:
        return translate(
            "SettingsDialog",
            "Ctrl+Alt types characters on many keyboards (AltGr); pick another combination",
        )
    if not modifiers & ~Qt.KeyboardModifier.KeypadModifier:
        return translate(
            "SettingsDialog", "add Ctrl, Alt, Shift or Meta, or the key cannot be typed any more"
        )
    return ""
