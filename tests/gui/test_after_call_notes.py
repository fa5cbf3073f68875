"""The after-call card's ticket choice for the call's Zammad note (issue 22 points 1 and 4).

The card proposes the ticket opened (or created) from the pop-up during the call; "Done" with
a choice is the agent's say; "None", "Private" or a card closed without "Done" send nothing.
The real notes service decides; its queue is a temporary SQLite file (nothing is written to
Zammad here: the service has no articles client, the decision is what is checked).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ctidesk.core.call_notes import CallNoteService, NoteSettings
from ctidesk.core.calls import EventKind
from ctidesk.core.journal import Journal
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.note_queue import NoteQueue, NoteState
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.journal_window import JournalWindow
from ctidesk.gui.popup import CallerCard, PopupStack

from .conftest import FakeLookup, phone_reports, ring, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def notes(tmp_path: Path, tracker: CallTracker) -> Iterator[CallNoteService]:
    service = CallNoteService(NoteSettings(enabled=True), NoteQueue(tmp_path / "n.sqlite3"), None)
    unsubscribe = tracker.subscribe(service.on_call_changed)
    yield service
    unsubscribe()
    service.close()


@pytest.fixture
def journal_window(
    qtbot: QtBot, tmp_path: Path, tracker: CallTracker, bridge: DesktopBridge
) -> Iterator[JournalWindow]:
    journal = Journal(tmp_path / "journal.sqlite3")
    reader = JournalReader(tmp_path / "journal.sqlite3")
    tracker.subscribe(journal.on_call_changed)
    window = JournalWindow(journal, reader, dial=bridge.dial, submit=bridge.submit)
    qtbot.addWidget(window)
    yield window
    reader.close()
    journal.close()


@pytest.fixture
def stack(bridge: DesktopBridge, notes: CallNoteService) -> Iterator[PopupStack]:
    popups = PopupStack(bridge)
    popups.set_call_notes(notes)
    yield popups
    popups.close_all()


def after_call_card(
    stack: PopupStack,
    tracker: CallTracker,
    lookup: FakeLookup,
    run: Any,
    *,
    open_ticket: bool,
    number: str = "+49 30 1234567",
) -> CallerCard:
    lookup.release.set()
    call = ring(tracker, number)
    run(wait_until(lambda: stack.card_for(call.id) is not None))  # at most a frame later
    card = stack.card_for(call.id)
    assert card is not None
    run(wait_until(lambda: card.ticket_button.isEnabled()))
    phone_reports(tracker, call, EventKind.ANSWERED)
    if open_ticket:
        card.ticket_button.click()  # "Open ticket" during the call: ticket 1
    phone_reports(tracker, call, EventKind.ENDED)
    run(wait_until(lambda: card.after_call))
    return card


def choices(card: CallerCard) -> list[str]:
    return [card.ticket_choice.itemText(i) for i in range(card.ticket_choice.count())]


def test_the_ticket_opened_during_the_call_is_proposed_and_done_confirms_it(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, notes: CallNoteService, run: Any
) -> None:
    card = after_call_card(stack, tracker, lookup, run, open_ticket=True)
    assert choices(card) == ["#31001  Printer on fire", "New ticket…", "None: no note in Zammad"]
    assert card.chosen_ticket() == 1
    card.notes_edit.setPlainText("Toner ordered.")
    card.done_button.click()
    status = notes.status(card.call_id)
    assert status is not None and status.state is NoteState.DUE and status.ticket_id == 1
    assert status.ticket_label == "#31001"


def test_without_a_ticket_opened_nothing_is_chosen_for_the_agent(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, notes: CallNoteService, run: Any
) -> None:
    """Point 1: never a guess without the agent's say; "Done" as it stands means none."""
    card = after_call_card(stack, tracker, lookup, run, open_ticket=False)
    assert card.chosen_ticket() is None
    card.done_button.click()
    status = notes.status(card.call_id)
    assert status is not None and status.state is NoteState.SKIPPED


def test_a_picked_ticket_is_the_agents_say(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, notes: CallNoteService, run: Any
) -> None:
    card = after_call_card(stack, tracker, lookup, run, open_ticket=False)
    card.ticket_choice.setCurrentIndex(0)
    card.done_button.click()
    status = notes.status(card.call_id)
    assert status is not None and status.ticket_id == 1 and status.state is NoteState.DUE


def test_private_and_closing_without_done_send_nothing(
    stack: PopupStack, tracker: CallTracker, lookup: FakeLookup, notes: CallNoteService, run: Any
) -> None:
    """Point 4: a call marked private; point 1: the card closed with ✕ is no say."""
    private = after_call_card(stack, tracker, lookup, run, open_ticket=True)
    private.private_box.setChecked(True)
    assert not private.ticket_choice.isEnabled()
    private.done_button.click()
    closed = after_call_card(stack, tracker, lookup, run, open_ticket=True, number="+49 40 555666")
    closed.close_button.click()
    first, second = notes.status(private.call_id), notes.status(closed.call_id)
    assert first is not None and first.private and first.state is NoteState.SKIPPED
    assert second is not None and second.state is NoteState.SKIPPED


def test_without_notes_the_card_has_no_ticket_choice(
    bridge: DesktopBridge, tracker: CallTracker, lookup: FakeLookup, run: Any
) -> None:
    """Off by default: the after-call card stays as it was."""
    popups = PopupStack(bridge)
    try:
        card = after_call_card(popups, tracker, lookup, run, open_ticket=False)
        assert card.__dict__.get("ticket_choice") is None
    finally:
        popups.close_all()


def test_the_journal_says_what_was_written_where(
    stack: PopupStack,
    tracker: CallTracker,
    lookup: FakeLookup,
    notes: CallNoteService,
    run: Any,
    journal_window: JournalWindow,
) -> None:
    """Point 4: per call, what went to which ticket."""
    card = after_call_card(stack, tracker, lookup, run, open_ticket=True)
    card.done_button.click()
    journal_window.set_note_status(notes.status)
    journal_window.apply_filter()
    row = journal_window.model.row_of(card.call_id)
    assert row is not None
    journal_window.select_row(row)
    assert "about to be written to ticket #31001" in journal_window.zammad_note_label.text()


def test_a_card_on_screen_reports_to_the_rebuilt_network_sides_notes(
    stack: PopupStack,
    tracker: CallTracker,
    lookup: FakeLookup,
    notes: CallNoteService,
    run: Any,
    tmp_path: Path,
) -> None:
    """Saved connection settings rebuild the network side (and its notes service, on the same
    queue) while an after-call card is open: its "Done" still counts, without a traceback."""
    card = after_call_card(stack, tracker, lookup, run, open_ticket=True)
    notes.close()
    stack.set_call_notes(None)
    rebuilt = CallNoteService(NoteSettings(enabled=True), NoteQueue(tmp_path / "n.sqlite3"), None)
    try:
        stack.set_call_notes(rebuilt)
        card.done_button.click()
        status = rebuilt.status(card.call_id)
        assert status is not None and status.state is NoteState.DUE and status.ticket_id == 1
    finally:
        rebuilt.close()
