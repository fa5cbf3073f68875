"""Journal window: lazy paging, filters, call back, mark done (Zammad simulator), notes, delete,
export."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import csv
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ctidesk.clients.zammad.lookup import ZammadLookup
from ctidesk.config.secrets import MemorySecretStore, SecretName
from ctidesk.config.settings import ZammadSettings
from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import HistoryRecord, Journal, JournalFilter
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker
from ctidesk.gui.bridge import DesktopBridge
from ctidesk.gui.journal_window import JournalWindow, nfon_delete, zammad_mark_done
from ctidesk.sim.zammad import ZammadSimulator
from tests.gui.conftest import FakePhone, wait_until

pytestmark = pytest.mark.gui

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Run = Callable[[Coroutine[Any, Any, Any]], Any]


def add_call(
    tracker: CallTracker, number: str, name: str | None, minutes: int, answered: bool
) -> str:
    kinds = [EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED]
    if not answered:
        kinds = [EventKind.RINGING, EventKind.ENDED]
    call_id = ""
    for step, kind in enumerate(kinds):
        call_id = tracker.handle(
            CallEvent(
                source=EventSource.PHONE,
                kind=kind,
                remote=parse_number(number),
                direction=Direction.INBOUND,
                remote_name=name,
                at=T0 + timedelta(minutes=minutes, seconds=step * 10),
            )
        ).id
    return call_id


@pytest.fixture
def journal_files(tmp_path: Path) -> Iterator[tuple[Journal, JournalReader]]:
    journal = Journal(tmp_path / "journal.sqlite3")
    reader = JournalReader(tmp_path / "journal.sqlite3")
    yield journal, reader
    reader.close()
    journal.close()


@pytest.fixture
def filled(
    journal_files: tuple[Journal, JournalReader], tracker: CallTracker
) -> tuple[Journal, JournalReader, dict[str, str]]:
    journal, reader = journal_files
    tracker.subscribe(journal.on_call_changed)
    ids = {}
    for n in range(12):
        add_call(tracker, f"+4930100000{n:02d}", f"Customer {n}", n, answered=True)
    ids["missed"] = add_call(tracker, "+49 89 7654321", "Erika Mustermann", 20, answered=False)
    ids["missed2"] = add_call(tracker, "+49 40 555666", None, 21, answered=False)
    journal.flush()
    return journal, reader, ids


def make_window(
    qtbot: QtBot,
    journal: Journal,
    reader: JournalReader,
    bridge: DesktopBridge,
    **extra: Any,
) -> JournalWindow:
    window = JournalWindow(
        journal, reader, dial=bridge.dial, submit=bridge.submit, page_size=5, **extra
    )
    qtbot.addWidget(window)
    return window


def test_pages_lazily_and_filters_by_search_and_callback(
    qtbot: QtBot,
    filled: tuple[Journal, JournalReader, dict[str, str]],
    bridge: DesktopBridge,
) -> None:
    journal, reader, ids = filled
    window = make_window(qtbot, journal, reader, bridge)
    model = window.model
    assert model.rowCount() == 5
    assert model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 14
    assert model.pages_loaded == 3
    assert model.entry(0) is not None and model.entry(0).id == ids["missed2"]  # newest first
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Time"

    window.callbacks_only.setChecked(True)
    assert model.rowCount() == 2
    assert {model.entry(r).id for r in range(2)} == {ids["missed"], ids["missed2"]}  # type: ignore[union-attr]
    assert model.data(model.index(0, 4)) == "Missed"
    assert model.data(model.index(0, 6)) == "Call back"

    window.search_edit.setText("Mustermann")
    window.apply_filter()
    assert model.rowCount() == 1 and model.entry(0).id == ids["missed"]  # type: ignore[union-attr]
    window.search_edit.setText("089 7654321")
    window.apply_filter()
    assert model.rowCount() == 1 and model.entry(0).id == ids["missed"]  # type: ignore[union-attr]
    window.callbacks_only.setChecked(False)
    window.search_edit.setText("Customer 1")
    window.apply_filter()
    assert model.rowCount() == 3  # Customer 1, 10, 11


def test_calls_back_with_one_click_and_keeps_notes(
    qtbot: QtBot,
    filled: tuple[Journal, JournalReader, dict[str, str]],
    bridge: DesktopBridge,
    phone: FakePhone,
    run: Run,
) -> None:
    journal, reader, ids = filled
    window = make_window(qtbot, journal, reader, bridge)
    window.callbacks_only.setChecked(True)
    window.select_row(window.model.row_of(ids["missed"]) or 0)
    assert window.call_back_button.isEnabled()
    window.call_back_button.click()
    run(wait_until(lambda: phone.commands))
    assert phone.commands == [("dial", "+49897654321")]

    window.notes_edit.setPlainText("Wants a quote\nsecond line")
    window.save_notes_button.click()
    assert reader.entry(ids["missed"]).notes == "Wants a quote\nsecond line"  # type: ignore[union-attr]
    assert window.model.data(window.model.index(window.model.row_of(ids["missed"]) or 0, 7)) == (
        "Wants a quote"
    )


def test_mark_done_reaches_the_zammad_simulator_and_leaves_the_callback_list(
    qtbot: QtBot,
    filled: tuple[Journal, JournalReader, dict[str, str]],
    bridge: DesktopBridge,
    run: Run,
) -> None:
    journal, reader, ids = filled
    simulator = ZammadSimulator()
    run(simulator.start())
    http = httpx.AsyncClient()
    try:
        for event in ("newCall", "hangup"):
            response = run(
                http.post(
                    simulator.cti_url,
                    data={
                        "event": event,
                        "from": "4989765432",
                        "to": "4930231250",
                        "direction": "in",
                        "callId": ids["missed"],
                        "cause": "cancel",
                    },
                )
            )
            assert response.status_code == 200
        row = simulator.log_row(ids["missed"])
        assert row is not None and row.done is False
        lookup = ZammadLookup(
            settings=ZammadSettings(url=simulator.base_url),
            secrets=MemorySecretStore({SecretName.ZAMMAD_API_TOKEN: simulator.agent_token}),
            http=http,
        )
        errors: list[str] = []
        bridge.error.connect(errors.append)
        window = make_window(
            qtbot, journal, reader, bridge, mark_done_remote=zammad_mark_done(lookup)
        )
        window.callbacks_only.setChecked(True)
        window.select_row(window.model.row_of(ids["missed"]) or 0)
        assert window.mark_done_button.isEnabled()
        window.mark_done_button.click()
        assert reader.entry(ids["missed"]).done is True  # type: ignore[union-attr]
        assert window.model.row_of(ids["missed"]) is None
        assert window.model.rowCount() == 1
        run(wait_until(lambda: simulator.log_row(ids["missed"]).done))  # type: ignore[union-attr]
        assert errors == []

        # A call Zammad never saw: the failure is a sentence in the tray status.
        window.select_row(0)
        window.mark_done_button.click()
        run(wait_until(lambda: errors))
        assert "caller log does not show this call" in errors[0]
    finally:
        run(http.aclose())
        run(simulator.stop())


class FakeHistory:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    async def delete(self, uuid: str) -> None:
        await asyncio.sleep(0)
        self.deleted.append(uuid)


def test_summary_shown_and_delete_from_nfon_asks_first(
    qtbot: QtBot,
    journal_files: tuple[Journal, JournalReader],
    bridge: DesktopBridge,
    run: Run,
) -> None:
    journal, reader = journal_files
    number = parse_number("+49 30 9876543")
    call_id = journal.merge_history(
        HistoryRecord(
            uuid="nfon-uuid-1",
            direction=Direction.INBOUND,
            remote_raw=number.raw,
            remote_e164=number.e164,
            remote_key=number.key,
            remote_name="Max Muster",
            started_at=T0,
            duration_seconds=120,
            status="answered",
            summary="Customer asked about invoice 4711; promised a callback tomorrow.",
        )
    )
    history = FakeHistory()
    window = make_window(qtbot, journal, reader, bridge, delete_remote=nfon_delete(history))
    window.select_row(0)
    assert "invoice 4711" in window.summary_view.toPlainText()
    assert window.delete_button.isEnabled()

    window.delete_button.click()
    box = window.confirmation
    assert box is not None
    box.button(QMessageBox.StandardButton.No).click()
    assert history.deleted == [] and reader.entry(call_id) is not None

    window.delete_button.click()
    box = window.confirmation
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    run(wait_until(lambda: history.deleted))
    assert history.deleted == ["nfon-uuid-1"]
    assert reader.entry(call_id) is None
    assert window.model.rowCount() == 0


def test_export_csv_writes_every_matching_call(
    qtbot: QtBot,
    filled: tuple[Journal, JournalReader, dict[str, str]],
    bridge: DesktopBridge,
    tmp_path: Path,
) -> None:
    journal, reader, _ = filled
    newest = reader.page(JournalFilter()).entries[0]
    journal.set_notes(newest.id, "=HYPERLINK(x)")
    window = make_window(qtbot, journal, reader, bridge)
    assert window.model.rowCount() == 5
    target = tmp_path / "calls.csv"
    assert window.export_csv(target) == 14
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 14
    assert rows[0]["notes"] == "'=HYPERLINK(x)"
    assert {r["result"] for r in rows} == {"Answered", "Missed"}
    assert rows[-1]["number"] == "+493010000000"
