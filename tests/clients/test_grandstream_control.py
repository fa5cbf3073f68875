"""`GrandstreamPhoneControl` against the simulator: each button on each model family."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from ctidesk.clients.grandstream.client import GrandstreamClient
from ctidesk.clients.grandstream.control import GrandstreamPhoneControl
from ctidesk.clients.grandstream.errors import DndStateUnknown, NoMatchingLine
from ctidesk.clients.grandstream.models import LineState, LineStatus, PhoneFamily
from ctidesk.core.calls import Call, CallState, Direction
from ctidesk.core.numbers import parse_number
from ctidesk.sim.phone import PhoneSimulator


def call_from(number: str, line: int | None = None) -> Call:
    return Call(
        id="c1",
        direction=Direction.INBOUND,
        remote=parse_number(number),
        state=CallState.RINGING,
        started_at=datetime.now(UTC),
        line=line,
    )


@pytest.fixture(params=["gxp", "grp", "dp", "wp"])
async def phone(request: pytest.FixtureRequest) -> AsyncIterator[PhoneSimulator]:
    sim = PhoneSimulator(profile=request.param)
    await sim.start()
    yield sim
    await sim.stop()


def control_for(sim: PhoneSimulator, **kwargs: object) -> GrandstreamPhoneControl:
    client = GrandstreamClient(sim.address, sim.passcode, timeout_seconds=0.5)
    return GrandstreamPhoneControl(client, **kwargs)  # type: ignore[arg-type]


async def test_answer_hold_resume_end_on_every_family(phone: PhoneSimulator) -> None:
    seen: list[list[LineStatus]] = []
    control = control_for(phone, on_lines=seen.append)
    try:
        phone.ring("+4930123456", "Jane")
        call = call_from("+4930123456")
        await control.answer(call)
        assert phone.line(1).state == "connected"
        assert seen[-1][0].state is LineState.CONNECTED
        await control.hold(call)
        assert phone.line(1).state == "onhold"
        await control.resume(call)
        assert phone.line(1).state == "connected"
        await control.end(call)
        assert phone.line(1).state == "idle"
        phone.ring("+4930999")
        await control.reject(call_from("+4930999"))
        assert phone.line(1).state == "idle"
        with pytest.raises(NoMatchingLine):
            await control.answer(call)
    finally:
        await control.client.aclose()


async def test_dial_reaches_the_phone_on_every_family(phone: PhoneSimulator) -> None:
    control = control_for(phone, outside_line_prefix="0")
    try:
        await control.dial(parse_number("+4930123456"))
    finally:
        await control.client.aclose()
    assert phone.dialed[-1].number == "0030123456"
    expected_via = "make_call" if phone.profile.family in ("grp", "dp") else "keys"
    assert phone.dialed[-1].via == expected_via


async def test_dial_uses_make_call_template_on_gxp_when_configured() -> None:
    sim = PhoneSimulator(profile="gxp")
    await sim.start()
    client = GrandstreamClient(
        sim.address,
        sim.passcode,
        make_call_template="phonenumber={number}&account={account0}&password={passcode}",
    )
    control = GrandstreamPhoneControl(client)
    try:
        await control.dial(parse_number("+441234567890"), account=2)
    finally:
        await client.aclose()
        await sim.stop()
    assert sim.dialed[-1].number == "00441234567890"
    assert sim.dialed[-1].account == 2


async def test_end_cancels_an_outgoing_call() -> None:
    sim = PhoneSimulator(profile="gxp", auto_answer_outgoing=None)
    await sim.start()
    control = control_for(sim)
    try:
        await control.dial(parse_number("030123"))
        assert sim.line(1).state == "calling"
        await control.end(call_from("030123"))
        assert sim.line(1).state == "idle"
    finally:
        await control.client.aclose()
        await sim.stop()


async def test_dp_command_goes_to_the_calls_line() -> None:
    sim = PhoneSimulator(profile="dp")
    await sim.start()
    control = control_for(sim)
    try:
        sim.ring("+4930111", line=1)
        sim.ring("+4930222", line=2)
        await control.answer(call_from("+4930222", line=2))
        assert sim.line(2).state == "connected" and sim.line(1).state == "ringing"
        await control.reject(call_from("+4930999", line=1))
        assert sim.line(1).state == "idle"
    finally:
        await control.client.aclose()
        await sim.stop()


async def test_dnd_on_dp_uses_device_operation() -> None:
    sim = PhoneSimulator(profile="dp")
    await sim.start()
    control = control_for(sim)
    try:
        await control.set_dnd(True)
        assert sim.dnd and control.dnd is True
        await control.set_dnd(False)
        assert not sim.dnd
    finally:
        await control.client.aclose()
        await sim.stop()


async def test_dnd_toggle_on_gxp_needs_a_known_state() -> None:
    sim = PhoneSimulator(profile="gxp")
    await sim.start()
    control = control_for(sim)
    try:
        with pytest.raises(DndStateUnknown):
            await control.set_dnd(True)
        assert not sim.dnd
        control.note_dnd(False)
        await control.set_dnd(True)
        assert sim.dnd
        await control.set_dnd(True)
        assert sim.dnd, "already on: no second toggle"
        await control.set_dnd(False)
        assert not sim.dnd
    finally:
        await control.client.aclose()
        await sim.stop()


async def test_dnd_with_session_reads_the_phone() -> None:
    sim = PhoneSimulator(profile="gxp")
    await sim.start()
    client = GrandstreamClient(sim.address, sim.passcode, auth="session", family=PhoneFamily.GXP)
    control = GrandstreamPhoneControl(client)
    try:
        sim.set_dnd(True)
        await control.set_dnd(False)
        assert not sim.dnd and control.dnd is False
        await control.set_dnd(True)
        assert sim.dnd
    finally:
        await client.logout()
        await client.aclose()
        await sim.stop()
