"""The first-run setup: the phone, its Action URLs, Zammad and NFON, one step each, every step
skippable.

The desktop shows it on a start with nothing set up (`ctidesk.gui.desktop.needs_first_run`;
never in the demo), and the tray's "Set up..." entry opens it at any time. It is non-modal: the
tray works while it is open.

Each step saves what it asked for when the agent goes on with Next, and the desktop reconnects
with it, so the next step can use it: the Action URLs exist once the phone is saved and ctidesk
listens for it (`set_network`). It reuses what the settings dialog and the command line have:
the address checks (`host_problem`, `url_problem`), "Test connection" (`connection_tests`), and
the Action URLs `ctidesk action-urls` prints, under the names of the phone's web page fields.
"Check that the phone sends them" waits until the running listener accepts a request from the
phone, which proves address, token and network at once.

Secrets go to the keyring. Where there is none, the other settings still save, and the setup
says which environment variables can give ctidesk its passwords and tokens instead (README,
"Headless use").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ctidesk.clients.grandstream import EVENT_FIELD_NAMES
from ctidesk.config.logs import Redactor
from ctidesk.config.secrets import SecretName, SecretStore, SecretStoreUnavailable
from ctidesk.config.settings import Settings, save_settings
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.settings_dialog import (
    ActionUrls,
    ConnectionTest,
    SecretValues,
    add_action_url_rows,
    host_problem,
    label_points_at,
    url_problem,
)

log = logging.getLogger(__name__)

WaitForPhoneEvent = Callable[[], Awaitable[str]]
INTRO, PHONE, ACTION_URLS, ZAMMAD, NFON, DONE = range(6)
SKIPPABLE = (PHONE, ACTION_URLS, ZAMMAD, NFON)


class FirstRunWizard(QWizard):
    """See the module docstring. Page ids: INTRO, PHONE, ACTION_URLS, ZAMMAD, NFON, DONE."""

    def __init__(
        self,
        bridge: DesktopBridge,
        settings_path: Path,
        secrets: SecretStore,
        *,
        testers: Mapping[str, ConnectionTest] | None = None,
        action_urls: ActionUrls | None = None,
        wait_for_phone_event: WaitForPhoneEvent | None = None,
        keyring_problem: str | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        super().__init__(None)
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self._bridge = bridge
        self._path = settings_path
        self._secrets = secrets
        self._testers = dict(testers or {})
        self._action_urls = action_urls
        self._wait_for_phone_event = wait_for_phone_event
        self._keyring_problem = keyring_problem
        self._redactor = redactor
        self._skipping = False
        self.outcomes: dict[int, str] = {}
        """Per step, "saved" or "skipped"; the last page sums them up."""
        self._tests: dict[str, asyncio.Task[Any]] = {}
        self._check_task: asyncio.Task[Any] | None = None
        self._check_wanted = False
        self.setWindowTitle(self.tr("ctidesk setup"))
        self.setAccessibleName(self.tr("ctidesk setup"))
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("&Skip this step"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cl&ose"))
        self.setButtonLayout(
            [
                QWizard.WizardButton.Stretch,
                QWizard.WizardButton.CustomButton1,
                QWizard.WizardButton.BackButton,
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.CancelButton,
            ]
        )
        self._name_buttons()
        self.setPage(INTRO, self._intro_page())
        self.setPage(PHONE, self._phone_page())
        self.setPage(ACTION_URLS, self._action_url_page())
        self.setPage(ZAMMAD, self._zammad_page())
        self.setPage(NFON, self._nfon_page())
        self.setPage(DONE, self._done_page())
        self.customButtonClicked.connect(self._custom_button)
        self.currentIdChanged.connect(self._page_changed)
        bridge.status_changed.connect(self._show_account)
        self.resize(680, 560)
        self._show_account()
        self._refresh_action_urls()
        self._page_changed(self.currentId())

    def _name_buttons(self) -> None:
        """Screen readers hear what each of the wizard's own buttons does."""
        names = {
            QWizard.WizardButton.BackButton: self.tr("Previous step"),
            QWizard.WizardButton.NextButton: self.tr("Save this step and go to the next"),
            QWizard.WizardButton.CommitButton: self.tr("Save this step and go to the next"),
            QWizard.WizardButton.FinishButton: self.tr("Finish the setup"),
            QWizard.WizardButton.CancelButton: self.tr("Close the setup"),
            QWizard.WizardButton.CustomButton1: self.tr("Skip this step without saving it"),
        }
        for which, name in names.items():
            button = self.button(which)
            if button is not None:
                button.setAccessibleName(name)

    # pages --------------------------------------------------------------------------------------

    def _page(self, title: str, subtitle: str) -> tuple[QWizardPage, QVBoxLayout]:
        page = QWizardPage()
        page.setTitle(title)
        page.setSubTitle(subtitle)
        page.setAccessibleName(title)
        column = QVBoxLayout(page)
        return page, column

    def _note(self, accessible_name: str) -> QLabel:
        """A sentence under a step's fields: a save problem or where secrets come from."""
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(accessible_name)
        return label

    def _intro_page(self) -> QWizardPage:
        page, column = self._page(
            self.tr("Welcome to ctidesk"),
            self.tr("A few steps connect ctidesk to your desk phone, Zammad and NFON."),
        )
        text = QLabel(
            self.tr(
                "Each step can be skipped and done later under Settings in the tray menu. "
                "What you enter is saved when you go on to the next step."
            )
        )
        text.setWordWrap(True)
        column.addWidget(text)
        self.keyring_note = self._note(self.tr("Where passwords and tokens come from"))
        if self._keyring_problem:
            self.keyring_note.setText(self._no_keyring_text())
        self.keyring_note.setVisible(bool(self._keyring_problem))
        column.addWidget(self.keyring_note)
        column.addStretch(1)
        return page

    def _no_keyring_text(self) -> str:
        lines = [
            self.tr(
                "This PC has no working keyring, so ctidesk cannot keep passwords and tokens. "
                "The other settings still save. Give ctidesk its passwords and tokens as "
                "environment variables instead, set before it starts:"
            )
        ]
        lines += [f"  {label}: {name.env_var}" for name, label in self._secret_labels().items()]
        return "\n".join(lines)

    def _secret_labels(self) -> dict[SecretName, str]:
        """The secrets an agent may have to provide, as the README's "Headless use" names them."""
        return {
            SecretName.PHONE_PASSCODE: self.tr("phone password"),
            SecretName.ACTION_URL_TOKEN: self.tr("Action URL token"),
            SecretName.ZAMMAD_CTI_URL: self.tr("Zammad CTI endpoint URL"),
            SecretName.ZAMMAD_API_TOKEN: self.tr("Zammad API token"),
            SecretName.NFON_REFRESH_TOKEN: self.tr("NFON refresh token"),
            SecretName.NFON_CTI_PASSWORD: self.tr("NFON CTI API password"),
        }

    def _phone_page(self) -> QWizardPage:
        page, column = self._page(
            self.tr("Your desk phone"),
            self.tr("The Grandstream phone on your desk, as its web page is reached."),
        )
        form = QFormLayout()
        column.addLayout(form)
        phone = self._bridge.settings.phone
        self.phone_address = QLineEdit(phone.address)
        self.phone_address.setPlaceholderText(self.tr("e.g. 127.0.0.1 or phone.example:8080"))
        self.phone_address_error = QLabel()
        self._add_row(
            form, self.tr("&Address"), self.phone_address, self.phone_address_error, "phone"
        )
        self.phone_user = QLineEdit(phone.username)
        self._add_row(form, self.tr("&User"), self.phone_user, None, "phone")
        self.phone_passcode = self._secret_edit(SecretName.PHONE_PASSCODE)
        self._add_row(form, self.tr("Pass&code"), self.phone_passcode, None, "phone")
        self.phone_test_button, self.phone_result = self._test_row(
            form, "phone", self.tr("&Test connection")
        )
        self.phone_note = self._note(self.tr("Phone step result"))
        column.addWidget(self.phone_note)
        column.addStretch(1)
        return page

    def _action_url_page(self) -> QWizardPage:
        page, column = self._page(
            self.tr("Action URLs"),
            self.tr("The phone tells ctidesk about every call at once through these addresses."),
        )
        text = QLabel(
            self.tr(
                "Paste each address into the field of the same name on the phone's web page "
                "(Settings > Outbound Notification > Action URL). They contain a secret token: "
                "treat them like a password."
            )
        )
        text.setWordWrap(True)
        column.addWidget(text)
        self.action_url_box = QWidget()
        self.action_url_box.setAccessibleName(self.tr("Action URLs to paste into the phone"))
        self.action_url_rows = QFormLayout(self.action_url_box)
        self.action_url_rows.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.action_url_box)
        self.check_button = QPushButton(self.tr("C&heck that the phone sends them"))
        self.check_button.setAccessibleName(self.tr("Check that the phone sends the Action URLs"))
        self.check_button.clicked.connect(self.start_check)
        self.cancel_check_button = QPushButton(self.tr("Stop &waiting"))
        self.cancel_check_button.setAccessibleName(self.tr("Stop waiting for the phone"))
        self.cancel_check_button.clicked.connect(self.cancel_check)
        self.cancel_check_button.setVisible(False)
        self.check_status = QLabel()
        self.check_status.setWordWrap(True)
        self.check_status.setAccessibleName(self.tr("Result of the Action URL check"))
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.cancel_check_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.check_status)
        column.addStretch(1)
        return page

    def _zammad_page(self) -> QWizardPage:
        page, column = self._page(
            self.tr("Zammad"),
            self.tr("Customers and tickets in the caller pop-up, calls in Zammad's caller log."),
        )
        form = QFormLayout()
        column.addLayout(form)
        self.zammad_url = QLineEdit(self._bridge.settings.zammad.url)
        self.zammad_url.setPlaceholderText("https://helpdesk.example.com")
        self.zammad_url_error = QLabel()
        self._add_row(form, self.tr("&URL"), self.zammad_url, self.zammad_url_error, "zammad")
        self.zammad_token = self._secret_edit(SecretName.ZAMMAD_API_TOKEN)
        self.zammad_token.setToolTip(self.tr("Profile > Token Access (ticket.agent, cti.agent)"))
        self._add_row(form, self.tr("API &token"), self.zammad_token, None, "zammad")
        self.zammad_cti_url = self._secret_edit(SecretName.ZAMMAD_CTI_URL)
        self.zammad_cti_url.setToolTip(
            self.tr("Admin > Integrations > CTI (generic) > Endpoint; it contains a token")
        )
        self.zammad_cti_url_error = QLabel()
        self._add_row(
            form,
            self.tr("&CTI endpoint URL"),
            self.zammad_cti_url,
            self.zammad_cti_url_error,
            "zammad",
        )
        self.zammad_test_button, self.zammad_result = self._test_row(
            form, "zammad", self.tr("T&est connection")
        )
        self.zammad_note = self._note(self.tr("Zammad step result"))
        column.addWidget(self.zammad_note)
        column.addStretch(1)
        return page

    def _nfon_page(self) -> QWizardPage:
        page, column = self._page(
            self.tr("NFON"),
            self.tr("Your NFON call history in the call journal, with Login with NFON."),
        )
        form = QFormLayout()
        column.addLayout(form)
        nfon = self._bridge.settings.nfon
        self.nfon_customer = QLineEdit(nfon.customer)
        self.nfon_customer.setPlaceholderText("K1234")
        self.nfon_customer_error = QLabel()
        self._add_row(
            form, self.tr("&K-Account"), self.nfon_customer, self.nfon_customer_error, "nfon"
        )
        self.nfon_extension = QLineEdit(nfon.extension)
        self._add_row(form, self.tr("&Extension"), self.nfon_extension, None, "nfon")
        self.sign_button = QPushButton()
        self.sign_button.setAccessibleName(self.tr("Login with NFON"))
        self.sign_button.clicked.connect(self._sign_in)
        self.account_label = QLabel()
        self.account_label.setWordWrap(True)
        self.account_label.setAccessibleName(self.tr("NFON account"))
        row = QHBoxLayout()
        row.addWidget(self.sign_button)
        row.addWidget(self.account_label, 1)
        column.addLayout(row)
        self.nfon_note = self._note(self.tr("NFON step result"))
        column.addWidget(self.nfon_note)
        column.addStretch(1)
        return page

    def _done_page(self) -> QWizardPage:
        page, column = self._page(
            self.tr("Done"),
            self.tr("You can change everything later under Settings in the tray menu."),
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(self.tr("What was set up"))
        column.addWidget(self.summary)
        column.addStretch(1)
        return page

    def _add_row(
        self,
        form: QFormLayout,
        label: str,
        edit: QLineEdit,
        error: QLabel | None,
        system: str,
    ) -> None:
        edit.setAccessibleName(label.replace("&", ""))
        edit.textEdited.connect(lambda _text: self._edited(system))
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(edit)
        if error is not None:
            error.setWordWrap(True)
            error.setVisible(False)
            error.setAccessibleName(
                self.tr("Problem with %1").replace("%1", label.replace("&", ""))
            )
            column.addWidget(error)
        form.addRow(label, holder)
        label_points_at(form, holder, edit)

    def _secret_edit(self, name: SecretName) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        try:
            stored = bool(self._secrets.get(name))
        except SecretStoreUnavailable:
            stored = False
        edit.setPlaceholderText(
            self.tr("stored; type to replace") if stored else self.tr("not set")
        )
        return edit

    def _test_row(self, form: QFormLayout, system: str, label: str) -> tuple[QPushButton, QLabel]:
        """The button's letter differs per page, so that Alt with it is never ambiguous."""
        button = QPushButton(label)
        button.setAccessibleName(self.tr("Test the connection"))
        button.setEnabled(system in self._testers)
        button.clicked.connect(lambda: self.run_test(system))
        result = QLabel()
        result.setWordWrap(True)
        result.setAccessibleName(self.tr("Result of the connection test"))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(button)
        line.addWidget(result, 1)
        form.addRow("", row)
        return button, result

    # checking what is typed ---------------------------------------------------------------------

    def _edited(self, system: str) -> None:
        """Check the step's fields as they are typed; a test result no longer applies."""
        self._problems(system)
        task = self._tests.pop(system, None)
        if task is not None:
            task.cancel()
        self._result_label(system).setText("")

    def _result_label(self, system: str) -> QLabel:
        return self.phone_result if system == "phone" else self.zammad_result

    def _problems(self, system: str) -> bool:
        """Show the step's field problems; True when there are none."""
        checks: list[tuple[QLabel, str]] = []
        if system == "phone":
            checks.append((self.phone_address_error, host_problem(self.phone_address.text())))
        elif system == "zammad":
            checks.append((self.zammad_url_error, url_problem(self.zammad_url.text().strip())))
            cti_url = self.zammad_cti_url.text()
            cti_problem = ""
            if cti_url and "/api/v1/cti/" not in cti_url:
                cti_problem = self.tr("paste the whole endpoint URL; it contains /api/v1/cti/")
            checks.append((self.zammad_cti_url_error, cti_problem))
        elif system == "nfon":
            customer = self.nfon_customer.text().strip()
            k_problem = ""
            if customer and not (customer[:1].upper() == "K" and customer[1:].isdigit()):
                k_problem = self.tr("K-Account looks like K1234")
            checks.append((self.nfon_customer_error, k_problem))
        for label, message in checks:
            label.setText(f"⚠ {message}" if message else "")
            label.setVisible(bool(message))
        return not any(message for _label, message in checks)

    def _candidate(self, system: str) -> tuple[Settings, SecretValues]:
        """The saved settings with this step's fields, and the secrets typed in it."""
        settings = self._bridge.settings.model_copy(deep=True)
        typed: SecretValues = {}
        if system == "phone":
            settings.phone.enabled = True
            settings.phone.address = self.phone_address.text()
            settings.phone.username = self.phone_user.text().strip() or "admin"
            typed[SecretName.PHONE_PASSCODE] = self.phone_passcode.text()
        elif system == "zammad":
            settings.zammad.enabled = True
            settings.zammad.url = self.zammad_url.text().strip().rstrip("/")
            typed[SecretName.ZAMMAD_API_TOKEN] = self.zammad_token.text()
            typed[SecretName.ZAMMAD_CTI_URL] = self.zammad_cti_url.text().strip()
        elif system == "nfon":
            settings.nfon.enabled = True
            customer = self.nfon_customer.text().strip()
            settings.nfon.customer = customer[:1].upper() + customer[1:]
            settings.nfon.extension = self.nfon_extension.text().strip()
        return settings, {name: value for name, value in typed.items() if value}

    def run_test(self, system: str) -> None:
        """ "Test connection" with what the step shows, before anything is saved."""
        tester = self._testers.get(system)
        result = self._result_label(system)
        if tester is None:
            return
        if not self._problems(system):
            result.setText(self.tr("Fix the marked fields first."))
            return
        settings, typed = self._candidate(system)
        result.setText(self.tr("Testing…"))
        previous = self._tests.pop(system, None)
        if previous is not None:
            previous.cancel()
        self._tests[system] = _start(self._run_test(tester, settings, typed, result))

    async def _run_test(
        self, tester: ConnectionTest, settings: Settings, typed: SecretValues, result: QLabel
    ) -> None:
        try:
            message = await tester(settings, typed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("connection test failed: %s", exc)
            result.setText(f"✗ {exc}")
            return
        result.setText(f"✓ {message}")

    # saving a step ------------------------------------------------------------------------------

    def validateCurrentPage(self) -> bool:  # Qt API name: Next and Finish ask it
        if self._skipping:
            return True
        page = self.currentId()
        system = {PHONE: "phone", ZAMMAD: "zammad", NFON: "nfon"}.get(page)
        if system is None:
            if page == ACTION_URLS:
                self.outcomes.setdefault(page, "unchecked")
            return True
        note = {PHONE: self.phone_note, ZAMMAD: self.zammad_note, NFON: self.nfon_note}[page]
        if not self._problems(system):
            note.setText(self.tr("Fix the marked fields, or skip this step."))
            return False
        if system == "phone" and not self.phone_address.text().strip():
            note.setText(self.tr("Enter the phone's address, or skip this step."))
            return False
        settings, typed = self._candidate(system)
        return self._save(page, settings, typed, note)

    def _save(self, page: int, settings: Settings, typed: SecretValues, note: QLabel) -> bool:
        """Settings first (they never depend on the keyring), then the typed secrets. When the
        keyring cannot keep them, stay on the step once to say where they can come from."""
        try:
            save_settings(settings, self._path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            note.setText(
                self.tr("Not saved: %1 (%2). Check that the folder is writable.")
                .replace("%1", str(self._path))
                .replace("%2", reason)
            )
            return False
        self.outcomes[page] = "saved"
        kept_out: list[SecretName] = []
        for name, value in typed.items():
            if not value:
                continue
            try:
                self._secrets.set(name, value)
            except SecretStoreUnavailable as exc:
                log.warning("the keyring did not keep %s: %s", name.value, exc)
                kept_out.append(name)
                continue
            if self._redactor is not None:
                self._redactor.add(value)
        for edit in (self.phone_passcode, self.zammad_token, self.zammad_cti_url):
            edit.clear()
        self._bridge.apply_settings(settings)
        if kept_out:
            labels = self._secret_labels()
            names = ", ".join(f"{labels.get(n, n.value)} ({n.env_var})" for n in kept_out)
            note.setText(
                self.tr(
                    "The settings are saved, but there is no working keyring to keep %1. "
                    "Set the environment variable before ctidesk starts (README, "
                    "“Headless use”), or install and unlock a keyring and enter it again. "
                    "Press Next to go on."
                ).replace("%1", names)
            )
            return False
        note.setText("")
        return True

    def _custom_button(self, which: int) -> None:
        if which != QWizard.WizardButton.CustomButton1.value:
            return
        page = self.currentId()
        self.outcomes.setdefault(page, "skipped")
        self._skipping = True
        try:
            self.next()
        finally:
            self._skipping = False

    def _page_changed(self, page: int) -> None:
        skip = self.button(QWizard.WizardButton.CustomButton1)
        if skip is not None:
            skip.setVisible(page in SKIPPABLE)
        if page == DONE:
            self.summary.setText(self._summary())
        if page != ACTION_URLS:
            self.cancel_check()

    def _summary(self) -> str:
        names = {
            PHONE: self.tr("Phone"),
            ACTION_URLS: self.tr("Action URLs"),
            ZAMMAD: "Zammad",
            NFON: "NFON",
        }
        words = {
            "saved": self.tr("set up"),
            "skipped": self.tr("skipped"),
            "checked": self.tr("the phone sends them"),
            "unchecked": self.tr("shown, not checked"),
        }
        lines = [
            self.tr("%1: %2").replace("%1", name).replace("%2", words[self.outcomes[page]])
            for page, name in names.items()
            if page in self.outcomes
        ]
        if self._keyring_problem:
            lines += ["", self._no_keyring_text()]
        return "\n".join(lines)

    # Action URLs --------------------------------------------------------------------------------

    def set_network(
        self, action_urls: ActionUrls | None, wait_for_phone_event: WaitForPhoneEvent | None
    ) -> None:
        """The network side came up (again): its Action URLs and listener. A check that was
        waiting goes on waiting on the new listener."""
        self._action_urls = action_urls
        self._wait_for_phone_event = wait_for_phone_event
        self._refresh_action_urls()
        if self._check_wanted:
            self.start_check()

    def _refresh_action_urls(self) -> None:
        while self.action_url_rows.rowCount():
            self.action_url_rows.removeRow(0)
        urls: list[tuple[str, str]] = []
        if self._action_urls is not None:
            try:
                urls = self._action_urls(self._bridge.settings, {})
            except Exception as exc:
                self.action_url_rows.addRow(
                    QLabel(self.tr("Cannot build the Action URLs: %1").replace("%1", str(exc)))
                )
                return
        if not urls:
            waiting = QLabel(
                self.tr(
                    "The Action URLs appear here once the phone is set up (the step before) "
                    "and ctidesk listens for it."
                )
            )
            waiting.setWordWrap(True)
            self.action_url_rows.addRow(waiting)
        add_action_url_rows(self.action_url_rows, urls)
        self.check_button.setEnabled(bool(urls) and self._wait_for_phone_event is not None)

    def shown_action_urls(self) -> dict[str, str]:
        """Event name -> the URL shown for it (what the agent pastes)."""
        return {
            edit.objectName(): edit.text()
            for edit in self.action_url_box.findChildren(QLineEdit)
            if edit.objectName()
        }

    def start_check(self) -> None:
        """Wait until the listener accepts a request from the phone; while ctidesk reconnects,
        the wait goes on with the new listener (`set_network`)."""
        self._check_wanted = True
        self._stop_check_task()
        self.check_button.setEnabled(False)
        self.cancel_check_button.setVisible(True)
        wait = self._wait_for_phone_event
        if wait is None:
            self.check_status.setText(self.tr("Waiting for ctidesk to listen for the phone…"))
            return
        self._check_task = _start(self._check(wait))
        self.check_status.setText(
            self.tr("Waiting for the phone's next event… call your phone or press a key")
        )

    async def _check(self, wait: WaitForPhoneEvent) -> None:
        try:
            event = await wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("waiting for the phone stopped: %s", exc)
            return
        self._check_task = None
        self._check_wanted = False
        self.outcomes[ACTION_URLS] = "checked"
        self.cancel_check_button.setVisible(False)
        self.check_button.setEnabled(True)
        self.check_status.setText(
            self.tr("✓ The phone sent its “%1” event: the Action URLs work.").replace(
                "%1", EVENT_FIELD_NAMES.get(event, event)
            )
        )

    def cancel_check(self) -> None:
        """Stop waiting for the phone (the agent pressed Stop waiting, or left the step)."""
        if not self._check_wanted:
            return
        self._check_wanted = False
        self._stop_check_task()
        self.cancel_check_button.setVisible(False)
        self.check_button.setEnabled(self._wait_for_phone_event is not None)
        self.check_status.setText(
            self.tr("Not checked. Press the button again to wait for the phone.")
        )

    def _stop_check_task(self) -> None:
        task, self._check_task = self._check_task, None
        if task is not None:
            task.cancel()

    # NFON ---------------------------------------------------------------------------------------

    def _show_account(self, _status: object = None) -> None:
        status = self._bridge.status
        if not self._bridge.has_account:
            self.sign_button.setText(self.tr("&Login with NFON"))
            self.sign_button.setEnabled(False)
            self.account_label.setText(
                self.tr(
                    "Press Next to save this step; then sign in with “Sign in to NFON” in the "
                    "tray menu."
                )
            )
        elif status.nfon_signed_in:
            self.sign_button.setText(self.tr("&Login with NFON"))
            self.sign_button.setEnabled(False)
            self.account_label.setText(
                self.tr("Signed in as %1").replace("%1", status.nfon_account)
            )
        else:
            self.sign_button.setText(self.tr("&Login with NFON"))
            self.sign_button.setEnabled(True)
            self.account_label.setText(self.tr("Opens NFON's sign-in page in your browser."))

    def _sign_in(self) -> None:
        self._bridge.sign_in()

    def done(self, result: int) -> None:  # Qt API name: Finish and Close end here
        self._stop_check_task()
        for task in self._tests.values():
            task.cancel()
        self._tests.clear()
        super().done(result)


def _start(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """A task of the wizard's own, cancelled when what it waits for no longer matters (the
    coroutines catch their own failures and show them)."""
    return asyncio.get_event_loop().create_task(coroutine)
