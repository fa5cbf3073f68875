from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import _MIGRATIONS, HistoryRecord, Journal
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def feed(
    tracker: CallTracker, number: str, name: str | None, kinds: list[EventKind], start: float
) -> str:
    call_id = ""
    for offset, kind in enumerate(kinds):
        call = tracker.handle(
            CallEvent(
                source=EventSource.PHONE,
                kind=kind,
                remote=parse_number(number),
                direction=Direction.INBOUND,
                remote_name=name,
                at=T0 + timedelta(seconds=start + offset * 5),
            )
        )
        call_id = call.id
    return call_id


def make(tmp_path: Path) -> tuple[CallTracker, Journal]:
    journal = Journal(tmp_path / "journal.sqlite3")
    tracker = CallTracker(clock=lambda: T0 + timedelta(hours=1))
    tracker.subscribe(journal.on_call_changed)
    return tracker, journal


def test_calls_are_recorded_with_timeline_and_callback_flag(tmp_path: Path) -> None:
    tracker, journal = make(tmp_path)
    answered = feed(
        tracker,
        "+49 30 1234567",
        "Jane Doe",
        [EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED],
        0,
    )
    missed = feed(tracker, "+43 1 5551234", "Max Muster", [EventKind.RINGING, EventKind.ENDED], 100)
    entry = journal.get(answered)
    assert entry is not None
    assert entry.ending == "normal"
    assert [t["what"] for t in entry.timeline] == ["ringing", "answered", "ended"]
    assert [c.id for c in journal.callbacks()] == [missed]
    journal.set_done(missed)
    assert journal.callbacks() == []
    journal.set_notes(answered, "wants a quote")
    assert journal.get(answered).notes == "wants a quote"  # type: ignore[union-attr]
    assert [e.id for e in journal.recent()] == [missed, answered]


def test_search_by_number_in_any_spelling_and_by_name(tmp_path: Path) -> None:
    tracker, journal = make(tmp_path)
    jane = feed(tracker, "+49 30 1234567", "Jane Doe", [EventKind.RINGING, EventKind.ENDED], 0)
    feed(tracker, "+43 1 5551234", "Max Muster", [EventKind.RINGING, EventKind.ENDED], 100)
    for query in ["1234567", "030 1234567", "+49301234567", "jane", "Doe"]:
        assert [e.id for e in journal.search(query)] == [jane], query
    assert journal.search("nobody") == []
    assert [e.id for e in journal.search("Jane", callbacks_only=True)] == [jane]


def test_history_records_merge_into_the_tracked_call_and_resends_update(tmp_path: Path) -> None:
    tracker, journal = make(tmp_path)
    call_id = feed(
        tracker, "+49 30 1234567", None, [EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED], 0
    )
    number = parse_number("+49 30 1234567")
    record = HistoryRecord(
        uuid="u-1",
        direction=Direction.INBOUND,
        remote_raw="49301234567",
        remote_e164=number.e164,
        remote_key=number.key,
        remote_name="Jane Doe",
        started_at=T0 + timedelta(seconds=1),
        duration_seconds=10,
        status="answered",
    )
    assert journal.merge_history(record) == call_id
    resent = HistoryRecord(**{**record.__dict__, "summary": "Customer asked about invoice 42."})
    assert journal.merge_history(resent) == call_id
    entry = journal.get(call_id)
    assert entry is not None and entry.summary == "Customer asked about invoice 42."
    assert entry.remote_name == "Jane Doe"
    assert journal.count() == 1


def test_a_history_record_with_no_tracked_call_becomes_its_own_row(tmp_path: Path) -> None:
    _, journal = make(tmp_path)
    number = parse_number("+49 89 123456")
    record = HistoryRecord(
        uuid="u-2",
        direction=Direction.INBOUND,
        remote_raw="4989123456",
        remote_e164=number.e164,
        remote_key=number.key,
        remote_name=None,
        started_at=T0,
        duration_seconds=0,
        status="missed",
    )
    row = journal.merge_history(record)
    assert journal.merge_history(record) == row
    assert [c.id for c in journal.callbacks()] == [row]


def test_schema_is_versioned_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    reopened = Journal(path)
    assert reopened.schema_version == len(_MIGRATIONS)
    reopened.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _rows_on_disk(path: Path) -> list[tuple[str, str]]:
    """What another process would read: the committed rows, through a connection of its own."""
    with sqlite3.connect(path) as other:
        return sorted(other.execute("SELECT id, state FROM calls").fetchall())


def test_rows_reach_the_disk_by_themselves_soon_after_a_call(tmp_path: Path) -> None:
    import time

    from ctidesk.core.journal import FLUSH_INTERVAL

    tracker, journal = make(tmp_path)
    call_id = feed(tracker, "+49 30 1234567", None, [EventKind.RINGING, EventKind.ENDED], 0)
    deadline = time.monotonic() + 20 * FLUSH_INTERVAL
    while not _rows_on_disk(tmp_path / "journal.sqlite3") and time.monotonic() < deadline:
        time.sleep(FLUSH_INTERVAL / 4)
    assert _rows_on_disk(tmp_path / "journal.sqlite3") == [(call_id, "ended")]
    journal.close()


def test_rows_that_fail_to_commit_stay_queued_and_land_later(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    tracker, journal = make(tmp_path)
    journal._db.execute("PRAGMA busy_timeout=50")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    call_id = feed(tracker, "+49 30 1234567", None, [EventKind.RINGING], 0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        journal.flush()
    later = feed(tracker, "+49 30 1234567", None, [EventKind.ANSWERED], 10)
    assert later == call_id
    blocker.execute("ROLLBACK")
    blocker.close()
    entry = journal.get(call_id)
    assert entry is not None and entry.state == "connected", "the newer change won"
    assert _rows_on_disk(path) == [(call_id, "connected")]
    journal.close()


def test_a_flood_the_writer_cannot_keep_up_with_is_committed_by_the_caller(
    tmp_path: Path,
) -> None:
    from ctidesk.core.journal import QUEUE_LIMIT

    tracker, journal = make(tmp_path)
    journal._stop.set()  # the writer thread stops: as if it never got the GIL
    journal._wake.set()
    journal._writer.join()
    for index in range(QUEUE_LIMIT + 5):
        feed(tracker, f"+49 30 {1000000 + index}", None, [EventKind.RINGING], index)
    on_disk = _rows_on_disk(tmp_path / "journal.sqlite3")
    assert len(on_disk) == QUEUE_LIMIT, "the call that filled the queue committed it"
    assert len(journal.recent(limit=QUEUE_LIMIT + 10)) == QUEUE_LIMIT + 5
