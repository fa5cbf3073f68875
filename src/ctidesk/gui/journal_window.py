"""The call journal window: every call, searchable, callbacks, notes, NFON summary, statistics.

`JournalTableModel` pages lazily (`canFetchMore`/`fetchMore`) through `JournalReader`, a page of
rows at a time continuing from the last row shown, so the view opens at once with a million
rows and scrolling stays cheap at any depth. Remote effects (mark done in Zammad, delete from
the NFON history) are injected async callables run through ``submit`` (the bridge's), so a
failure reaches the tray status as a sentence.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ctidesk.core.call_notes import NoteStatus
from ctidesk.core.calls import CallChanged, CallState, ChangeKind
from ctidesk.core.journal import Journal, JournalEntry, JournalFilter
from ctidesk.core.journal_reader import PAGE_SIZE, JournalReader, Page, PageCursor
from ctidesk.core.note_queue import NoteState
from ctidesk.gui.formatting import entry_number, number_text, short_date_time
from ctidesk.gui.stats_widget import StatsWidget

log = logging.getLogger(__name__)

Submit = Callable[[str, Coroutine[Any, Any, Any]], object]
RemoteAction = Callable[[JournalEntry], Coroutine[Any, Any, None]]
Dial = Callable[[str], object]
NoteStatusReader = Callable[[str], NoteStatus | None]
SEARCH_DELAY_MS = 250
RELOAD_DELAY_MS = 500
ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("time", "direction", "number", "name", "result", "duration", "callback", "notes")
CSV_HEADER = (
    "id",
    "started_at",
    "direction",
    "number",
    "name",
    "customer",
    "result",
    "answered_at",
    "ended_at",
    "talk_seconds",
    "needs_callback",
    "done",
    "notes",
    "nfon_uuid",
    "summary",
)


def talk_seconds(entry: JournalEntry) -> float:
    if entry.answered_at is None or entry.ended_at is None:
        return 0.0
    return max(0.0, (entry.ended_at - entry.answered_at).total_seconds())


def display_name(entry: JournalEntry) -> str:
    return entry.customer_name or entry.remote_name or ""


class JournalTableModel(QAbstractTableModel):
    """The journal as a table; rows arrive a page at a time."""

    ENTRY_ROLE = int(Qt.ItemDataRole.UserRole) + 1

    def __init__(
        self, reader: JournalReader, page_size: int = PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._reader = reader
        self._page_size = page_size
        self._filter = JournalFilter()
        self._entries: list[JournalEntry] = []
        self._rows: dict[str, int] = {}
        self._cursor: PageCursor | None = None
        self._exhausted = True
        self.pages_loaded = 0

    @property
    def filter(self) -> JournalFilter:
        return self._filter

    def set_filter(self, flt: JournalFilter) -> None:
        self._filter = flt
        self.reload()

    def reload(self, min_rows: int = 0) -> None:
        """Start again from the newest row (after a filter change or new calls), loading pages
        until at least ``min_rows`` rows are there (the rows the view showed before)."""
        self.beginResetModel()
        self._entries = []
        self._rows = {}
        self._cursor = None
        self._exhausted = False
        self.pages_loaded = 0
        while self._load_page() and len(self._entries) < min_rows and not self._exhausted:
            pass
        self.endResetModel()

    def _load_page(self) -> list[JournalEntry]:
        page = self._reader.page(self._filter, self._cursor, self._page_size)
        self._append(page)
        return page.entries

    def _append(self, page: Page) -> None:
        start = len(self._entries)
        self._entries.extend(page.entries)
        for offset, entry in enumerate(page.entries):
            self._rows[entry.id] = start + offset
        self._cursor = page.next_cursor
        self._exhausted = page.is_last
        self.pages_loaded += 1

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        page = self._reader.page(self._filter, self._cursor, self._page_size)
        if not page.entries:
            self._exhausted = True
            return
        start = len(self._entries)
        self.beginInsertRows(QModelIndex(), start, start + len(page.entries) - 1)
        self._append(page)
        self.endInsertRows()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def entry(self, row: int) -> JournalEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, call_id: str) -> int | None:
        return self._rows.get(call_id)

    def replace(self, entry: JournalEntry) -> None:
        """Show a changed row; in the callback filter a row that is done leaves the list."""
        row = self._rows.get(entry.id)
        if row is None:
            return
        if self._filter.callbacks_only and not (entry.needs_callback and not entry.done):
            self.remove(entry.id)
            return
        self._entries[row] = entry
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def remove(self, call_id: str) -> None:
        row = self._rows.get(call_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._entries[row]
        self._rows = {e.id: n for n, e in enumerate(self._entries)}
        self.endRemoveRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            "time": self.tr("Time"),
            "direction": self.tr("Direction"),
            "number": self.tr("Number"),
            "name": self.tr("Name"),
            "result": self.tr("Result"),
            "duration": self.tr("Duration"),
            "callback": self.tr("Callback"),
            "notes": self.tr("Notes"),
        }
        return titles[COLUMNS[section]] if 0 <= section < len(COLUMNS) else None

    def direction_text(self, entry: JournalEntry) -> str:
        return {"in": self.tr("Incoming"), "out": self.tr("Outgoing")}.get(
            entry.direction, self.tr("Unknown")
        )

    def result_text(self, entry: JournalEntry) -> str:
        if entry.state != "ended":
            return self.tr("In progress")
        if entry.answered_at is not None:
            return self.tr("Answered")
        if entry.direction == "in":
            if entry.ending == "voicemail":
                return self.tr("Voicemail")
            if entry.ending == "forwarded":
                return self.tr("Forwarded")
            return self.tr("Missed")
        if entry.ending == "busy":
            return self.tr("Busy")
        return self.tr("Not reached")

    def callback_text(self, entry: JournalEntry) -> str:
        if not entry.needs_callback:
            return ""
        return self.tr("Done") if entry.done else self.tr("Call back")

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = COLUMNS[index.column()]
        if role == self.ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "notes" and entry.notes:
                return entry.notes
            if column == "name" and entry.summary:
                return entry.summary
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column in ("result", "callback"):
            if entry.needs_callback and not entry.done:
                return QColor("#c62828")
            return None
        if (
            role == Qt.ItemDataRole.FontRole
            and column == "callback"
            and entry.needs_callback
            and not entry.done
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _display(self, entry: JournalEntry, column: str) -> str:
        if column == "time":
            return short_date_time(entry.started_at.astimezone())
        if column == "direction":
            return self.direction_text(entry)
        if column == "number":
            return number_text(entry_number(entry))
        if column == "name":
            return display_name(entry)
        if column == "result":
            return self.result_text(entry)
        if column == "duration":
            seconds = round(talk_seconds(entry))
            return f"{seconds // 60}:{seconds % 60:02d}" if seconds else ""
        if column == "callback":
            return self.callback_text(entry)
        if column == "notes":
            first = entry.notes.splitlines()[0] if entry.notes else ""
            return first[:80]
        return ""


class JournalWindow(QWidget):
    """Calls tab (table, filters, details, actions) and the statistics tab."""

    def __init__(
        self,
        journal: Journal,
        reader: JournalReader,
        *,
        dial: Dial,
        submit: Submit,
        mark_done_remote: RemoteAction | None = None,
        delete_remote: RemoteAction | None = None,
        page_size: int = PAGE_SIZE,
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._journal = journal
        self._reader = reader
        self._dial = dial
        self._submit = submit
        self._mark_done_remote = mark_done_remote
        self._delete_remote = delete_remote
        self._connecting = False
        self.model = JournalTableModel(reader, page_size, self)
        self.confirmation: QMessageBox | None = None
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.callbacks_only = QCheckBox()
        self.count_label = QLabel()
        self.remote_note = QLabel()
        self.remote_note.setWordWrap(True)
        self.remote_note.setVisible(False)
        self.table = QTableView()
        self.details_title = QLabel()
        self.summary_label = QLabel()
        self.summary_view = QTextBrowser()
        self.zammad_note_label = QLabel()
        self.zammad_note_label.setObjectName("journalZammadNote")
        self.zammad_note_label.setWordWrap(True)
        self.zammad_note_label.setOpenExternalLinks(True)
        self.zammad_note_label.setTextFormat(Qt.TextFormat.RichText)
        self._note_status: NoteStatusReader | None = None
        self.notes_label = QLabel()
        self.notes_edit = QPlainTextEdit()
        self.save_notes_button = QPushButton()
        self.call_back_button = QPushButton()
        self.mark_done_button = QPushButton()
        self.delete_button = QPushButton()
        self.export_button = QPushButton()
        self.refresh_button = QPushButton()
        self.stats = StatsWidget(reader.statistics, submit, now=now)
        self.tabs = QTabWidget()
        self._build()
        self.retranslate()
        self.model.reload()
        self._update_details()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((130, 80, 130, 180, 100, 60, 80)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _index: self.call_back())
        self.table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._update_details()
        )
        self.model.modelReset.connect(self._update_details)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(lambda *_: self._update_count())
        self.model.rowsRemoved.connect(lambda *_: self._update_details())
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.callbacks_only.toggled.connect(lambda _on: self.apply_filter())
        self.save_notes_button.clicked.connect(self.save_notes)
        self.call_back_button.clicked.connect(self.call_back)
        self.mark_done_button.clicked.connect(self.mark_done)
        self.delete_button.clicked.connect(self.ask_delete)
        self.export_button.clicked.connect(self._choose_export_file)
        self.refresh_button.clicked.connect(self.reload)
        self.summary_view.setOpenExternalLinks(False)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_search)

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.callbacks_only)
        filters.addWidget(self.refresh_button)
        filters.addWidget(self.export_button)
        actions = QHBoxLayout()
        actions.addWidget(self.call_back_button)
        actions.addWidget(self.mark_done_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        details = QWidget()
        side = QVBoxLayout(details)
        side.addWidget(self.details_title)
        side.addWidget(self.summary_label)
        side.addWidget(self.summary_view, 1)
        side.addWidget(self.zammad_note_label)
        side.addWidget(self.notes_label)
        side.addWidget(self.notes_edit, 1)
        side.addWidget(self.save_notes_button)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        calls = QWidget()
        calls_layout = QVBoxLayout(calls)
        calls_layout.addLayout(filters)
        calls_layout.addWidget(self.remote_note)
        calls_layout.addWidget(splitter, 1)
        calls_layout.addLayout(actions)
        self.tabs.addTab(calls, "")
        self.tabs.addTab(self.stats, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.resize(1100, 640)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Call journal"))
        self.search_edit.setPlaceholderText(self.tr("Search by number or name"))
        self.callbacks_only.setText(self.tr("Needs callback"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.call_back_button.setText(self.tr("Call back"))
        self.mark_done_button.setText(self.tr("Mark done"))
        self.delete_button.setText(self.tr("Delete from NFON…"))
        self.summary_label.setText(self.tr("NFON call summary"))
        self.notes_label.setText(self.tr("Notes"))
        self.save_notes_button.setText(self.tr("Save notes"))
        self.tabs.setTabText(0, self.tr("Calls"))
        self.tabs.setTabText(1, self.tr("Statistics"))
        self._name_controls()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self._update_details()
        self._update_count()
        self._update_remote_note()

    def _name_controls(self) -> None:
        """What a screen reader says for each control (also where the text says it)."""
        names: list[tuple[QWidget, str]] = [
            (self, self.tr("Call journal")),
            (self.search_edit, self.tr("Search calls")),
            (self.callbacks_only, self.tr("Only calls that need a callback")),
            (self.refresh_button, self.tr("Refresh")),
            (self.export_button, self.tr("Export the calls shown as CSV")),
            (self.table, self.tr("Calls")),
            (self.summary_view, self.tr("NFON call summary")),
            (self.notes_edit, self.tr("Notes")),
            (self.save_notes_button, self.tr("Save notes")),
            (self.call_back_button, self.tr("Call back")),
            (self.mark_done_button, self.tr("Mark done")),
            (self.delete_button, self.tr("Delete the call from NFON")),
            (self.count_label, self.tr("Number of calls shown")),
        ]
        for widget, name in names:
            widget.setAccessibleName(name)
        self.search_edit.setAccessibleDescription(
            self.tr("Finds calls by number or name; Ctrl+F comes back here")
        )
        self.table.setAccessibleDescription(
            self.tr("Newest first; double-click a call to call back")
        )
        self.call_back_button.setAccessibleDescription(self.tr("Dials the selected call's number"))

    def set_remote_actions(
        self,
        mark_done_remote: RemoteAction | None,
        delete_remote: RemoteAction | None,
        *,
        connecting: bool = False,
    ) -> None:
        """Plug in (or out) Zammad and NFON once the network side is known; ``connecting``
        says it is not up yet, so the window can tell the agent why they are missing."""
        self._mark_done_remote = mark_done_remote
        self._delete_remote = delete_remote
        self._connecting = connecting
        self._update_details()
        self._update_remote_note()

    def set_note_status(self, reader: NoteStatusReader | None) -> None:
        """What the after-call notes wrote for each call (None: notes are off)."""
        self._note_status = reader
        self._update_details()

    def _note_text(self, status: NoteStatus) -> str:
        """One line for the details: what was written to which ticket, with its link."""
        ticket = status.ticket_label or str(status.ticket_id or "")
        texts = {
            NoteState.OPEN: self.tr("Zammad note: no ticket chosen yet."),
            NoteState.WAITING: self.tr(
                "Zammad note: waits for NFON's summary, then goes to ticket %1."
            ),
            NoteState.DUE: self.tr("Zammad note: about to be written to ticket %1."),
            NoteState.WRITTEN: self.tr(
                "Zammad note: written to ticket %1; NFON's summary follows when it comes."
            ),
            NoteState.COMPLETING: self.tr(
                "Zammad note: NFON's summary is being added to ticket %1."
            ),
            NoteState.DONE: self.tr("Zammad note: written to ticket %1."),
            NoteState.SKIPPED: self.tr("Zammad note: none was written."),
            NoteState.FAILED: self.tr("Zammad note: not written to ticket %1."),
        }
        text = _escape(texts[status.state].replace("%1", ticket))
        if status.private:
            text = _escape(self.tr("Zammad note: none (a private call)."))
        if status.ticket_url and status.state not in (NoteState.SKIPPED, NoteState.OPEN):
            link = _escape(self.tr("Open the ticket"))
            text += f' <a href="{_escape(status.ticket_url)}">{link}</a>'
        if status.detail and not status.private:
            text += f"<br><small>{_escape(status.detail)}</small>"
        return text

    def _update_remote_note(self) -> None:
        if self._connecting:
            text = self.tr(
                "ctidesk is still connecting to Zammad and NFON: until then, Mark done changes "
                "only this journal and calls cannot be deleted from NFON."
            )
        else:
            lines = []
            if self._mark_done_remote is None:
                lines.append(
                    self.tr("Zammad is not set up, so Mark done changes only this journal.")
                )
            if self._delete_remote is None:
                lines.append(
                    self.tr(
                        "NFON is not set up, so calls cannot be deleted from the NFON call history."
                    )
                )
            text = " ".join(lines)
        self.remote_note.setText(text)
        self.remote_note.setVisible(bool(text))

    def changeEvent(self, event: QEvent) -> None:  # Qt API name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.stats:
            self.stats.refresh()

    # ------------------------------------------------------------------ state

    def selected_entry(self) -> JournalEntry | None:
        index = self.table.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _update_count(self) -> None:
        rows = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("Calls shown: %1").replace("%1", str(rows)) + more)

    def _update_details(self) -> None:
        entry = self.selected_entry()
        has = entry is not None
        dialable = has and entry is not None and entry.number not in ("", "anonymous")
        self.call_back_button.setEnabled(dialable)
        self.mark_done_button.setEnabled(
            has and entry is not None and entry.needs_callback and not entry.done
        )
        self.delete_button.setEnabled(
            has and entry is not None and entry.nfon_uuid is not None and bool(self._delete_remote)
        )
        self.notes_edit.setEnabled(has)
        self.save_notes_button.setEnabled(has)
        status = self._note_status(entry.id) if entry and self._note_status else None
        self.zammad_note_label.setText(self._note_text(status) if status else "")
        self.zammad_note_label.setVisible(status is not None)
        if entry is None:
            self.details_title.setText(self.tr("Select a call to see its details."))
            self.summary_view.setPlainText("")
            self.notes_edit.setPlainText("")
            return
        number = number_text(entry_number(entry))
        who = display_name(entry) or number
        when = short_date_time(entry.started_at.astimezone())
        self.details_title.setText(f"<b>{_escape(who)}</b><br>{_escape(number)} · {when}")
        self.summary_view.setPlainText(
            entry.summary or self.tr("NFON has no summary for this call.")
        )
        self.notes_edit.setPlainText(entry.notes)

    # ------------------------------------------------------------------ actions

    def apply_filter(self) -> None:
        self._search_timer.stop()
        flt = JournalFilter(self.search_edit.text(), self.callbacks_only.isChecked())
        self._journal.flush()
        self.model.set_filter(flt)

    def focus_search(self) -> None:
        """Ctrl+F (the platform's Find key): to the search field, its text selected."""
        self.tabs.setCurrentIndex(0)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def reload(self) -> None:
        """Show new rows (the journal flushes pending writes first). They arrive at the top;
        the selected call stays selected, and the rows on screen stay where they are unless
        the list is scrolled to its very top with the pointer elsewhere (then the new calls
        show): a row must not slide away under the agent's pointer or eyes."""
        self._journal.flush()
        current = self.selected_entry()
        anchor = self._top_visible_row()
        self.model.reload(min_rows=self.model.rowCount())
        scrolling = self.table.hasAutoScroll()
        self.table.setAutoScroll(False)
        try:
            if current is not None:
                row = self.model.row_of(current.id)
                if row is not None:
                    self.select_row(row)
        finally:
            self.table.setAutoScroll(scrolling)
        if anchor is not None:
            self._put_row_on_top(*anchor)

    def _top_visible_row(self) -> tuple[str, int] | None:
        """The call in the view's top row and how far it is scrolled past (pixels), when the
        view is to keep it there: scrolled down, or the pointer over the rows."""
        bar = self.table.verticalScrollBar()
        if bar.value() == 0 and not self.table.viewport().underMouse():
            return None
        row = self.table.rowAt(0)
        entry = self.model.entry(row)
        if entry is None:
            return None
        return entry.id, -self.table.rowViewportPosition(row)

    def _put_row_on_top(self, call_id: str, past: int) -> None:
        row = self.model.row_of(call_id)
        if row is None:
            return
        self.table.doItemsLayout()  # the scroll range follows the reloaded rows now
        bar = self.table.verticalScrollBar()
        if self.table.verticalScrollMode() is QAbstractItemView.ScrollMode.ScrollPerItem:
            bar.setValue(row)
        else:
            bar.setValue(self.table.verticalHeader().sectionPosition(row) + past)

    def call_changed(self, change: CallChanged) -> None:
        """Bridge `call_changed` slot: new and ended calls appear after a short pause, and so
        do the missed calls an answered callback settled."""
        answered = change.change is ChangeKind.STATE and change.call.state is CallState.CONNECTED
        if (
            change.change in (ChangeKind.CREATED, ChangeKind.ENDED) or answered
        ) and self.isVisible():
            self._reload_timer.start()

    def show_callbacks_only(self) -> None:
        """Show only the calls that still need a callback (the tray's "Missed calls")."""
        self.search_edit.clear()
        if self.callbacks_only.isChecked():
            self.apply_filter()
        else:
            self.callbacks_only.setChecked(True)

    def refresh_entry(self, call_id: str) -> None:
        """A row changed outside this window (notes typed on an after-call card)."""
        self._refresh_entry(call_id)

    def _refresh_entry(self, call_id: str) -> JournalEntry | None:
        self._journal.flush()
        entry = self._reader.entry(call_id)
        if entry is not None:
            self.model.replace(entry)
        self._update_details()
        return entry

    def call_back(self) -> None:
        entry = self.selected_entry()
        if entry is None or entry.number in ("", "anonymous"):
            return
        self._dial(entry.number)

    def mark_done(self) -> None:
        """Done here at once; in Zammad's caller log too, when that is wired in."""
        entry = self.selected_entry()
        if entry is None:
            return
        self._journal.set_done(entry.id, True)
        updated = self._refresh_entry(entry.id) or entry
        if self._mark_done_remote is not None:
            self._submit(
                self.tr("Marking the call done in Zammad"), self._mark_done_remote(updated)
            )

    def save_notes(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        self._journal.set_notes(entry.id, self.notes_edit.toPlainText())
        self._refresh_entry(entry.id)

    def ask_delete(self) -> None:
        """Asks first (non-modal): deleting from NFON cannot be undone."""
        entry = self.selected_entry()
        if entry is None or entry.nfon_uuid is None or self._delete_remote is None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Delete call"))
        box.setText(
            self.tr(
                "Delete the call with %1 from the NFON call history and from this journal? "
                "This cannot be undone."
            ).replace("%1", display_name(entry) or entry.number)
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName(box.windowTitle())
        box.button(QMessageBox.StandardButton.Yes).setAccessibleName(
            self.tr("Delete the call from NFON")
        )
        box.button(QMessageBox.StandardButton.No).setAccessibleName(self.tr("Keep the call"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        call_id = entry.id
        box.finished.connect(lambda result: self._delete_answered(call_id, result))
        self.confirmation = box
        box.open()

    def _delete_answered(self, call_id: str, result: int) -> None:
        self.confirmation = None
        if result != QMessageBox.StandardButton.Yes.value:
            return
        entry = self._reader.entry(call_id)
        if entry is None or self._delete_remote is None:
            return
        self._submit(self.tr("Deleting the call from NFON"), self._delete(entry))

    async def _delete(self, entry: JournalEntry) -> None:
        assert self._delete_remote is not None
        await self._delete_remote(entry)
        self._journal.delete(entry.id)
        self.model.remove(entry.id)
        self._update_count()

    def _choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export calls"), "ctidesk-calls.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            count = self.export_csv(Path(path))
            self.count_label.setText(self.tr("Calls exported: %1").replace("%1", str(count)))

    def export_csv(self, path: Path) -> int:
        """Every call matching the current filter (not only the rows loaded); returns the count."""
        self._journal.flush()
        count = 0
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            for entry in self._reader.iter_all(self.model.filter):
                writer.writerow(
                    (
                        entry.id,
                        entry.started_at.isoformat(),
                        entry.direction,
                        entry.number,
                        _csv_text(entry.remote_name or ""),
                        _csv_text(entry.customer_name or ""),
                        self.model.result_text(entry),
                        entry.answered_at.isoformat() if entry.answered_at else "",
                        entry.ended_at.isoformat() if entry.ended_at else "",
                        round(talk_seconds(entry)),
                        int(entry.needs_callback),
                        int(entry.done),
                        _csv_text(entry.notes),
                        entry.nfon_uuid or "",
                        _csv_text(entry.summary or ""),
                    )
                )
                count += 1
        return count


class CallerLogRow(Protocol):
    @property
    def id(self) -> int: ...


class CallerLog(Protocol):
    """What marking done needs from Zammad (`ZammadLookup` fits)."""

    async def caller_log_entry(self, call_id: str) -> CallerLogRow | None: ...

    async def mark_done(self, log_id: int, done: bool = True) -> None: ...


class HistoryDeleter(Protocol):
    """What deleting needs from NFON (`CallHistoryClient` fits)."""

    async def delete(self, uuid: str) -> None: ...


class RemoteActionError(Exception):
    """A journal action could not be done remotely; the message says what to do."""


def zammad_mark_done(caller_log: CallerLog) -> RemoteAction:
    """Tick the call's row in Zammad's caller log (found by ctidesk's call id)."""

    async def mark(entry: JournalEntry) -> None:
        row = await caller_log.caller_log_entry(entry.id)
        if row is None:
            raise RemoteActionError(
                "Zammad's caller log does not show this call; tick it there by hand"
            )
        await caller_log.mark_done(row.id, True)

    return mark


def nfon_delete(history: HistoryDeleter) -> RemoteAction:
    """Delete the call's record from the NFON call history."""

    async def delete(entry: JournalEntry) -> None:
        if entry.nfon_uuid is None:
            raise RemoteActionError("this call is not in the NFON call history")
        await history.delete(entry.nfon_uuid)

    return delete


def _csv_text(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; names and notes never do."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
