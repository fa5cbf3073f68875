"""Team view: colleagues' line state and presence from NFON's CTI API, with click-to-dial.

States arrive through the ``state_received`` signal, fed by a watcher coroutine the window is
given (`CtiClient.watch_line_states` fits) or by any async iterator of `LineStatus`es, so the view
follows the CTI stream as it changes. Only line and presence are shown: the CTI credentials see
the whole company's calls, and the numbers colleagues talk to are none of the team view's business.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctidesk.clients.nfon import ExtensionData, LineState, LineStatus, Presence

Submit = Callable[[str, Coroutine[Any, Any, Any]], object]
Dial = Callable[[str], object]
Watch = Callable[[Callable[[LineStatus], None]], Coroutine[Any, Any, None]]
Directory = Callable[[], Awaitable[list[ExtensionData]]]

LINE_COLORS = {
    LineState.IDLE: QColor("#2e7d32"),
    LineState.RINGING: QColor("#f9a825"),
    LineState.IN_USE: QColor("#c62828"),
    LineState.OFFLINE: QColor("#9e9e9e"),
    LineState.UNKNOWN: QColor("#9e9e9e"),
}
COLUMNS = ("extension", "name", "line", "presence")


class TeamWindow(QWidget):
    """One row per extension, sorted by extension number."""

    state_received = Signal(object)

    def __init__(
        self,
        *,
        dial: Dial,
        submit: Submit,
        own_extension: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._dial = dial
        self._submit = submit
        self._own = own_extension
        self.states: dict[str, LineStatus] = {}
        self.names: dict[str, str] = {}
        self.filter_edit = QLineEdit()
        self.table = QTableWidget(0, len(COLUMNS))
        self.call_button = QPushButton()
        self.status_label = QLabel()
        self._build()
        self.retranslate()
        self.state_received.connect(self.apply_state)

    def _build(self) -> None:
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.dial_row(row))
        self.table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.call_button.clicked.connect(lambda: self.dial_row(self.table.currentRow()))
        self.filter_edit.textChanged.connect(lambda _text: self._render())
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.call_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        self.resize(520, 420)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Team"))
        self.filter_edit.setPlaceholderText(self.tr("Filter by name or extension"))
        self.call_button.setText(self.tr("Call"))
        self.setAccessibleName(self.tr("Team"))
        self.filter_edit.setAccessibleName(self.tr("Filter by name or extension"))
        self.call_button.setAccessibleName(self.tr("Call the selected extension"))
        self.table.setAccessibleName(self.tr("Extensions of your team"))
        self.table.setAccessibleDescription(self.tr("Double-click an extension to call it"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Extension"), self.tr("Name"), self.tr("Line"), self.tr("Presence")]
        )
        if not self.states:
            self.status_label.setText(self.tr("Waiting for NFON line states…"))
        self._render()

    def changeEvent(self, event: QEvent) -> None:  # Qt API name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def line_text(self, line: LineState) -> str:
        return {
            LineState.IDLE: self.tr("Free"),
            LineState.RINGING: self.tr("Ringing"),
            LineState.IN_USE: self.tr("On a call"),
            LineState.OFFLINE: self.tr("Offline"),
        }.get(line, self.tr("Unknown"))

    def presence_text(self, presence: Presence) -> str:
        return {
            Presence.AVAILABLE: self.tr("Available"),
            Presence.AWAY: self.tr("Away"),
            Presence.BUSY: self.tr("Busy"),
            Presence.DND: self.tr("Do not disturb"),
            Presence.OFFLINE: self.tr("Offline"),
            Presence.NONE: "",
        }.get(presence, self.tr("Unknown"))

    # ------------------------------------------------------------------ feeding

    def follow(self, watch: Watch) -> object:
        """Run ``watch(callback)`` (until cancelled); every state it reports is shown."""
        return self._submit(self.tr("Following NFON line states"), watch(self.state_received.emit))

    def follow_iterator(self, states: AsyncIterator[LineStatus]) -> object:
        async def pump() -> None:
            async for state in states:
                self.state_received.emit(state)

        return self._submit(self.tr("Following NFON line states"), pump())

    def load_directory(self, directory: Directory) -> object:
        """Names of the extensions (NFON's extension list), shown next to the numbers."""

        async def load() -> None:
            self.set_names({e.extension_number: e.name for e in await directory()})

        return self._submit(self.tr("Reading NFON extensions"), load())

    def set_names(self, names: dict[str, str]) -> None:
        self.names.update(names)
        self._render()

    def apply_state(self, state: LineStatus) -> None:
        self.states[state.extension] = state
        self.status_label.setText("")
        self._render()

    # ------------------------------------------------------------------ view

    def visible_extensions(self) -> list[str]:
        needle = self.filter_edit.text().strip().lower()
        extensions = sorted(set(self.states) | set(self.names), key=_extension_order)
        if not needle:
            return extensions
        return [
            e for e in extensions if needle in e.lower() or needle in self.names.get(e, "").lower()
        ]

    def row_texts(self, row: int) -> tuple[str, ...]:
        items = [self.table.item(row, column) for column in range(len(COLUMNS))]
        return tuple(item.text() if item is not None else "" for item in items)

    def _render(self) -> None:
        current = self._current_extension()
        extensions = self.visible_extensions()
        self.table.setRowCount(len(extensions))
        for row, extension in enumerate(extensions):
            state = self.states.get(extension)
            name = self.names.get(extension, "")
            if extension == self._own:
                name = self.tr("%1 (you)").replace("%1", name or extension)
            line = state.line if state else LineState.UNKNOWN
            presence = state.presence if state else Presence.NONE
            cells = (extension, name, self.line_text(line), self.presence_text(presence))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, extension)
                if column == 2:
                    item.setForeground(
                        QBrush(LINE_COLORS.get(line, LINE_COLORS[LineState.UNKNOWN]))
                    )
                self.table.setItem(row, column, item)
        if current in extensions:
            self.table.setCurrentCell(extensions.index(current), 0)
        self._update_buttons()

    def _current_extension(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        return item.text() if item else None

    def _update_buttons(self) -> None:
        extension = self._current_extension()
        self.call_button.setEnabled(bool(extension) and extension != self._own)

    def dial_row(self, row: int) -> None:
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None or item.text() == self._own:
            return
        self._dial(item.text())


def _extension_order(extension: str) -> tuple[int, str]:
    return (int(extension), "") if extension.isdigit() else (1 << 62, extension)
