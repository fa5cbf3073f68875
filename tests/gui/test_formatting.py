"""Numbers, countries, ticket states and dates in the UI language (issue 14, finding 8).

In German the pop-up showed "Germany", Zammad's "open"/"closed" and ISO dates, and the journal
showed "+4930…" digits where the pop-up showed "+49 30 …"."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ctidesk.core.journal import Journal
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.ports import CallerInfo, TicketSummary
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.i18n import Translations
from ctidesk.gui.journal_window import COLUMNS, JournalWindow
from ctidesk.gui.popup import CallerCard
from ctidesk.gui.translation_files import compile_translation
from tests.gui.conftest import ring

pytestmark = pytest.mark.gui

ROOT = Path(__file__).parents[2]
TS_FILE = ROOT / "resources" / "i18n" / "ctidesk_de.ts"
OCTOBER = datetime(2026, 10, 13, 9, 30, tzinfo=UTC)


@pytest.fixture
def german(qapp: QApplication, tmp_path: Path) -> Iterator[Translations]:
    """ctidesk in German, as the settings' language switch installs it; English afterwards."""
    compile_translation(TS_FILE, tmp_path / "ctidesk_de.qm")
    before = QLocale()
    translations = Translations(qapp, tmp_path)
    assert translations.apply("de") == "de"
    yield translations
    translations.apply("en")
    QLocale.setDefault(before)


def _ticket(number: int, state: str, is_open: bool) -> TicketSummary:
    return TicketSummary(
        id=number,
        number=str(number),
        title=f"Ticket {number}",
        state=state,
        updated_at=OCTOBER,
        is_open=is_open,
    )


def test_the_pop_up_in_german_names_country_states_and_dates_in_german(
    german: Translations, qtbot: QtBot, bridge: DesktopBridge, tracker: CallTracker
) -> None:
    call = ring(tracker, "+49 30 1234567")
    card = CallerCard(bridge, call)
    qtbot.addWidget(card)
    assert card.number_label.text() == "+49 30 1234567  ·  Deutschland"
    card.update_info(
        CallerInfo(
            number=call.remote,
            open_tickets=[
                _ticket(31003, "open", True),
                _ticket(31002, "pending reminder", True),
                _ticket(31004, "Waiting for parts", True),
            ],
            closed_tickets=[_ticket(31001, "closed", False), _ticket(31000, "merged", False)],
        )
    )
    rows = [card.tickets.topLevelItem(n) for n in range(card.tickets.topLevelItemCount())]
    assert [row.text(2) for row in rows] == [
        "offen",
        "warten auf Erinnerung",
        "Waiting for parts",
        "geschlossen",
        "zusammengefügt",
    ]
    local = OCTOBER.astimezone()
    assert rows[0].text(3) == local.strftime("%d.%m.%y")
    assert rows[0].toolTip(3) == local.strftime("%d.%m.%y %H:%M")

    british = CallerCard(bridge, ring(tracker, "+44 20 7946 0958"))
    qtbot.addWidget(british)
    assert "Vereinigtes Königreich" in british.number_label.text()
    anonymous = CallerCard(bridge, ring(tracker, "anonymous"))
    qtbot.addWidget(anonymous)
    assert anonymous.number_label.text() == "Anonym"


def test_the_journal_shows_numbers_as_the_pop_up_does(
    qtbot: QtBot, tmp_path: Path, bridge: DesktopBridge, tracker: CallTracker
) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    reader = JournalReader(tmp_path / "journal.sqlite3")
    tracker.subscribe(journal.on_call_changed)
    cards = [
        CallerCard(bridge, ring(tracker, number))
        for number in ("+4930 1234567", "0044 20 7946 0958", "123")
    ]
    journal.flush()
    window = JournalWindow(journal, reader, dial=bridge.dial, submit=bridge.submit)
    qtbot.addWidget(window)
    model = window.model
    shown = {
        model.data(model.index(row, COLUMNS.index("number"))) for row in range(model.rowCount())
    }
    on_cards = {card.number_label.accessibleDescription() for card in cards}
    assert on_cards == {"+49 30 1234567", "+44 20 7946 0958", "123"}
    assert shown == on_cards
    numbers = [model.data(model.index(row, COLUMNS.index("number"))) for row in range(3)]
    window.select_row(numbers.index("+49 30 1234567"))
    assert "+49 30 1234567" in window.details_title.text()
    for card in cards:
        card.close()
    reader.close()
    journal.close()


def test_the_journal_in_german_dates_calls_as_the_pop_up_dates_tickets(
    german: Translations, qtbot: QtBot, tmp_path: Path, bridge: DesktopBridge
) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    reader = JournalReader(tmp_path / "journal.sqlite3")
    tracker = CallTracker()
    tracker.subscribe(journal.on_call_changed)
    ring(tracker, "anonymous")
    journal.flush()
    window = JournalWindow(journal, reader, dial=bridge.dial, submit=bridge.submit)
    qtbot.addWidget(window)
    model = window.model
    entry = model.entry(0)
    assert entry is not None
    when = entry.started_at.astimezone().strftime("%d.%m.%y %H:%M")
    assert model.data(model.index(0, COLUMNS.index("time"))) == when
    assert model.data(model.index(0, COLUMNS.index("number"))) == "Anonym"
    window.select_row(0)
    assert when in window.details_title.text()
    reader.close()
    journal.close()
