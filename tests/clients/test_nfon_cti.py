"""CTI API client against the simulator: session, states, click-to-dial, call events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx
import pytest

from ctidesk import USER_AGENT
from ctidesk.clients.nfon.cti import (
    CallAggregator,
    CtiCall,
    CtiClient,
    CtiSession,
    LineState,
    LineStatus,
    Presence,
    parse_cti_call,
    parse_line_status,
)
from ctidesk.clients.nfon.errors import CtiLoginError, NfonApiError
from ctidesk.core.calls import CallEvent, CallState, EndCause, EventKind, EventSource
from ctidesk.core.tracker import CallTracker
from ctidesk.sim.nfon import NfonSimulator


async def _until(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


class Dialled:
    """A stand-in for the phone simulator's ring hook."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, caller_extension: str, callee_number: str) -> None:
        self.calls.append((caller_extension, callee_number))


@pytest.fixture
async def sim() -> AsyncIterator[NfonSimulator]:
    simulator = NfonSimulator(on_originate=Dialled(), auto_answer_originate=None)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _client(
    sim: NfonSimulator, http: httpx.AsyncClient, clock: Callable[[], float] | None = None
) -> CtiClient:
    session = CtiSession(
        http,
        sim.cti_url,
        "K9999",
        lambda: "cti-password",
        customer="K9999",
        **({"clock": clock} if clock else {}),
    )
    return CtiClient(http, sim.cti_url, session, customer="K9999", own_extension="1001")


async def test_login_renew_and_relogin(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    now = [0.0]
    client = _client(sim, http, clock=lambda: now[0])
    extensions = await client.extensions()
    assert [e.extension_number for e in extensions] == ["1001", "1002"]
    assert extensions[0].uuid == "1001@K9999"
    login = sim.requests_to("/v1/login", "POST")[0]
    assert login.headers["User-Agent"] == f"{USER_AGENT} (K9999)"
    now[0] = 241.0
    await client.extensions()
    assert len(sim.requests_to("/v1/login", "PUT")) == 1
    now[0] = 500.0
    sim.expire_cti_refresh()
    await client.extensions()
    assert len(sim.requests_to("/v1/login", "POST")) == 2


async def test_expired_token_gets_401_then_renewed(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    client = _client(sim, http)
    await client.extensions()
    sim.expire_tokens()
    await client.extensions()
    assert len(sim.requests_to("/v1/login", "PUT")) == 1


async def test_bad_password_says_what_to_do(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    session = CtiSession(http, sim.cti_url, "K9999", lambda: "wrong", customer="K9999")
    client = CtiClient(http, sim.cti_url, session, customer="K9999", own_extension="1001")
    with pytest.raises(CtiLoginError, match="nfon_cti_password"):
        await client.extensions()
    missing = CtiSession(http, sim.cti_url, "K9999", lambda: None)
    with pytest.raises(CtiLoginError, match="no API username or password"):
        await missing.access_token()


async def test_click_to_dial_fires_originate_hook_and_cancel(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    client = _client(sim, http)
    dialled = sim.on_originate
    assert isinstance(dialled, Dialled)

    call = await client.originate("+49 30 1234567")

    assert call.state == "start" and call.uuid
    body = sim.originated()[0]
    assert body["callee"] == "49301234567" and body["callee_context"] == "global"
    assert body["caller"] == "1001" and body["extension"] == "1001"
    await _until(lambda: dialled.calls == [("1001", "49301234567")])
    await client.cancel(call.uuid)
    assert sim.originated()[0]["state"] == "end"
    with pytest.raises(NfonApiError) as caught:
        await client.cancel(call.uuid)
    assert caught.value.status == 404 and caught.value.request_id


async def test_click_to_dial_to_an_extension_stays_in_the_tenant(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    client = _client(sim, http)
    await client.originate("1002")
    body = sim.originated()[0]
    assert (body["callee"], body["callee_context"]) == ("1002", "K9999")


async def test_states_snapshot_and_stream(sim: NfonSimulator, http: httpx.AsyncClient) -> None:
    client = _client(sim, http)
    snapshot = await client.line_states(["1002"])
    assert [s.extension for s in snapshot] == ["1002"]
    seen: list[LineStatus] = []
    task = asyncio.get_running_loop().create_task(client.watch_line_states(seen.append))
    try:
        await _until(lambda: len(seen) == 2)
        sim.set_line_state("1002", "ringing", None)
        await _until(lambda: len(seen) == 3)
        assert seen[-1].line is LineState.RINGING and seen[-1].presence is Presence.NONE
        assert client.known_states["1002"].line is LineState.RINGING
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_call_stream_needs_event_stream_accept(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    client = _client(sim, http)
    token = await client._session.access_token()
    answer = await http.get(
        sim.cti_url + "/extensions/phone/calls",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    assert answer.status_code == 406 and answer.headers["X-Request-Id"]


async def test_call_stream_drives_tracker_for_own_extension_only(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    client = _client(sim, http)
    tracker = CallTracker()
    events: list[CallEvent] = []
    legs: list[CtiCall] = []

    def handle(event: CallEvent) -> None:
        events.append(event)
        tracker.handle(event)

    task = asyncio.get_running_loop().create_task(client.watch_calls(handle, legs.append))
    try:
        await _until(lambda: sim.open_call_streams == 1)
        sim.inbound_call("0891234567", "1001", extra_legs=("1002",))
        sim.inbound_call("0301111111", "1002")
        sim.emit_call_event(uuid="x-1", state="bridge", extension="1001", direction="inbound")
        sim.inbound_call("015112345678", "1001", answered=False)
        await _until(lambda: len(events) == 5)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [e.kind for e in events] == [
        EventKind.RINGING,
        EventKind.ANSWERED,
        EventKind.ENDED,
        EventKind.RINGING,
        EventKind.ENDED,
    ]
    assert all(e.source is EventSource.NFON_CTI for e in events)
    assert events[0].remote.e164 == "+49891234567"
    assert events[2].cause is EndCause.NORMAL and events[4].cause is EndCause.MISSED
    assert len(legs) == 1 + 3 + 2 + 3 + 2  # every raw event reached the team view
    calls = sorted(tracker._ended.values(), key=lambda c: c.started_at)
    assert [c.state for c in calls] == [CallState.ENDED, CallState.ENDED]
    assert calls[1].needs_callback


async def test_originate_produces_outbound_events_with_late_dial(
    sim: NfonSimulator, http: httpx.AsyncClient
) -> None:
    client = _client(sim, http)
    events: list[CallEvent] = []
    task = asyncio.get_running_loop().create_task(client.watch_calls(events.append))
    try:
        await _until(lambda: sim.open_call_streams == 1)
        call = await client.originate("+4930123456")
        await _until(lambda: len(events) == 1)
        sim.answer_originated(call.uuid)
        await _until(lambda: len(events) == 2)
        sim.hangup_originated(call.uuid)
        await _until(lambda: len(events) == 3)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [e.kind for e in events] == [EventKind.DIALING, EventKind.ANSWERED, EventKind.ENDED]
    assert events[0].remote.e164 == "+4930123456"
    assert events[2].cause is EndCause.NORMAL


def _call(state: str, **extra: object) -> CtiCall:
    data = {"uuid": "u-1", "state": state, "caller": "4930123", "caller_context": "global"}
    data |= {"callee": "1001", "callee_context": "K9999", "direction": "inbound"}
    parsed = parse_cti_call(data | extra)
    assert parsed is not None
    return parsed


def test_aggregator_hangup_without_prior_events_and_repeated_end() -> None:
    aggregator = CallAggregator("1001")
    ended = aggregator.feed(_call("hangup", extension="1001"))
    assert [e.kind for e in ended] == [EventKind.ENDED] and ended[0].cause is EndCause.MISSED
    assert aggregator.feed(_call("end", extension="1001")) == []
    assert aggregator.live_legs() == []


def test_aggregator_keys_legs_by_uuid_and_extension_and_infers_extension() -> None:
    aggregator = CallAggregator("1001")
    assert aggregator.feed(_call("ring"))[0].source_call_id == "u-1/1001"
    aggregator.feed(_call("ring", callee="1002", extension="1002"))
    assert {leg.extension for leg in aggregator.live_legs()} == {"1001", "1002"}
    assert aggregator.feed(_call("ring")) == []
    rejected = aggregator.feed(_call("hangup", error="reject"))
    assert rejected[0].cause is EndCause.REJECTED
    assert [leg.extension for leg in aggregator.live_legs()] == ["1002"]


def test_parsers_are_lenient() -> None:
    state = parse_line_status(
        {
            "extension": 1001,
            "line": "on-fire",
            "presence": None,
            "updated": "2013-10-27T13:01:10:00.069620809+02:00",
        }
    )
    assert state is not None and state.extension == "1001"
    assert state.line is LineState.UNKNOWN and state.presence is Presence.NONE
    assert state.updated == datetime(2013, 10, 27, 11, 1, 10, 69620, tzinfo=UTC)
    assert parse_line_status({"line": "idle"}) is None
    assert parse_cti_call({"state": "ring"}) is None
    assert parse_cti_call(["not", "a", "call"]) is None
