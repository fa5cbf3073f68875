"""Call lists window: import numbers, then call one after another with skip, pause, notes and an
outcome per number. Progress lives in `CallListStore`, so the window picks up where it was.

When a call to the current number ends (the bridge's ``call_changed``), the number is finished
with an outcome suggested from how the call ended (the agent can still change it under
"Last number") and the next number is ready; nothing is dialled without a click.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctidesk.core.call_lists import (
    CallListError,
    CallListStore,
    EntryStatus,
    ImportProblem,
    ListEntry,
    Outcome,
    ProblemReason,
    parse_import,
)
from ctidesk.core.calls import CallChanged, ChangeKind, EndCause
from ctidesk.gui.formatting import number_text

Dial = Callable[[str], object]
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_VANITY_SHOWN = 10
MAX_PROBLEM_TEXT = 80
PROBLEM_LINES_SHOWN = 6


def suggested_outcome(change: CallChanged) -> Outcome:
    call = change.call
    if call.was_answered:
        return Outcome.REACHED
    if call.ending is EndCause.BUSY:
        return Outcome.BUSY
    if call.ending is EndCause.VOICEMAIL:
        return Outcome.VOICEMAIL
    return Outcome.NO_ANSWER


class CallListWindow(QWidget):
    """Lists on the left; the current number, its notes and outcome, and the queue on the right."""

    def __init__(
        self,
        store: CallListStore,
        *,
        dial: Dial,
        default_region: str = "DE",
        on_error: Callable[[str], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._dial = dial
        self._region = default_region
        self._on_error = on_error
        self.list_id: int | None = None
        self.current: ListEntry | None = None
        self.last_finished: ListEntry | None = None
        self.lists_widget = QListWidget()
        self.name_edit = QLineEdit()
        self.paste_edit = QPlainTextEdit()
        self.import_paste_button = QPushButton()
        self.import_file_button = QPushButton()
        self.delete_list_button = QPushButton()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.problems_view = QPlainTextEdit()
        self.problems_view.setReadOnly(True)
        self.problems_view.setVisible(False)
        self.problems_view.setMaximumHeight(
            self.problems_view.fontMetrics().lineSpacing() * PROBLEM_LINES_SHOWN + 12
        )
        self.vanity_question: QMessageBox | None = None
        self.progress_label = QLabel()
        self.number_label = QLabel()
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contact_label = QLabel()
        self.notes_edit = QPlainTextEdit()
        self.outcome_box = QComboBox()
        self.call_button = QPushButton()
        self.finish_button = QPushButton()
        self.skip_button = QPushButton()
        self.pause_button = QPushButton()
        self.pause_button.setCheckable(True)
        self.requeue_button = QPushButton()
        self.last_label = QLabel()
        self.last_outcome_box = QComboBox()
        self.entries_table = QTableWidget(0, 4)
        self._labels: dict[str, QLabel] = {}
        self._build()
        self.retranslate()
        self.reload_lists()

    # ------------------------------------------------------------------ layout

    def _label(self, key: str) -> QLabel:
        label = QLabel()
        self._labels[key] = label
        return label

    def _build(self) -> None:
        font = self.number_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.number_label.setFont(font)
        self.entries_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries_table.verticalHeader().setVisible(False)
        self.entries_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.lists_widget.currentItemChanged.connect(lambda *_: self._list_chosen())
        self.import_paste_button.clicked.connect(self.import_pasted)
        self.import_file_button.clicked.connect(self._choose_file)
        self.delete_list_button.clicked.connect(self.delete_list)
        self.call_button.clicked.connect(self.call_current)
        self.finish_button.clicked.connect(lambda _checked=False: self.finish_current())
        self.skip_button.clicked.connect(self.skip_current)
        self.pause_button.toggled.connect(self.set_paused)
        self.requeue_button.clicked.connect(self.requeue_skipped)
        self.notes_edit.textChanged.connect(self._notes_changed)
        self.last_outcome_box.activated.connect(lambda _i: self._last_outcome_changed())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self._label("lists"))
        left_layout.addWidget(self.lists_widget, 1)
        left_layout.addWidget(self.delete_list_button)
        left_layout.addWidget(self._label("new"))
        left_layout.addWidget(self.name_edit)
        left_layout.addWidget(self.paste_edit, 1)
        row = QHBoxLayout()
        row.addWidget(self.import_paste_button)
        row.addWidget(self.import_file_button)
        left_layout.addLayout(row)
        left_layout.addWidget(self.message_label)
        left_layout.addWidget(self.problems_view)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.progress_label)
        right_layout.addWidget(self.number_label)
        right_layout.addWidget(self.contact_label)
        buttons = QHBoxLayout()
        for button in (self.call_button, self.skip_button, self.pause_button):
            buttons.addWidget(button)
        right_layout.addLayout(buttons)
        form = QFormLayout()
        form.addRow(self._label("outcome"), self.outcome_box)
        form.addRow(self._label("notes"), self.notes_edit)
        right_layout.addLayout(form)
        finish = QHBoxLayout()
        finish.addWidget(self.finish_button)
        finish.addWidget(self.requeue_button)
        right_layout.addLayout(finish)
        last = QHBoxLayout()
        last.addWidget(self.last_label, 1)
        last.addWidget(self.last_outcome_box)
        right_layout.addLayout(last)
        right_layout.addWidget(self.entries_table, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.resize(900, 600)

    def outcome_text(self, outcome: Outcome | None) -> str:
        return (
            {
                Outcome.REACHED: self.tr("Reached"),
                Outcome.NO_ANSWER: self.tr("No answer"),
                Outcome.BUSY: self.tr("Busy"),
                Outcome.VOICEMAIL: self.tr("Voicemail"),
                Outcome.WRONG_NUMBER: self.tr("Wrong number"),
                Outcome.CALL_AGAIN: self.tr("Call again"),
                Outcome.OTHER: self.tr("Other"),
            }.get(outcome, "")
            if outcome
            else ""
        )

    def status_text(self, status: EntryStatus) -> str:
        return {
            EntryStatus.PENDING: self.tr("To call"),
            EntryStatus.DIALLED: self.tr("Dialled"),
            EntryStatus.DONE: self.tr("Done"),
            EntryStatus.SKIPPED: self.tr("Skipped"),
        }[status]

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Call lists"))
        self._labels["lists"].setText(self.tr("Lists"))
        self._labels["new"].setText(self.tr("New list: a name, then paste numbers or import a CSV"))
        self._labels["outcome"].setText(self.tr("Outcome"))
        self._labels["notes"].setText(self.tr("Notes"))
        self.name_edit.setPlaceholderText(self.tr("List name"))
        self.paste_edit.setPlaceholderText(self.tr("One number per line, optionally with a name"))
        self.import_paste_button.setText(self.tr("Import pasted numbers"))
        self.import_file_button.setText(self.tr("Import CSV file…"))
        self.delete_list_button.setText(self.tr("Delete list"))
        self.problems_view.setAccessibleName(self.tr("Lines not imported"))
        self.call_button.setText(self.tr("Call"))
        self.skip_button.setText(self.tr("Skip"))
        self.pause_button.setText(self.tr("Pause"))
        self.finish_button.setText(self.tr("Save and next"))
        self.requeue_button.setText(self.tr("Queue skipped again"))
        self._name_controls()
        self.entries_table.setHorizontalHeaderLabels(
            [self.tr("Number"), self.tr("Name"), self.tr("Status"), self.tr("Outcome")]
        )
        for box in (self.outcome_box, self.last_outcome_box):
            selected = box.currentData()
            box.clear()
            for outcome in Outcome:
                box.addItem(self.outcome_text(outcome), outcome.value)
            if selected is not None:
                box.setCurrentIndex(box.findData(selected))
        self.reload_lists()

    def _name_controls(self) -> None:
        """What a screen reader says for each control (also where the text says it)."""
        self.setAccessibleName(self.tr("Call lists"))
        self.lists_widget.setAccessibleName(self.tr("Lists"))
        self.delete_list_button.setAccessibleName(self.tr("Delete list"))
        self.name_edit.setAccessibleName(self.tr("List name"))
        self.paste_edit.setAccessibleName(self.tr("Numbers to import"))
        self.paste_edit.setAccessibleDescription(
            self.tr("One number per line, optionally with a name")
        )
        self.import_paste_button.setAccessibleName(self.tr("Import pasted numbers"))
        self.import_file_button.setAccessibleName(self.tr("Import CSV file…"))
        self.call_button.setAccessibleName(self.tr("Call the current number"))
        self.skip_button.setAccessibleName(self.tr("Skip"))
        self.pause_button.setAccessibleName(self.tr("Pause"))
        self.outcome_box.setAccessibleName(self.tr("Outcome"))
        self.notes_edit.setAccessibleName(self.tr("Notes"))
        self.finish_button.setAccessibleName(self.tr("Save and next"))
        self.requeue_button.setAccessibleName(self.tr("Queue skipped again"))
        self.last_outcome_box.setAccessibleName(self.tr("Outcome of the last call"))
        self.entries_table.setAccessibleName(self.tr("Numbers in this list"))

    def changeEvent(self, event: QEvent) -> None:  # Qt API name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ lists

    def reload_lists(self) -> None:
        chosen = self.list_id
        blocked = self.lists_widget.blockSignals(True)
        self.lists_widget.clear()
        for call_list in self._store.lists():
            text = self.tr("%1 (%2 of %3 done)")
            text = (
                text.replace("%1", call_list.name)
                .replace("%2", str(call_list.finished))
                .replace("%3", str(call_list.total))
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, call_list.id)
            self.lists_widget.addItem(item)
            if call_list.id == chosen or chosen is None:
                self.lists_widget.setCurrentItem(item)
                chosen = call_list.id
        self.lists_widget.blockSignals(blocked)
        self.list_id = chosen if self.lists_widget.count() else None
        self.show_current()

    def _list_chosen(self) -> None:
        item = self.lists_widget.currentItem()
        self.list_id = int(item.data(Qt.ItemDataRole.UserRole)) if item else None
        self.last_finished = None
        self.show_current()

    def import_pasted(self) -> None:
        self.import_text(
            self.name_edit.text() or self.tr("Call list"), self.paste_edit.toPlainText()
        )

    def import_text(self, name: str, text: str) -> int | None:
        """Import pasted or file text as a new list; returns its id, or None when nothing was
        imported or the user is still asked to confirm vanity numbers (``vanity_question``)."""
        parsed = parse_import(text, self._region)
        if not parsed.vanity:
            return self._import(name, text, accept_vanity=False)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Vanity numbers"))
        lines = "\n".join(
            self.tr("Line %1: %2 is %3")
            .replace("%1", str(n.line))
            .replace("%2", n.number.raw)
            .replace("%3", number_text(n.number))
            for n in parsed.vanity[:MAX_VANITY_SHOWN]
        )
        box.setText(
            self.tr(
                "These lines have letters in place of digits, like a vanity number (the letters "
                "of the phone's keypad). Import them as the numbers shown?"
            )
        )
        box.setInformativeText(lines)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self._vanity_answered(name, text, result))
        self.vanity_question = box
        box.open()
        return None

    def _vanity_answered(self, name: str, text: str, result: int) -> None:
        self.vanity_question = None
        accepted = result == QMessageBox.StandardButton.Yes.value
        self._import(name, text, accept_vanity=accepted)

    def _import(self, name: str, text: str, *, accept_vanity: bool) -> int | None:
        parsed = parse_import(text, self._region, accept_vanity=accept_vanity)
        self.problems_view.setPlainText("\n".join(self.problem_text(p) for p in parsed.problems))
        self.problems_view.setVisible(bool(parsed.problems))
        if not parsed.numbers:
            self.message_label.setText(
                self.tr(
                    "No phone numbers found to import. Paste one number per line (a name may "
                    "come before or after it) or choose a CSV file with a “number” column."
                )
            )
            return None
        try:
            result = self._store.create_list(name, text, self._region, accept_vanity=accept_vanity)
        except CallListError as exc:
            self.message_label.setText(str(exc))
            return None
        message = self.tr("Numbers imported: %1.").replace("%1", str(result.imported))
        if result.duplicates:
            message += " " + self.tr("Repeated numbers left out: %1.").replace(
                "%1", str(result.duplicates)
            )
        if result.problems:
            message += " " + self.tr(
                "Lines not imported: %1. Each is listed below: correct it and import it again."
            ).replace("%1", str(len(result.problems)))
        self.message_label.setText(message)
        self.paste_edit.clear()
        self.name_edit.clear()
        self.list_id = result.list_id
        self.reload_lists()
        return result.list_id

    def problem_text(self, problem: ImportProblem) -> str:
        """One line that could not be imported, as a sentence with its line number."""
        texts = {
            ProblemReason.NO_NUMBER: self.tr("Line %1 has no phone number: %2"),
            ProblemReason.NOT_VALID: self.tr(
                "Line %1 is not a phone number that can be dialled: %2"
            ),
            ProblemReason.ANONYMOUS: self.tr("Line %1 has no number to call (anonymous): %2"),
            ProblemReason.VANITY_DECLINED: self.tr(
                "Line %1 was left out, as you chose, because its number has letters: %2"
            ),
        }
        shown = (
            problem.text
            if len(problem.text) <= MAX_PROBLEM_TEXT
            else (problem.text[:MAX_PROBLEM_TEXT] + "…")
        )
        return texts[problem.reason].replace("%1", str(problem.line)).replace("%2", shown)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import call list"), "", self.tr("CSV or text files (*.csv *.txt)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> int | None:
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                self.message_label.setText(self.tr("The file is too large to import (over 10 MB)."))
                return None
            raw = path.read_bytes()
        except OSError as exc:
            self.message_label.setText(
                self.tr("The file cannot be read: %1").replace("%1", exc.strerror or str(exc))
            )
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        return self.import_text(self.name_edit.text() or path.stem, text)

    def delete_list(self) -> None:
        if self.list_id is not None:
            self._store.delete_list(self.list_id)
            self.list_id = None
            self.reload_lists()

    # ------------------------------------------------------------------ working

    def show_current(self) -> None:
        self.current = self._store.current(self.list_id) if self.list_id is not None else None
        call_list = None
        if self.list_id is not None:
            try:
                call_list = self._store.get_list(self.list_id)
            except CallListError:
                call_list = None
        paused = bool(call_list and call_list.paused)
        blocked = self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(blocked)
        if call_list is None:
            self.progress_label.setText(self.tr("Import a list to start."))
        else:
            progress = self.tr("%1 of %2 done, %3 skipped")
            self.progress_label.setText(
                progress.replace("%1", str(call_list.finished))
                .replace("%2", str(call_list.total))
                .replace("%3", str(call_list.skipped))
            )
        entry = self.current
        if entry is None:
            self.number_label.setText(self.tr("List finished") if call_list is not None else "")
            self.contact_label.setText("")
        else:
            self.number_label.setText(number_text(entry.number))
            self.contact_label.setText(entry.name)
        blocked = self.notes_edit.blockSignals(True)
        self.notes_edit.setPlainText(entry.notes if entry else "")
        self.notes_edit.blockSignals(blocked)
        if entry is not None and entry.outcome is not None:
            self.outcome_box.setCurrentIndex(self.outcome_box.findData(entry.outcome.value))
        for widget in (self.call_button, self.skip_button, self.finish_button, self.notes_edit):
            widget.setEnabled(entry is not None and not paused)
        self.outcome_box.setEnabled(entry is not None)
        self.pause_button.setEnabled(call_list is not None)
        self.requeue_button.setEnabled(bool(call_list and call_list.skipped))
        self._show_last()
        self._fill_entries()

    def _show_last(self) -> None:
        last = self.last_finished
        self.last_outcome_box.setEnabled(last is not None)
        if last is None:
            self.last_label.setText("")
            return
        self.last_label.setText(self.tr("Last number: %1").replace("%1", number_text(last.number)))
        if last.outcome is not None:
            self.last_outcome_box.setCurrentIndex(
                self.last_outcome_box.findData(last.outcome.value)
            )

    def _fill_entries(self) -> None:
        entries = self._store.entries(self.list_id) if self.list_id is not None else []
        self.entries_table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (
                number_text(entry.number),
                entry.name,
                self.status_text(entry.status),
                self.outcome_text(entry.outcome),
            )
            for column, text in enumerate(cells):
                self.entries_table.setItem(row, column, QTableWidgetItem(text))

    def call_current(self) -> None:
        entry = self.current
        if entry is None or self.pause_button.isChecked():
            return
        self.current = self._store.mark_dialled(entry.id)
        self._dial(entry.number.e164 or entry.number.raw)
        self._fill_entries()

    def _chosen_outcome(self) -> Outcome:
        return Outcome(str(self.outcome_box.currentData() or Outcome.OTHER.value))

    def finish_current(self, outcome: Outcome | None = None) -> None:
        """Record the outcome and notes of the current number; the next one is ready."""
        entry = self.current
        if entry is None:
            return
        chosen = outcome if outcome is not None else self._chosen_outcome()
        self._store.finish(entry.id, chosen, self.notes_edit.toPlainText())
        self.last_finished = self._store.entry(entry.id)
        self.outcome_box.setCurrentIndex(self.outcome_box.findData(Outcome.REACHED.value))
        self.reload_lists()

    def skip_current(self) -> None:
        entry = self.current
        if entry is None:
            return
        self._store.set_notes(entry.id, self.notes_edit.toPlainText())
        self._store.skip(entry.id)
        self.reload_lists()

    def set_paused(self, paused: bool) -> None:
        if self.list_id is not None:
            self._store.set_paused(self.list_id, paused)
        self.show_current()

    def requeue_skipped(self) -> None:
        if self.list_id is not None:
            self._store.requeue_skipped(self.list_id)
            self.reload_lists()

    def _notes_changed(self) -> None:
        if self.current is not None:
            self._store.set_notes(self.current.id, self.notes_edit.toPlainText())

    def _last_outcome_changed(self) -> None:
        if self.last_finished is None:
            return
        outcome = Outcome(str(self.last_outcome_box.currentData()))
        self._store.set_outcome(self.last_finished.id, outcome)
        self.last_finished = self._store.entry(self.last_finished.id)
        self._fill_entries()

    def call_changed(self, change: CallChanged) -> None:
        """Bridge `call_changed` slot: the end of a call to the current number finishes it."""
        entry = self.current
        if change.change is not ChangeKind.ENDED or entry is None:
            return
        if entry.status is not EntryStatus.DIALLED or change.call.remote.key != entry.number.key:
            return
        self.finish_current(suggested_outcome(change))
