"""Phone end to end in process: sim → Action URL → listener → tracker; control → sim."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from ctidesk.clients.grandstream.action_url import ActionUrlListener
from ctidesk.clients.grandstream.client import GrandstreamClient
from ctidesk.clients.grandstream.control import GrandstreamPhoneControl
from ctidesk.core.calls import CallState, EndCause
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker
from ctidesk.sim.phone import PhoneSimulator

TOKEN = "e2e-token-0123456789"


@dataclass
class Rig:
    sim: PhoneSimulator
    tracker: CallTracker
    control: GrandstreamPhoneControl
    listener: ActionUrlListener


@pytest.fixture(params=["gxp", "dp"])
async def rig(request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    sim = PhoneSimulator(profile=request.param)
    await sim.start()
    tracker = CallTracker()
    client = GrandstreamClient(sim.address, sim.passcode, timeout_seconds=1.0)
    control = GrandstreamPhoneControl(client)
    listener = ActionUrlListener(
        token=TOKEN,
        allowed_hosts=["127.0.0.1"],
        on_event=tracker.handle,
        on_dnd=control.note_dnd,
        mac=sim.mac,
    )
    host, port = await listener.start("127.0.0.1", 0)
    assert sim.configure_action_urls(listener.action_urls(host, port))
    yield Rig(sim, tracker, control, listener)
    await listener.stop()
    await client.aclose()
    await sim.stop()


async def until(condition: Callable[[], bool], sim: PhoneSimulator) -> None:
    for _ in range(100):
        await sim.drain(0.2)
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def test_incoming_call_answer_hold_resume_end(rig: Rig) -> None:
    rig.sim.ring("+4930123456", "Jane Doe")
    await until(lambda: bool(rig.tracker.live_calls()), rig.sim)
    [call] = rig.tracker.live_calls()
    assert call.state is CallState.RINGING
    assert call.remote.e164 == "+4930123456" and call.remote_name == "Jane Doe"

    await rig.control.answer(call)
    assert rig.sim.line(1).state == "connected"
    await until(lambda: rig.tracker.live_calls()[0].state is CallState.CONNECTED, rig.sim)

    await rig.control.hold(rig.tracker.live_calls()[0])
    assert rig.sim.line(1).state == "onhold"
    await until(lambda: rig.tracker.live_calls()[0].state is CallState.HELD, rig.sim)

    await rig.control.resume(rig.tracker.live_calls()[0])
    assert rig.sim.line(1).state == "connected"
    await until(lambda: rig.tracker.live_calls()[0].state is CallState.CONNECTED, rig.sim)

    await rig.control.end(rig.tracker.live_calls()[0])
    assert rig.sim.line(1).state == "idle"
    await until(lambda: not rig.tracker.live_calls(), rig.sim)
    ended = rig.tracker.get(call.id)
    assert ended is not None and ended.ending is EndCause.NORMAL and ended.was_answered


async def test_missed_call_needs_a_callback(rig: Rig) -> None:
    rig.sim.ring("+4930999888")
    await until(lambda: bool(rig.tracker.live_calls()), rig.sim)
    call_id = rig.tracker.live_calls()[0].id
    rig.sim.caller_hangs_up()
    await until(lambda: not rig.tracker.live_calls(), rig.sim)
    ended = rig.tracker.get(call_id)
    assert ended is not None and ended.needs_callback


async def test_dnd_on_and_off(rig: Rig) -> None:
    rig.sim.set_dnd(False)
    rig.control.note_dnd(False)
    await rig.control.set_dnd(True)
    assert rig.sim.dnd
    assert rig.sim.ring("+4930123456") is None, "DND turns callers away"
    await rig.sim.drain()
    assert rig.control.dnd is True
    await rig.control.set_dnd(False)
    assert not rig.sim.dnd
    await rig.sim.drain()
    assert rig.control.dnd is False


async def test_dial_reaches_the_phone_and_the_tracker(rig: Rig) -> None:
    await rig.control.dial(parse_number("+4930555666"))
    assert rig.sim.dialed[-1].number == "030555666"
    await until(
        lambda: any(c.state is CallState.CONNECTED for c in rig.tracker.live_calls()), rig.sim
    )
    [call] = rig.tracker.live_calls()
    assert call.remote.e164 == "+4930555666"
