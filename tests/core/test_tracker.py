"""The tracker turns any mix of reports about one call into exactly one sensible call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ctidesk.core.calls import (
    CallChanged,
    CallEvent,
    CallState,
    ChangeKind,
    Direction,
    EndCause,
    EventKind,
    EventSource,
)
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CALLER = parse_number("+49 30 1234567")


def event(
    kind: EventKind, seconds: float, source: EventSource = EventSource.PHONE, **extra: object
) -> CallEvent:
    return CallEvent(
        source=source,
        kind=kind,
        remote=extra.pop("remote", CALLER),  # type: ignore[arg-type]
        direction=extra.pop("direction", Direction.INBOUND),  # type: ignore[arg-type]
        at=T0 + timedelta(seconds=seconds),
        **extra,  # type: ignore[arg-type]
    )


def tracker_at(seconds: float) -> tuple[CallTracker, list[CallChanged]]:
    tracker = CallTracker(clock=lambda: T0 + timedelta(seconds=seconds))
    changes: list[CallChanged] = []
    tracker.subscribe(changes.append)
    return tracker, changes


def test_answered_inbound_call_runs_through_the_states() -> None:
    tracker, changes = tracker_at(30)
    tracker.handle(event(EventKind.RINGING, 0, remote_name="Jane Doe"))
    tracker.handle(event(EventKind.ANSWERED, 5))
    tracker.handle(event(EventKind.HELD, 10))
    tracker.handle(event(EventKind.RESUMED, 12))
    call = tracker.handle(event(EventKind.ENDED, 20))
    assert [c.change for c in changes] == [
        ChangeKind.CREATED,
        ChangeKind.STATE,
        ChangeKind.STATE,
        ChangeKind.STATE,
        ChangeKind.ENDED,
    ]
    assert [c.call.state for c in changes] == [
        CallState.RINGING,
        CallState.CONNECTED,
        CallState.HELD,
        CallState.CONNECTED,
        CallState.ENDED,
    ]
    assert call.ending is EndCause.NORMAL
    assert call.talk_seconds == 15
    assert call.wait_seconds == 5
    assert not call.needs_callback
    assert tracker.live_calls() == []


def test_unanswered_inbound_call_is_missed_and_needs_a_callback() -> None:
    tracker, _ = tracker_at(30)
    tracker.handle(event(EventKind.RINGING, 0))
    call = tracker.handle(event(EventKind.ENDED, 20))
    assert call.ending is EndCause.MISSED
    assert call.needs_callback


def test_unanswered_outbound_call_is_cancelled() -> None:
    tracker, _ = tracker_at(30)
    tracker.handle(event(EventKind.DIALING, 0, direction=Direction.OUTBOUND))
    call = tracker.handle(event(EventKind.ENDED, 9, direction=Direction.OUTBOUND))
    assert call.ending is EndCause.CANCELLED
    assert not call.needs_callback


def test_rejected_cause_is_kept() -> None:
    tracker, _ = tracker_at(30)
    tracker.handle(event(EventKind.RINGING, 0))
    call = tracker.handle(event(EventKind.ENDED, 3, cause=EndCause.REJECTED))
    assert call.ending is EndCause.REJECTED


def test_hangup_with_no_ring_creates_an_ended_call() -> None:
    tracker, changes = tracker_at(30)
    call = tracker.handle(
        event(EventKind.ENDED, 3, source=EventSource.NFON_CTI, source_call_id="u1")
    )
    assert call.state is CallState.ENDED
    assert call.ending is EndCause.MISSED
    assert [c.change for c in changes] == [ChangeKind.CREATED, ChangeKind.ENDED]


def test_answer_before_ring_is_connected_and_the_late_ring_changes_nothing() -> None:
    tracker, changes = tracker_at(30)
    tracker.handle(event(EventKind.ANSWERED, 5))
    call = tracker.handle(event(EventKind.RINGING, 0, remote_name="Jane"))
    assert call.state is CallState.CONNECTED
    assert call.started_at == T0
    assert call.remote_name == "Jane"
    assert len({c.call.id for c in changes}) == 1


def test_the_same_call_from_phone_and_nfon_is_one_call() -> None:
    tracker, _changes = tracker_at(30)
    a = tracker.handle(event(EventKind.RINGING, 0, source_call_id="sip-1"))
    b = tracker.handle(
        event(EventKind.RINGING, 0.4, source=EventSource.NFON_CTI, source_call_id="n-1")
    )
    assert a.id == b.id
    assert b.source_ids == {"phone": "sip-1", "nfon_cti": "n-1"}
    assert len(tracker.live_calls()) == 1


def test_two_simultaneous_calls_from_different_numbers_stay_apart() -> None:
    tracker, _ = tracker_at(30)
    a = tracker.handle(event(EventKind.RINGING, 0))
    b = tracker.handle(event(EventKind.RINGING, 1, remote=parse_number("+43 1 5551234")))
    assert a.id != b.id
    assert len(tracker.live_calls()) == 2


def test_a_new_call_from_the_same_caller_after_the_first_ended_is_a_new_call() -> None:
    tracker, _ = tracker_at(60)
    first = tracker.handle(event(EventKind.RINGING, 0))
    tracker.handle(event(EventKind.ENDED, 10))
    second = tracker.handle(event(EventKind.RINGING, 40))
    assert first.id != second.id
    assert second.state is CallState.RINGING


def test_a_repeated_hangup_does_not_create_a_phantom_call() -> None:
    tracker, changes = tracker_at(30)
    tracker.handle(event(EventKind.RINGING, 0))
    tracker.handle(event(EventKind.ENDED, 10))
    tracker.handle(event(EventKind.ENDED, 10.5))
    assert len({c.call.id for c in changes}) == 1


def test_a_late_answer_from_a_slower_source_turns_missed_into_answered() -> None:
    tracker, _ = tracker_at(30)
    tracker.handle(event(EventKind.RINGING, 0))
    tracker.handle(event(EventKind.ENDED, 20))
    call = tracker.handle(event(EventKind.ANSWERED, 4, source=EventSource.NFON_CTI))
    assert call.ending is EndCause.NORMAL
    assert call.answered_at == T0 + timedelta(seconds=4)


def test_a_failing_listener_does_not_stop_the_others() -> None:
    tracker, changes = tracker_at(30)

    def broken(_: CallChanged) -> None:
        raise RuntimeError("boom")

    tracker.subscribe(broken)
    tracker.subscribe(changes.append)
    tracker.handle(event(EventKind.RINGING, 0))
    assert len(changes) == 2


def test_note_adds_a_timeline_line_and_tells_listeners() -> None:
    tracker, changes = tracker_at(30)
    call = tracker.handle(event(EventKind.RINGING, 0))
    tracker.note(call.id, "zammad: reject", "zammad", "busy")
    assert changes[-1].change is ChangeKind.NOTE
    assert changes[-1].call.timeline[-1].what == "zammad: reject"


def test_ended_calls_are_forgotten_after_a_while() -> None:
    now = [T0]
    tracker = CallTracker(clock=lambda: now[0])
    call = tracker.handle(event(EventKind.RINGING, 0, source_call_id="x"))
    tracker.handle(event(EventKind.ENDED, 5, source_call_id="x"))
    now[0] = T0 + timedelta(minutes=10)
    tracker.handle(event(EventKind.RINGING, 600, remote=parse_number("+43 1 5551234")))
    assert tracker.get(call.id) is None
    assert tracker.find_by_source_id("phone", "x") is None


# One real inbound call: (kind, seconds after start) in real-time order; each source may report
# every step, some twice, and the reports arrive in any order.
STEPS = [
    (EventKind.RINGING, 0.0),
    (EventKind.ANSWERED, 6.0),
    (EventKind.HELD, 10.0),
    (EventKind.RESUMED, 14.0),
    (EventKind.ENDED, 30.0),
]
SOURCES = [(EventSource.PHONE, None), (EventSource.PHONE, "sip-1"), (EventSource.NFON_CTI, "n-1")]


@st.composite
def one_call_reports(draw: st.DrawFn) -> tuple[list[CallEvent], bool]:
    steps = STEPS if draw(st.booleans()) else [STEPS[0], STEPS[-1]]
    sources = draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=2, unique=True))
    reports: list[CallEvent] = []
    for source, source_id in sources:
        for kind, seconds in steps:
            if draw(st.booleans()) or kind in (EventKind.RINGING, EventKind.ENDED):
                copies = draw(st.integers(min_value=1, max_value=2))
                skew = draw(st.floats(min_value=0, max_value=1.5))
                reports += [
                    event(kind, seconds + skew, source=source, source_call_id=source_id)
                    for _ in range(copies)
                ]
    order = draw(st.permutations(reports))
    return list(order), any(
        r.kind is not EventKind.RINGING and r.kind is not EventKind.ENDED for r in reports
    )


@given(one_call_reports())
@settings(max_examples=300, deadline=None)
def test_any_interleaving_and_duplication_yields_one_sensible_call(
    case: tuple[list[CallEvent], bool],
) -> None:
    reports, answered = case
    tracker, changes = tracker_at(45)
    for report in reports:
        tracker.handle(report)
    assert len({c.call.id for c in changes}) == 1
    final = changes[-1].call
    assert final.state is CallState.ENDED
    assert tracker.live_calls() == []
    if answered:
        assert final.ending is EndCause.NORMAL
        assert final.was_answered
    else:
        assert final.ending is EndCause.MISSED
        assert final.needs_callback
    assert final.started_at <= (final.answered_at or final.ended_at or final.started_at)


any_event = st.builds(
    CallEvent,
    source=st.sampled_from(EventSource),
    kind=st.sampled_from(EventKind),
    remote=st.sampled_from([CALLER, parse_number("anonymous"), parse_number("123")]),
    direction=st.sampled_from(Direction),
    source_call_id=st.one_of(st.none(), st.sampled_from(["a", "b"])),
    line=st.one_of(st.none(), st.integers(1, 3)),
    cause=st.one_of(st.none(), st.sampled_from(EndCause)),
    at=st.datetimes(
        min_value=datetime(2026, 11, 22, 8, 59), max_value=datetime(2026, 11, 22, 9, 1)
    ).map(lambda d: d.replace(tzinfo=UTC)),
)


@given(st.lists(any_event, max_size=40))
@settings(max_examples=300, deadline=None)
def test_no_event_sequence_raises_and_states_stay_consistent(events: list[CallEvent]) -> None:
    tracker, changes = tracker_at(60)
    for e in events:
        tracker.handle(e)
    for change in changes:
        call = change.call
        assert (call.state is CallState.ENDED) == (call.ended_at is not None)
        assert (call.state is CallState.ENDED) == (call.ending is not None)
    assert all(c.is_live for c in tracker.live_calls())
