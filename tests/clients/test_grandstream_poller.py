"""The line-status poller: events from readings, debounce, adaptive interval, status, back-off."""

from __future__ import annotations

import asyncio

import pytest

from ctidesk.clients.grandstream.client import GrandstreamClient
from ctidesk.clients.grandstream.errors import PhoneUnreachable
from ctidesk.clients.grandstream.models import LineState, LineStatus
from ctidesk.clients.grandstream.poller import LineStatusPoller
from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.ports import ReachState, SystemStatus
from ctidesk.core.tracker import CallTracker
from ctidesk.sim.phone import PhoneSimulator


def reading(state: str, number: str = "", line: int = 1) -> list[LineStatus]:
    return [
        LineStatus(line=line, state=LineState(state), remote_number=number),
        LineStatus(line=2 if line == 1 else 1, state=LineState.IDLE),
    ]


def make(events: list[CallEvent], **kwargs: object) -> LineStatusPoller:
    async def never() -> list[LineStatus]:
        raise AssertionError("not polled")

    return LineStatusPoller(never, on_event=events.append, **kwargs)  # type: ignore[arg-type]


def test_a_whole_call_from_confirmed_readings() -> None:
    events: list[CallEvent] = []
    poller = make(events)
    for state in ("ringing", "connected", "onhold", "connected", "idle"):
        poller.feed(reading(state, "+4930123456" if state != "idle" else ""))
        assert len(events) < 5
        poller.feed(reading(state, "+4930123456" if state != "idle" else ""))
    assert [e.kind for e in events] == [
        EventKind.RINGING,
        EventKind.ANSWERED,
        EventKind.HELD,
        EventKind.RESUMED,
        EventKind.ENDED,
    ]
    assert all(e.source is EventSource.PHONE_POLL and e.line == 1 for e in events)
    assert events[0].direction is Direction.INBOUND
    assert events[-1].remote.e164 == "+4930123456"


def test_flapping_reading_invents_nothing() -> None:
    events: list[CallEvent] = []
    poller = make(events)
    for _ in range(10):
        poller.feed(reading("ringing", "+4930123456"))
        poller.feed(reading("idle"))
    assert events == []


def test_outgoing_and_a_new_call_on_the_same_line() -> None:
    events: list[CallEvent] = []
    poller = make(events, confirmations=1)
    poller.feed(reading("dialing"))
    poller.feed(reading("calling", "030123"))
    poller.feed(reading("connected", "030123"))
    poller.feed(reading("ringing", "+4930999"))
    assert [(e.kind, e.direction, e.remote.raw) for e in events] == [
        (EventKind.DIALING, Direction.OUTBOUND, "030123"),
        (EventKind.ANSWERED, Direction.OUTBOUND, "030123"),
        (EventKind.ENDED, Direction.OUTBOUND, "030123"),
        (EventKind.RINGING, Direction.INBOUND, "+4930999"),
    ]


def test_interval_is_fast_while_a_call_is_live() -> None:
    poller = make([], idle_interval=5.0, active_interval=0.5)
    assert poller.next_interval() == 5.0
    poller.feed(reading("ringing", "1"))
    assert poller.next_interval() == 0.5, "a pending change is confirmed quickly"
    poller.feed(reading("idle"))
    assert poller.next_interval() == 5.0


async def test_unreachable_backs_off_and_reports_status_once() -> None:
    statuses: list[SystemStatus] = []
    attempts = 0

    async def unreachable() -> list[LineStatus]:
        nonlocal attempts
        attempts += 1
        if attempts > 4:
            return reading("idle")
        raise PhoneUnreachable("phone.example", "no route")

    poller = LineStatusPoller(
        unreachable,
        on_event=lambda e: None,
        on_status=statuses.append,
        idle_interval=1.0,
        max_backoff=4.0,
    )
    delays = [await poller.poll_once() for _ in range(5)]
    assert delays == [1.0, 2.0, 4.0, 4.0, 1.0]
    assert [s.state for s in statuses] == [ReachState.UNREACHABLE, ReachState.OK]
    assert "phone.example" in statuses[0].detail


async def test_polling_the_simulator_feeds_the_tracker() -> None:
    sim = PhoneSimulator(profile="gxp")
    await sim.start()
    client = GrandstreamClient(sim.address, sim.passcode, timeout_seconds=0.5)
    tracker = CallTracker()
    statuses: list[SystemStatus] = []
    poller = LineStatusPoller(
        client.read_lines,
        on_event=tracker.handle,
        on_status=statuses.append,
        idle_interval=0.02,
        active_interval=0.02,
    )
    try:
        poller.start()
        sim.ring("+4930123456", "Jane Doe")
        for _ in range(100):
            if tracker.live_calls():
                break
            await asyncio.sleep(0.02)
        [call] = tracker.live_calls()
        assert call.remote_name == "Jane Doe" and call.line == 1
        sim.caller_hangs_up()
        for _ in range(100):
            if not tracker.live_calls():
                break
            await asyncio.sleep(0.02)
        assert tracker.live_calls() == []
        ended = tracker.get(call.id)
        assert ended is not None and ended.needs_callback
    finally:
        await poller.stop()
        await client.aclose()
        await sim.stop()
    assert statuses[0].state is ReachState.OK


@pytest.mark.parametrize("popup", [True, False])
async def test_rejected_passcode_pauses_polling(popup: bool) -> None:
    sim = PhoneSimulator(profile="gxp", popup_window_support=popup)
    await sim.start()
    client = GrandstreamClient(sim.address, sim.passcode if popup else "wrong")
    statuses: list[SystemStatus] = []
    poller = LineStatusPoller(client.read_lines, on_event=lambda e: None, on_status=statuses.append)
    try:
        await client.family()
        await poller.poll_once()
        asked = len(sim.requests)
        await poller.poll_once()
        assert len(sim.requests) == asked, "no retry with a rejected passcode"
        assert poller.paused and statuses[-1].state is ReachState.AUTH_FAILED
        sim.popup_window_support = False
        client.set_passcode(sim.passcode)
        poller.resume()
        await poller.poll_once()
        assert statuses[-1].state is ReachState.OK
    finally:
        await client.aclose()
        await sim.stop()
