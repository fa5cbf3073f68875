"""Statistics in SQL over the journal: counts per day and hour, waiting/talking time, callbacks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import HistoryRecord, Journal
from ctidesk.core.journal_reader import JournalReader
from ctidesk.core.numbers import parse_number
from ctidesk.core.statistics import Period, open_callbacks_total
from ctidesk.core.tracker import CallTracker

CET = timezone(timedelta(hours=1))
DAY = datetime(2026, 3, 2, tzinfo=CET)


def call(
    tracker: CallTracker,
    number: str,
    at: datetime,
    steps: list[tuple[EventKind, float]],
    direction: Direction = Direction.INBOUND,
) -> str:
    call_id = ""
    for kind, after in steps:
        event = CallEvent(
            source=EventSource.PHONE,
            kind=kind,
            remote=parse_number(number),
            direction=direction,
            at=at + timedelta(seconds=after),
        )
        call_id = tracker.handle(event).id
    return call_id


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[tuple[CallTracker, Journal, JournalReader]]:
    journal = Journal(tmp_path / "journal.sqlite3")
    tracker = CallTracker(clock=lambda: DAY + timedelta(days=10))
    tracker.subscribe(journal.on_call_changed)
    reader = JournalReader(tmp_path / "journal.sqlite3")
    yield tracker, journal, reader
    reader.close()
    journal.close()


def test_counts_per_day_and_hour_waiting_talking_and_callbacks(
    journal: tuple[CallTracker, Journal, JournalReader], tmp_path: Path
) -> None:
    tracker, store, reader = journal
    ring, answer, end = EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED
    # Day 1, 09:xx local: answered after 10 s, talked 50 s.
    call(tracker, "+49301111111", DAY.replace(hour=9), [(ring, 0), (answer, 10), (end, 60)])
    # Day 1, 09:30: missed after 20 s of ringing.
    missed = call(tracker, "+49302222222", DAY.replace(hour=9, minute=30), [(ring, 0), (end, 20)])
    # Day 1, 14:00: outbound, answered after 5 s, talked 100 s (no waiting time counted).
    call(
        tracker,
        "+49303333333",
        DAY.replace(hour=14),
        [(EventKind.DIALING, 0), (answer, 5), (end, 105)],
        Direction.OUTBOUND,
    )
    # Day 2, 23:30 local (22:30 UTC): answered after 30 s, talked 30 s.
    day2 = (DAY + timedelta(days=1)).replace(hour=23, minute=30)
    call(tracker, "+49304444444", day2, [(ring, 0), (answer, 30), (end, 60)])
    # Day 2, missed, then called back and marked done.
    done = call(tracker, "+49305555555", day2 - timedelta(hours=2), [(ring, 0), (end, 5)])
    store.set_done(done)
    # Outside the period: must not count.
    call(tracker, "+49306666666", DAY - timedelta(hours=1), [(ring, 0), (end, 5)])
    store.flush()

    stats = reader.statistics(Period(DAY, DAY + timedelta(days=2)))

    assert stats.total == 5
    assert (stats.inbound, stats.outbound) == (4, 1)
    assert (stats.answered, stats.missed) == (3, 2)
    assert stats.waiting_calls == 2
    assert stats.average_wait == pytest.approx(20.0)
    assert stats.longest_wait == pytest.approx(30.0)
    assert stats.talking_seconds == pytest.approx(50 + 100 + 30)
    assert stats.average_talk == pytest.approx(60.0)
    assert stats.answer_rate == pytest.approx(0.5)
    assert stats.open_callbacks == 1
    assert [d.day.isoformat() for d in stats.days] == ["2026-03-02", "2026-03-03"]
    first, second = stats.days
    assert (first.total, first.answered, first.missed, first.not_reached) == (3, 2, 1, 0)
    assert (second.total, second.answered, second.missed) == (2, 1, 1)
    assert second.average_wait == pytest.approx(30.0)
    by_hour = {h.hour: (h.total, h.answered, h.missed) for h in stats.hours if h.total}
    assert by_hour == {9: (2, 1, 1), 14: (1, 1, 0), 21: (1, 0, 1), 23: (1, 1, 0)}
    raw = sqlite3.connect(tmp_path / "journal.sqlite3")
    assert open_callbacks_total(raw) == 2
    raw.close()
    assert missed in {e.id for e in store.callbacks()}


def test_empty_period_has_every_day_and_hour_with_zeros(
    journal: tuple[CallTracker, Journal, JournalReader],
) -> None:
    _, _, reader = journal
    stats = reader.statistics(Period(DAY, DAY + timedelta(days=7)))
    assert stats.total == 0
    assert len(stats.days) == 7
    assert len(stats.hours) == 24
    assert stats.average_wait == stats.average_talk == stats.answer_rate == 0.0


def test_nfon_history_rows_count_like_tracker_rows(
    journal: tuple[CallTracker, Journal, JournalReader],
) -> None:
    _, store, reader = journal
    number = parse_number("+49307777777")
    store.merge_history(
        HistoryRecord(
            uuid="u1",
            direction=Direction.INBOUND,
            remote_raw=number.raw,
            remote_e164=number.e164,
            remote_key=number.key,
            remote_name=None,
            started_at=DAY.replace(hour=10),
            duration_seconds=0,
            status="missed",
        )
    )
    stats = reader.statistics(Period(DAY, DAY + timedelta(days=1)))
    assert (stats.total, stats.missed, stats.open_callbacks) == (1, 1, 1)


def test_last_days_period_follows_local_midnight() -> None:
    now = datetime(2026, 3, 5, 15, 0, tzinfo=CET)
    period = Period.last_days(7, now)
    assert period.start == datetime(2026, 2, 27, tzinfo=CET)
    assert period.end == datetime(2026, 3, 6, tzinfo=CET)


def test_period_rejects_naive_or_reversed_times() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Period(datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="end after"):
        Period(DAY, DAY)
    assert Period(DAY, DAY + timedelta(hours=1)).start.tzinfo is not None


def test_live_calls_are_in_progress_not_an_outcome_and_not_in_the_answer_rate(
    journal: tuple[CallTracker, Journal, JournalReader],
) -> None:
    """Issue 14, finding 5: a call still ringing counted as "other" and in the answer rate's
    denominator, and outbound answered calls in the ring but not in its centre figure."""
    tracker, store, reader = journal
    ring, answer, end = EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED
    call(tracker, "+49301111111", DAY.replace(hour=9), [(ring, 0), (answer, 10), (end, 60)])
    call(tracker, "+49302222222", DAY.replace(hour=10), [(ring, 0), (answer, 10), (end, 60)])
    call(tracker, "+49303333333", DAY.replace(hour=11), [(ring, 0), (end, 20)])
    call(tracker, "+49304444444", DAY.replace(hour=12), [(ring, 0)])
    call(tracker, "+49305555555", DAY.replace(hour=13), [(ring, 0), (answer, 5)])
    call(
        tracker,
        "+49306666666",
        DAY.replace(hour=14),
        [(EventKind.DIALING, 0), (answer, 5), (end, 50)],
        Direction.OUTBOUND,
    )
    call(
        tracker,
        "+49307777777",
        DAY.replace(hour=15),
        [(EventKind.DIALING, 0), (end, 30)],
        Direction.OUTBOUND,
    )
    store.flush()

    stats = reader.statistics(Period(DAY, DAY + timedelta(days=1)))

    assert stats.total == 7
    assert stats.in_progress == 2
    assert (stats.answered, stats.missed) == (3, 1)
    assert (stats.inbound_answered, stats.inbound_ended) == (2, 3)
    assert stats.answer_rate == pytest.approx(2 / 3)
    (day,) = stats.days
    assert (day.answered, day.missed, day.not_reached, day.in_progress) == (3, 1, 1, 2)
    by_hour = {h.hour: (h.in_progress, h.not_reached) for h in stats.hours if h.total}
    assert by_hour[12] == (1, 0) and by_hour[13] == (1, 0) and by_hour[15] == (0, 1)
