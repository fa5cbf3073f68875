"""Issue 14, finding 3: a successful callback settles the earlier missed calls from that number,
in the journal (a real Journal on a SQLite file) and in the unseen missed-call count; notes
written after a call land in its journal row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ctidesk.core.callbacks import UNSEEN_KEPT, UnseenMissedCalls
from ctidesk.core.calls import CallChanged, CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import HistoryRecord, Journal
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
MARIA = "+49 89 99998123"
OTHER = "+49 30 1234567"


class World:
    """A tracker feeding a real journal and the unseen missed calls, on a clock the test sets."""

    def __init__(self, tmp_path: Path) -> None:
        self.now = T0
        self.tracker = CallTracker(clock=lambda: self.now)
        self.journal = Journal(tmp_path / "journal.sqlite3")
        self.unseen = UnseenMissedCalls()
        self.tracker.subscribe(self.journal.on_call_changed)
        self.tracker.subscribe(self._unseen_follow)

    def _unseen_follow(self, change: CallChanged) -> None:
        self.unseen.on_call_changed(change)

    def call(self, number: str, direction: Direction, kinds: list[EventKind]) -> str:
        call_id = ""
        for kind in kinds:
            self.now += timedelta(seconds=5)
            call_id = self.tracker.handle(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=kind,
                    remote=parse_number(number),
                    direction=direction,
                    at=self.now,
                )
            ).id
        self.now += timedelta(minutes=5)
        return call_id

    def missed(self, number: str) -> str:
        return self.call(number, Direction.INBOUND, [EventKind.RINGING, EventKind.ENDED])

    def open_callbacks(self) -> list[str]:
        return [e.id for e in self.journal.callbacks()]


def test_an_answered_outbound_callback_settles_the_earlier_missed_calls_of_that_number(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    first = world.missed(MARIA)
    second = world.missed(MARIA)
    other = world.missed(OTHER)
    assert world.open_callbacks() == [other, second, first]
    assert [c.id for c in world.unseen.calls()] == [first, second, other]

    unanswered = world.call(MARIA, Direction.OUTBOUND, [EventKind.DIALING, EventKind.ENDED])
    assert world.open_callbacks() == [other, second, first], "nobody answered: still owed"

    world.call(MARIA, Direction.OUTBOUND, [EventKind.DIALING, EventKind.ANSWERED, EventKind.ENDED])
    assert world.open_callbacks() == [other]
    assert [c.id for c in world.unseen.calls()] == [other]
    settled = world.journal.get(first)
    assert settled is not None and settled.needs_callback and settled.done
    not_owed = world.journal.get(unanswered)
    assert not_owed is not None and not not_owed.needs_callback


def test_the_caller_reaching_the_agent_settles_it_too_but_only_earlier_calls(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    earlier = world.missed(MARIA)
    talking = world.call(MARIA, Direction.INBOUND, [EventKind.RINGING, EventKind.ANSWERED])
    assert world.open_callbacks() == [], "answered (still talking) is enough"
    assert world.unseen.calls() == []
    assert world.call(MARIA, Direction.INBOUND, [EventKind.ENDED]) == talking
    later = world.missed(MARIA)
    assert world.open_callbacks() == [later]
    assert world.journal.get(earlier).done  # type: ignore[union-attr]


def test_an_answered_anonymous_call_settles_no_anonymous_missed_call(tmp_path: Path) -> None:
    world = World(tmp_path)
    hidden = world.missed("anonymous")
    world.call("anonymous", Direction.INBOUND, [EventKind.RINGING, EventKind.ANSWERED])
    assert world.open_callbacks() == [hidden]
    assert [c.id for c in world.unseen.calls()] == [hidden]


def test_nfon_history_settles_and_is_settled(tmp_path: Path) -> None:
    world = World(tmp_path)
    number = parse_number(MARIA)
    missed = world.missed(MARIA)

    def record(uuid: str, status: str, direction: Direction, at: datetime) -> HistoryRecord:
        return HistoryRecord(
            uuid=uuid,
            direction=direction,
            remote_raw=MARIA,
            remote_e164=number.e164,
            remote_key=number.key,
            remote_name=None,
            started_at=at,
            duration_seconds=60,
            status=status,
        )

    callback = world.journal.merge_history(
        record("u-1", "answered", Direction.OUTBOUND, world.now + timedelta(hours=1))
    )
    assert callback == "nfon-u-1"
    assert world.open_callbacks() == [], "a callback from a mobile, learnt from NFON"
    late_missed = world.journal.merge_history(
        record("u-2", "missed", Direction.INBOUND, world.now + timedelta(minutes=30))
    )
    assert world.open_callbacks() == [], "already settled by the later answered call"
    assert world.journal.get(late_missed).done  # type: ignore[union-attr]
    assert world.journal.get(missed).done  # type: ignore[union-attr]


def test_seen_calls_leave_the_count_but_stay_owed_in_the_journal(tmp_path: Path) -> None:
    world = World(tmp_path)
    first = world.missed(MARIA)
    second = world.missed(OTHER)
    assert world.unseen.mark_seen([second, "unknown"]) == [second]
    assert [c.id for c in world.unseen.calls()] == [first]
    assert world.unseen.mark_seen() == [first]
    assert len(world.unseen) == 0
    assert world.open_callbacks() == [second, first]


def test_unseen_missed_calls_stay_bounded_over_weeks_of_running(tmp_path: Path) -> None:
    world = World(tmp_path)
    first = world.missed("+49 30 1000000")
    for index in range(UNSEEN_KEPT):
        world.missed(f"+49 30 2{index:06d}")
    assert len(world.unseen) == UNSEEN_KEPT
    assert world.unseen.get(first) is None, "the oldest was let go"
    owed = world.journal.get(first)
    assert owed is not None and owed.needs_callback and not owed.done, "still owed in the journal"


def test_after_call_notes_are_stored_and_survive_later_changes_of_the_row(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    answered = world.call(
        MARIA, Direction.INBOUND, [EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED]
    )
    world.journal.set_notes(answered, "wants a quote for 200 rolls\nby Friday")
    world.tracker.note(answered, "zammad", "zammad")  # a later change rewrites the row
    world.journal.flush()
    world.journal.close()
    reopened = Journal(tmp_path / "journal.sqlite3")
    entry = reopened.get(answered)
    assert entry is not None and entry.notes == "wants a quote for 200 rolls\nby Friday"
    reopened.close()
