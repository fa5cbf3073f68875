"""Issue 14, finding 7: every control of every window has a name a screen reader can say.

The walk visits every widget of each window (pop-up, dialer, dial confirmation, journal with its
statistics, call lists, team, settings) and asks each interactive one (buttons, check boxes,
line and text edits, combo and spin boxes, key sequence edits, tables and lists) for its
accessibleName. A form field may instead be named by its label (a QFormLayout row label or a
QLabel buddy): Qt hands that label's text to screen readers as the field's name, which the
walk checks through QAccessible. Parts inside a control (a combo box's list, a spin box's
line edit, a table's header and corner button) are the control's own and are not walked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ctidesk.clients.nfon.history import CallHistoryClient
from ctidesk.config.secrets import MemorySecretStore
from ctidesk.core.call_lists import CallListStore
from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import HistoryRecord, Journal
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.call_list_window import CallListWindow
from ctidesk.gui.dialer import DialConfirmation, DialerWindow, DialHistory
from ctidesk.gui.dialing import plan_dial
from ctidesk.gui.journal_window import JournalWindow, nfon_delete
from ctidesk.gui.popup import PopupStack
from ctidesk.gui.settings_dialog import SettingsDialog
from ctidesk.gui.team_window import TeamWindow
from ctidesk.gui.tray import FallbackWindow

from .conftest import FakeLookup, ring, wait_until

pytestmark = pytest.mark.gui

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QKeySequenceEdit,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
)
"""What a keyboard or screen-reader user operates (check boxes are QAbstractButtons)."""
COMPOUND = (*INTERACTIVE, QTabBar, QScrollBar)
"""Controls whose child widgets are parts of themselves."""
FIELDS = (
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QKeySequenceEdit,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
)


def part_of_a_control(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, COMPOUND):
            return True
        parent = parent.parentWidget()
    return False


def named_by_label(widget: QWidget, window: QWidget) -> bool:
    """A form field with a label Qt reads out as its name (buddy or QFormLayout row label)."""
    if not isinstance(widget, FIELDS):
        return False
    labelled = any(label.buddy() is widget for label in window.findChildren(QLabel)) or any(
        isinstance(form.labelForField(widget), QLabel) for form in window.findChildren(QFormLayout)
    )
    interface = QAccessible.queryAccessibleInterface(widget)
    name = interface.text(QAccessible.Text.Name) if interface is not None else ""
    return labelled and bool(name.strip())


def unnamed_controls(window: QWidget) -> list[str]:
    missing = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or part_of_a_control(widget, window):
            continue
        if widget.accessibleName().strip() or named_by_label(widget, window):
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        missing.append(f"{type(widget).__name__} {widget.objectName()!r} {text!r}")
    return missing


@pytest.fixture
def journal_parts(tmp_path: Path, tracker: CallTracker) -> Iterator[tuple[Journal, JournalReader]]:
    journal = Journal(tmp_path / "journal.sqlite3")
    reader = JournalReader(tmp_path / "journal.sqlite3")
    tracker.subscribe(journal.on_call_changed)
    ring(tracker, "+49 30 1234567", name="Erika")
    journal.flush()
    yield journal, reader
    reader.close()
    journal.close()


def walk_finds_unnamed_controls(qtbot: QtBot) -> bool:
    """The check itself: a button without a name and a field without label or name count."""
    window = QWidget()
    qtbot.addWidget(window)
    form = QFormLayout(window)
    form.addRow("&Number", QLineEdit())
    form.addRow(QLineEdit())
    form.addRow(QPushButton("Go"))
    return unnamed_controls(window) == ["QLineEdit '' ''", "QPushButton '' 'Go'"]


def pop_ups(stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, run: Any) -> list[Any]:
    """An inbound card filled in from Zammad and a compact outbound one."""
    inbound = ring(tracker, "+49 30 5550100")
    lookup.release.set()
    run(wait_until(lambda: (card := stack.card_for(inbound.id)) and card.info is not None))
    outbound = tracker.handle(
        CallEvent(
            source=EventSource.PHONE,
            kind=EventKind.DIALING,
            remote=parse_number("+49 89 7654321"),
            direction=Direction.OUTBOUND,
        )
    )
    run(wait_until(lambda: stack.card_for(outbound.id) is not None))
    return [stack.card_for(inbound.id), stack.card_for(outbound.id)]


def journal_and_its_question(
    qtbot: QtBot, bridge: DesktopBridge, journal: Journal, reader: JournalReader
) -> list[QWidget]:
    """The journal (with its statistics tab) and its "delete from NFON?" question."""
    number = parse_number("+49 30 9876543")
    call_id = journal.merge_history(
        HistoryRecord(
            uuid="nfon-uuid-1",
            direction=Direction.INBOUND,
            remote_raw=number.raw,
            remote_e164=number.e164,
            remote_key=number.key,
            remote_name="Max Muster",
            started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            duration_seconds=120,
            status="answered",
        )
    )
    window = JournalWindow(
        journal,
        reader,
        dial=bridge.dial,
        submit=bridge.submit,
        delete_remote=nfon_delete(create_autospec(CallHistoryClient, instance=True)),
    )
    qtbot.addWidget(window)
    row = window.model.row_of(call_id)
    assert row is not None
    window.select_row(row)
    window.ask_delete()
    assert window.confirmation is not None
    return [window, window.confirmation]


def test_every_window_names_every_control(
    qtbot: QtBot,
    bridge: DesktopBridge,
    tracker: CallTracker,
    lookup: FakeLookup,
    journal_parts: tuple[Journal, JournalReader],
    tmp_path: Path,
    run: Any,
) -> None:
    """Finding 7: pop-up, dialer, dial confirmation, journal, statistics, call lists, team,
    settings and the window standing in for the tray: no control without a name."""
    assert walk_finds_unnamed_controls(qtbot)
    stack = PopupStack(bridge)
    lists_store = CallListStore(tmp_path / "lists.sqlite3")
    try:
        windows: list[QWidget] = pop_ups(stack, tracker, lookup, run)
        windows += journal_and_its_question(qtbot, bridge, *journal_parts)
        windows += [
            DialerWindow(bridge, DialHistory(tmp_path / "history.json")),
            DialConfirmation(bridge, plan_dial("1234", "DE")),
            TeamWindow(dial=bridge.dial, submit=bridge.submit),
            FallbackWindow(QMenu(), on_close=lambda: None),
            SettingsDialog(
                bridge,
                tmp_path / "settings.toml",
                MemorySecretStore(),
                action_urls=lambda _s, _v: [("incoming", "http://127.0.0.1:8765/a?x=1")],
            ),
        ]
        lists = CallListWindow(lists_store, dial=bridge.dial)
        assert lists.import_text("Morning", "+49 30 1234567\n+49 89 7654321") is not None
        windows.append(lists)
        for window in windows[2:]:
            qtbot.addWidget(window)
        unnamed = {
            f"{type(w).__name__} {w.windowTitle()!r}": unnamed_controls(w)
            for w in windows
            if unnamed_controls(w)
        }
        assert unnamed == {}
    finally:
        stack.close_all()
        lists_store.close()
