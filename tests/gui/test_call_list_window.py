"""Call list window: import, call one after another, the next number is ready when the call
ends, and the list survives a restart in the middle."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ctidesk.core.call_lists import CallListStore, EntryStatus, Outcome
from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.call_list_window import CallListWindow
from tests.gui.conftest import FakePhone, wait_until

pytestmark = pytest.mark.gui
Run = Callable[[Coroutine[Any, Any, Any]], Any]


def outbound(tracker: CallTracker, number: str, kinds: list[EventKind]) -> None:
    for kind in kinds:
        tracker.handle(
            CallEvent(
                source=EventSource.PHONE,
                kind=kind,
                remote=parse_number(number),
                direction=Direction.OUTBOUND,
            )
        )


def open_window(
    qtbot: QtBot, path: Path, bridge: DesktopBridge
) -> tuple[CallListStore, CallListWindow]:
    store = CallListStore(path)
    window = CallListWindow(store, dial=bridge.dial)
    bridge.call_changed.connect(window.call_changed)
    qtbot.addWidget(window)
    return store, window


def test_works_through_a_list_and_survives_a_restart(
    qtbot: QtBot,
    tmp_path: Path,
    bridge: DesktopBridge,
    phone: FakePhone,
    tracker: CallTracker,
    run: Run,
) -> None:
    path = tmp_path / "call_lists.sqlite3"
    store, window = open_window(qtbot, path, bridge)
    window.name_edit.setText("Fair leads")
    window.paste_edit.setPlainText("030 1111111; Anna\n030 2222222; Ben\n030 3333333; Cleo\nxyz")
    window.import_paste_button.click()
    assert "Numbers imported: 3" in window.message_label.text()
    assert "Lines not imported: 1." in window.message_label.text()
    assert window.problems_view.toPlainText() == "Line 4 has no phone number: xyz"
    assert window.contact_label.text() == "Anna"

    window.call_button.click()
    run(wait_until(lambda: phone.commands))
    assert phone.commands == [("dial", "+49301111111")]
    outbound(tracker, "0301111111", [EventKind.DIALING, EventKind.ANSWERED])
    window.notes_edit.setPlainText("Interested, send brochure")
    outbound(tracker, "0301111111", [EventKind.ENDED])
    # The next number is ready; the first got "reached" (from the answered call) and its notes.
    assert window.contact_label.text() == "Ben"
    first = store.entries(window.list_id or 0)[0]
    assert (first.status, first.outcome, first.notes) == (
        EntryStatus.DONE,
        Outcome.REACHED,
        "Interested, send brochure",
    )
    # The agent corrects the last outcome.
    window.last_outcome_box.setCurrentIndex(window.last_outcome_box.findData("call_again"))
    window.last_outcome_box.activated.emit(window.last_outcome_box.currentIndex())
    assert store.entries(window.list_id or 0)[0].outcome is Outcome.CALL_AGAIN

    window.skip_button.click()
    assert window.contact_label.text() == "Cleo"
    window.call_button.click()
    run(wait_until(lambda: len(phone.commands) == 2))
    window.notes_edit.setPlainText("Secretary: call after 3 pm")
    window.pause_button.click()
    assert not window.call_button.isEnabled()
    list_id = window.list_id
    bridge.call_changed.disconnect(window.call_changed)
    window.close()
    store.close()

    # Restart: same list, same number, same notes, still paused.
    store2, window2 = open_window(qtbot, path, bridge)
    assert window2.list_id == list_id
    assert window2.contact_label.text() == "Cleo"
    assert window2.notes_edit.toPlainText() == "Secretary: call after 3 pm"
    assert window2.pause_button.isChecked()
    assert "1 of 3 done, 1 skipped" in window2.progress_label.text()
    window2.pause_button.click()
    assert window2.call_button.isEnabled()
    outbound(tracker, "+49 30 3333333", [EventKind.DIALING, EventKind.ENDED])
    third = store2.entries(list_id or 0)[2]
    assert (third.status, third.outcome) == (EntryStatus.DONE, Outcome.NO_ANSWER)
    assert window2.number_label.text() == "List finished"
    window2.requeue_button.click()
    assert window2.contact_label.text() == "Ben"
    store2.close()


def test_csv_file_import_and_refusal(qtbot: QtBot, tmp_path: Path, bridge: DesktopBridge) -> None:
    store, window = open_window(qtbot, tmp_path / "lists.sqlite3", bridge)
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text("Firma;Telefon\nMuster GmbH;089 7654321\n", encoding="utf-8-sig")
    assert window.import_file(csv_file) is not None
    assert window.lists_widget.count() == 1
    assert "leads" in window.lists_widget.item(0).text()
    assert window.contact_label.text() == "Muster GmbH"
    empty = tmp_path / "empty.csv"
    empty.write_text("nothing here\n", encoding="utf-8")
    assert window.import_file(empty) is None
    assert "No phone numbers found" in window.message_label.text()
    assert window.import_file(tmp_path / "missing.csv") is None
    assert "cannot be read" in window.message_label.text()
    window.delete_list_button.click()
    assert window.lists_widget.count() == 0
    store.close()


def test_import_separates_names_and_asks_before_reading_letters_as_digits(
    qtbot: QtBot, tmp_path: Path, bridge: DesktopBridge
) -> None:
    """Issue 14, finding 6: the two lines of the issue import with their names; a vanity number
    is imported only after the user says yes; every line left out is named with its number."""
    store, window = open_window(qtbot, tmp_path / "lists.sqlite3", bridge)
    window.paste_edit.setPlainText(
        "+49 89 99998123 Maria Huber\n0301234567 Test\n0800 FLOWERS\nCall me maybe\n"
    )
    window.import_paste_button.click()
    question = window.vanity_question
    assert question is not None and question.isVisible()
    assert "0800 FLOWERS is +49 800 3569377" in question.informativeText()
    assert window.lists_widget.count() == 0
    question.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: window.vanity_question is None)
    assert window.lists_widget.count() == 1
    entries = store.entries(window.list_id or 0)
    assert [(e.number.e164, e.name) for e in entries] == [
        ("+498999998123", "Maria Huber"),
        ("+49301234567", "Test"),
    ]
    assert "Numbers imported: 2." in window.message_label.text()
    assert window.problems_view.toPlainText().splitlines() == [
        "Line 3 was left out, as you chose, because its number has letters: 0800 FLOWERS",
        "Line 4 has no phone number: Call me maybe",
    ]

    window.paste_edit.setPlainText("0800 FLOWERS\n")
    window.import_paste_button.click()
    question = window.vanity_question
    assert question is not None
    question.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: window.vanity_question is None)
    assert [e.number.e164 for e in store.entries(window.list_id or 0)] == ["+498003569377"]
    assert not window.problems_view.isVisibleTo(window)
    store.close()
