"""The settings dialog: every field validated with a message next to it, nothing applied until
Save, secrets only ever written (the keyring keeps them; the dialog never shows them back).

It is non-modal. "Test connection" runs on the loop through the bridge with the values as typed,
so the agent can try before saving; a result disappears as soon as a field it tested changes.
Closing with unsaved changes asks whether to save them. The sections are a list on the left
(`SectionPages`), one page each from `ctidesk.gui.settings_pages`, so all of them show at the
default size. When a saved language takes effect, the dialog builds its pages again from the
saved settings, so it shows the new language at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ctidesk.config.desktop_integration import DesktopIntegrationError
from ctidesk.config.logs import Redactor
from ctidesk.config.secrets import SecretName, SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import Settings, save_settings
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.section_pages import SectionPages
from ctidesk.gui.settings_pages.call_notes import CallNotesPage
from ctidesk.gui.settings_pages.dialing import DialingPage
from ctidesk.gui.settings_pages.event_actions import EventActionsPage
from ctidesk.gui.settings_pages.general import GeneralPage
from ctidesk.gui.settings_pages.hotkeys import HotkeyPage
from ctidesk.gui.settings_pages.nfon import NfonPage
from ctidesk.gui.settings_pages.page import (
    SECRET_SECTIONS,
    ActionUrls,
    ConnectionTest,
    Field,
    SecretField,
    SecretValues,
    SettingsPage,
)
from ctidesk.gui.settings_pages.phone import PhonePage
from ctidesk.gui.settings_pages.popup import PopupPage
from ctidesk.gui.settings_pages.ringtones import RingtonesPage
from ctidesk.gui.settings_pages.zammad import ZammadPage

__all__ = ["ActionUrls", "ConnectionTest", "SecretValues", "SettingsDialog", "StartAtLogin"]

log = logging.getLogger(__name__)

StartAtLogin = Callable[[bool], None]
_VALUE_ERROR = "Value error, "
PAGES: tuple[type[SettingsPage], ...] = (
    PhonePage,
    ZammadPage,
    NfonPage,
    DialingPage,
    PopupPage,
    CallNotesPage,
    EventActionsPage,
    RingtonesPage,
    HotkeyPage,
    GeneralPage,
)
"""The pages in the order of the list on the left."""
_P = TypeVar("_P", bound=SettingsPage)


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
        self.pages: list[SettingsPage] = []
        self._test_runs: dict[str, int] = {}
        self._closing_unasked = False
        self.unsaved_prompt: QMessageBox | None = None
        self._summary: Callable[[], str] = str
        self._rebuild_pending = False
        self._tests: set[asyncio.Task[Any]] = set()
        self.tabs = SectionPages()
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
        self.finished.connect(self._stop_tests)
        self._retranslate_frame()
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
        self._build()
        self.tabs.setCurrentIndex(max(0, current))
        self._retranslate_frame()
        self.refresh_action_urls()

    # building -------------------------------------------------------------------------------

    def _build(self) -> None:
        """One page per section, from the settings as last saved."""
        testable = set(self._testers)
        self.pages = []
        for page_type in PAGES:
            if page_type is NfonPage:
                page: SettingsPage = NfonPage(self._original, self._secrets, testable, self._bridge)
            else:
                page = page_type(self._original, self._secrets, testable)
            page.edited.connect(self._edited)
            page.test_requested.connect(self.run_test)
            self.tabs.addTab(page, page.title())
            self.pages.append(page)
        self._phone = self._page(PhonePage)
        self.phone_address = self._phone.address
        self.action_url_box = self._phone.action_url_box
        self.zammad_url = self._page(ZammadPage).url
        self.sound_edits = self._page(RingtonesPage).sound_edits
        self.hotkey_edit = self._page(HotkeyPage).hotkey_edit
        nfon = self._page(NfonPage)
        self.account_label, self.sign_button = nfon.account_label, nfon.sign_button
        self.test_results = {k: v for p in self.pages for k, v in p.test_results.items()}
        buttons = {k: v for p in self.pages for k, v in p.test_buttons.items()}
        self.phone_test_button, self.zammad_test_button = buttons["phone"], buttons["zammad"]

    def _page(self, page_type: type[_P]) -> _P:
        return next(page for page in self.pages if isinstance(page, page_type))

    @property
    def _fields(self) -> list[Field]:
        return [field for page in self.pages for field in page.fields]

    @property
    def _secret_fields(self) -> dict[SecretName, SecretField]:
        return {name: field for page in self.pages for name, field in page.secret_fields.items()}

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
        for page in self.pages:
            section = page.section
            section_model = Settings.model_fields[section].annotation
            assert isinstance(section_model, type) and issubclass(section_model, BaseModel)
            try:
                section_model.model_validate(data[section])
            except ValidationError as exc:
                for error in exc.errors():
                    if error["loc"]:
                        message = _sentence(str(error["msg"]).removeprefix(_VALUE_ERROR))
                        field = (section, str(error["loc"][0]))
                        problems.setdefault(field, page.model_problem(message))
            for key, message in page.problems(data[section]).items():
                problems.setdefault((section, key), message)
        return problems

    def _check_secrets(self) -> bool:
        ok = True
        for page in self.pages:
            for name, field in page.secret_fields.items():
                message = page.secret_problem(name, field.edit.text())
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
        for page in self.pages:
            for name, field in page.secret_fields.items():
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
                field.edit.setPlaceholderText(page.secret_placeholder(field.stored))

    def _show_first_problem(self) -> None:
        for index, page in enumerate(self.pages):
            for field in page.fields:
                if field.error.text():
                    self.tabs.setCurrentIndex(index)
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
        self._phone.show_action_urls(self._action_urls, self._original, self.secret_values())


def _sentence(message: str) -> str:
    return message[:1].lower() + message[1:] if message else message
