"""Dialling while a line is busy: the call goes out on a free line and the busy one is untouched.

Against the phone simulator over loopback HTTP. Pressing the line key of a ringing line answers
that caller and the key of a held line resumes it, so dialling must never press the key of a
busy line; with every line busy the phone is not touched at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from ctidesk.clients.grandstream.client import GrandstreamClient
from ctidesk.clients.grandstream.control import GrandstreamPhoneControl
from ctidesk.clients.grandstream.errors import AllLinesBusy, PhoneRefused
from ctidesk.core.numbers import parse_number
from ctidesk.sim.phone import PhoneSimulator

KEY_PROFILES = ["gxp", "gxp16", "wp"]
ALL_PROFILES = [*KEY_PROFILES, "grp", "dp"]


@pytest.fixture(params=ALL_PROFILES)
async def phone(request: pytest.FixtureRequest) -> AsyncIterator[PhoneSimulator]:
    sim = PhoneSimulator(profile=request.param, auto_answer_outgoing=None)
    await sim.start()
    yield sim
    await sim.stop()


def control_for(
    sim: PhoneSimulator, transport: httpx.AsyncBaseTransport | None = None
) -> GrandstreamPhoneControl:
    client = GrandstreamClient(sim.address, sim.passcode, timeout_seconds=1.0, transport=transport)
    return GrandstreamPhoneControl(client)


def dial_requests(sim: PhoneSimulator) -> list[str]:
    return [r.path for r in sim.requests if r.path.endswith(("api-make_call", "api-send_key"))]


async def test_dialling_while_line_1_rings_leaves_the_caller_ringing(
    phone: PhoneSimulator,
) -> None:
    phone.ring("+4930999", "Caller")
    control = control_for(phone)
    try:
        await control.dial(parse_number("030123456"))
    finally:
        await control.client.aclose()
    assert phone.line(1).state == "ringing"
    assert phone.line(1).remote_number == "+4930999"
    (dialled,) = phone.dialed
    assert dialled.number == "030123456"
    assert dialled.line == 2
    assert phone.line(2).state == "calling"
    assert "LINE1" not in phone.pressed


async def test_dialling_while_line_1_holds_a_call_keeps_it_on_hold(phone: PhoneSimulator) -> None:
    phone.ring("+4930999")
    phone.answer(1)
    phone.toggle_hold(1)
    control = control_for(phone)
    try:
        await control.dial(parse_number("030123456"))
    finally:
        await control.client.aclose()
    assert phone.line(1).state == "onhold"
    assert phone.dialed[-1].line == 2
    assert phone.line(2).state == "calling"


@pytest.mark.parametrize("profile", KEY_PROFILES)
async def test_key_dialling_takes_the_next_free_line_after_the_accounts_own(profile: str) -> None:
    sim = PhoneSimulator(profile=profile, auto_answer_outgoing=None)
    await sim.start()
    control = control_for(sim)
    try:
        sim.ring("+4930222", line=2)
        await control.dial(parse_number("030123456"), account=2)
        assert sim.pressed[0] == "LINE3"
        assert sim.dialed[-1].line == 3
        # Its own line free again: the account's line key is used, as before.
        sim.caller_hangs_up(2)
        await control.dial(parse_number("030777"), account=2)
        assert sim.dialed[-1].line == 2
        # The last line busy and nothing free after it: wrap round to the first free one.
        sim.end(2)
        sim.end(3)
        last = len(sim.lines)
        sim.ring("+4930333", line=last)
        await control.dial(parse_number("030888"), account=last)
        assert sim.dialed[-1].line == 1
    finally:
        await control.client.aclose()
        await sim.stop()


async def test_all_lines_busy_is_one_sentence_and_the_phone_is_not_touched(
    phone: PhoneSimulator,
) -> None:
    for n in range(len(phone.lines)):
        phone.ring(f"+49301000{n}")
    phone.answer(1)
    phone.toggle_hold(1)
    before = [(line.state, line.remote_number) for line in phone.lines]
    control = control_for(phone)
    try:
        with pytest.raises(AllLinesBusy) as caught:
            await control.dial(parse_number("030123456"))
    finally:
        await control.client.aclose()
    message = str(caught.value)
    assert message == (
        f"all {len(phone.lines)} lines of the phone are busy; end or reject a call on the phone, "
        "then dial again."
    )
    assert dial_requests(phone) == []
    assert [(line.state, line.remote_number) for line in phone.lines] == before
    assert phone.dialed == []


class RingJustBeforeDialling(httpx.AsyncBaseTransport):
    """A real loopback transport; the moment the dial request leaves, a call takes the last
    free line (the race between reading the lines and dialling)."""

    def __init__(self, sim: PhoneSimulator) -> None:
        self._sim = sim
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(("api-make_call", "api-send_key")):
            for line in self._sim.lines:
                if line.state == "idle":
                    self._sim.ring("+4930555", line=line.number)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.mark.parametrize("profile", ["grp", "dp"])
async def test_lines_filling_up_while_dialling_still_says_all_lines_busy(profile: str) -> None:
    # api-make_call only: with keys the race is the phone's (LINE<n> of a line that just
    # started ringing answers it), and no client can close it.
    phone = PhoneSimulator(profile=profile, auto_answer_outgoing=None)
    await phone.start()
    phone.ring("+4930999")
    control = control_for(phone, transport=RingJustBeforeDialling(phone))
    try:
        with pytest.raises(AllLinesBusy):
            await control.dial(parse_number("030123456"))
    finally:
        await control.client.aclose()
        await phone.stop()
    assert phone.dialed == []
    assert all(line.state == "ringing" for line in phone.lines)


# ---------------------------------------------------------------- the simulator's line keys


async def test_sim_line_key_of_a_held_call_resumes_it_and_holds_the_talking_one() -> None:
    sim = PhoneSimulator(profile="gxp")
    await sim.start()
    client = GrandstreamClient(sim.address, sim.passcode, timeout_seconds=1.0)
    try:
        sim.ring("+4930111", line=1)
        sim.answer(1)
        sim.toggle_hold(1)
        sim.ring("+4930222", line=2)
        sim.answer(2)
        await client.send_keys(["LINE1"])
        assert (sim.line(1).state, sim.line(2).state) == ("connected", "onhold")
    finally:
        await client.aclose()
        await sim.stop()


async def test_sim_line_key_the_model_lacks_is_refused_not_a_server_error() -> None:
    sim = PhoneSimulator(profile="gxp16")  # three lines, LINE1..LINE8 in the key set
    await sim.start()
    client = GrandstreamClient(sim.address, sim.passcode, timeout_seconds=1.0)
    try:
        with pytest.raises(PhoneRefused):
            await client.send_keys(["LINE4", "1", "SEND"])
    finally:
        await client.aclose()
        await sim.stop()
    assert sim.dialed == []
