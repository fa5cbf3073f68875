"""The small "Dial..." window and the confirmation shown for odd numbers.

History is kept in a small JSON file (most recent first) so it survives restarts; the clipboard
is offered as a suggestion when it holds something dialable. Both windows are non-modal.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.dial_messages import translated
from ctidesk.gui.dialing import DialPlan, NothingToDial, plan_dial

log = logging.getLogger(__name__)

HISTORY_SIZE = 20


class DialHistory:
    """Numbers dialled, most recent first, without repeats; saved after every change."""

    def __init__(self, path: Path | None = None, size: int = HISTORY_SIZE) -> None:
        self._path = path
        self._size = size
        self._entries: list[str] = []
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._entries = [str(x) for x in data if isinstance(x, str)][:size]
            except (OSError, ValueError) as exc:
                log.warning("dial history %s unreadable, starting afresh: %s", path, exc)

    def entries(self) -> list[str]:
        return list(self._entries)

    def add(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        self._entries = [text, *(e for e in self._entries if e != text)][: self._size]
        if self._path is not None:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                self._path.write_text(json.dumps(self._entries), encoding="utf-8")
            except OSError as exc:
                log.warning("dial history %s not saved: %s", self._path, exc)


class DialerWindow(QWidget):
    """Type or pick a number and dial it through the bridge."""

    def __init__(self, bridge: DesktopBridge, history: DialHistory) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self._bridge = bridge
        self._history = history
        layout = QVBoxLayout(self)
        self.number_label = QLabel()
        self.number = QComboBox()
        self.number.setEditable(True)
        self.number.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.number_label.setBuddy(self.number)
        layout.addWidget(self.number_label)
        layout.addWidget(self.number)
        self.suggestion = QPushButton()
        self.suggestion.clicked.connect(self._use_suggestion)
        self.suggestion.setVisible(False)
        layout.addWidget(self.suggestion)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.dial_button = QPushButton()
        self.dial_button.setDefault(True)
        self.dial_button.clicked.connect(self.dial)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.hide)
        row.addStretch(1)
        row.addWidget(self.close_button)
        row.addWidget(self.dial_button)
        layout.addLayout(row)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self.hide)
        line_edit = self.number.lineEdit()
        if line_edit is not None:
            line_edit.returnPressed.connect(self.dial)
        bridge.dialled.connect(self._remember)
        self._suggested = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Dial a number"))
        self.setAccessibleName(self.tr("Dial a number"))
        self.number_label.setText(self.tr("&Number:"))
        self.number_label.setAccessibleName(self.tr("Number label"))
        self.number.setAccessibleName(self.tr("Number to dial"))
        self.suggestion.setAccessibleName(self.tr("Use the number from the clipboard"))
        self.suggestion.setText(self.tr("Clipboard: %1").replace("%1", self._suggested))
        self.message.setAccessibleName(self.tr("Dialling problem"))
        self.dial_button.setText(self.tr("&Dial"))
        self.dial_button.setAccessibleName(self.tr("Dial"))
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close"))

    def changeEvent(self, event: QEvent) -> None:  # Qt API name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def open(self, text: str = "") -> None:
        """Show the window with the history, the clipboard suggestion and an optional number."""
        self.number.clear()
        self.number.addItems(self._history.entries())
        self.number.setEditText(text)
        self.message.clear()
        self._suggest_from_clipboard()
        self.show()
        self.raise_()
        self.activateWindow()
        self.number.setFocus()

    def _suggest_from_clipboard(self) -> None:
        clipboard = QGuiApplication.clipboard()
        text = clipboard.text() if clipboard else ""
        self._suggested = ""
        if text and len(text) < 80:
            try:
                plan = plan_dial(text, self._bridge.settings.dialing.default_region)
            except NothingToDial:
                plan = None
            if plan is not None and not plan.needs_confirmation:
                self._suggested = plan.number.e164 or plan.number.raw
        self.suggestion.setText(self.tr("Clipboard: %1").replace("%1", self._suggested))
        self.suggestion.setVisible(bool(self._suggested))

    def _use_suggestion(self) -> None:
        self.number.setEditText(self._suggested)

    def dial(self) -> None:
        text = self.number.currentText()
        try:
            plan_dial(text, self._bridge.settings.dialing.default_region)
        except NothingToDial as exc:
            self.message.setText(translated(str(exc)))
            return
        self.message.clear()
        self._bridge.dial(text)
        self.hide()

    def _remember(self, plan: DialPlan) -> None:
        self._history.add(plan.number.e164 or plan.number.raw)


class DialConfirmation(QDialog):
    """Asks before dialling something that looks odd; non-modal, one at a time."""

    def __init__(self, bridge: DesktopBridge, plan: DialPlan) -> None:
        super().__init__(None)
        self._bridge = bridge
        self._plan = plan
        self.setWindowTitle(self.tr("Dial %1?").replace("%1", plan.number.display()))
        self.setAccessibleName(self.windowTitle())
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        reasons = "; ".join(translated(doubt) for doubt in plan.doubts)
        self.text = QLabel(
            self.tr("You asked to dial “%1”.\nIt will be dialled as %2, but %3.\nDial it anyway?")
            .replace("%1", plan.text)
            .replace("%2", plan.number.display())
            .replace("%3", reasons)
        )
        self.text.setWordWrap(True)
        self.text.setAccessibleName(self.tr("Why this number is asked about"))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox()
        self.dial_button = buttons.addButton(
            self.tr("&Dial"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.dial_button.setAccessibleName(self.tr("Dial anyway"))
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(self.tr("Do not dial"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: bridge.dial_plan(plan))
