"""Phone faults with the whole network side running (`start_network` on the simulators): the
status the tray shows says what is wrong, nothing stops, and it recovers by itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from ctidesk.checks.live import phone_status
from ctidesk.config.secrets import SecretName
from ctidesk.config.settings import Settings
from ctidesk.core.calls import CallState
from ctidesk.core.ports import PHONE, ReachState, SystemStatus
from ctidesk.sim.phone import PhoneSimulator
from ctidesk.sim.suite import SimulatorSuite
from tests.network_support import World, eventually, running_network, simulators


def _fast_polling(settings: Settings) -> None:
    settings.phone.poll_idle_seconds = 0.2
    settings.phone.poll_max_backoff_seconds = 0.3
    settings.nfon.enabled = False


@pytest.fixture
async def suite() -> AsyncIterator[SimulatorSuite]:
    async with simulators() as sims:
        yield sims


@pytest.fixture
async def world(tmp_path: Path, suite: SimulatorSuite) -> AsyncIterator[World]:
    async with running_network(tmp_path, suite, configure=_fast_polling) as running:
        await eventually(lambda: _state(running) is ReachState.OK)
        yield running


def _state(world: World) -> ReachState | None:
    status = world.last_status(PHONE)
    return status.state if status else None


async def _still_running_and_a_ring_reaches_the_tracker(world: World) -> None:
    assert all(not task.done() for task in world.network._tasks)
    calls_before = len(world.core.journal.recent())
    line = world.suite.phone.ring("+49 89 99998 123", "Maria Huber")
    await eventually(lambda: bool(world.core.tracker.live_calls()))
    (call,) = world.core.tracker.live_calls()
    assert call.state is CallState.RINGING
    world.suite.phone.caller_hangs_up(line)
    await eventually(lambda: not world.core.tracker.live_calls())
    await eventually(lambda: len(world.core.journal.recent()) == calls_before + 1)


FAULTS: dict[str, tuple[Callable[[PhoneSimulator], None], ReachState, str]] = {
    "switched off": (
        lambda phone: phone.set_unreachable("drop"),
        ReachState.UNREACHABLE,
        "cannot be reached",
    ),
    "too slow": (
        lambda phone: phone.set_unreachable("stall"),
        ReachState.UNREACHABLE,
        "no answer within 0.5 s",
    ),
    "web page instead of JSON": (
        lambda phone: setattr(phone, "answer_html", True),
        ReachState.MISCONFIGURED,
        "unexpected answer",
    ),
}


def _heal(phone: PhoneSimulator) -> None:
    phone.set_unreachable("off")
    phone.answer_html = False


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_phone_fault_is_shown_and_heals_by_itself(world: World, fault: str) -> None:
    make, state, words = FAULTS[fault]
    make(world.suite.phone)
    await eventually(lambda: _state(world) is state)
    shown = world.last_status(PHONE)
    assert shown is not None and words in shown.detail
    assert "check" in shown.detail, "the status must say what to do"
    probe = await phone_status(world.network)
    assert probe.state is not ReachState.OK and probe.detail

    _heal(world.suite.phone)
    await eventually(lambda: _state(world) is ReachState.OK)
    assert (await phone_status(world.network)).state is ReachState.OK
    await _still_running_and_a_ring_reaches_the_tracker(world)


async def test_wrong_passcode_is_shown_once_and_not_retried(
    tmp_path: Path, suite: SimulatorSuite
) -> None:
    """The phone may lock the admin account after a few bad tries, so ctidesk stops asking;
    Action URLs need no passcode, so rings still arrive."""

    async with running_network(tmp_path, suite, configure=_fast_polling) as world:
        world.context.secrets.set(SecretName.PHONE_PASSCODE, "not-the-passcode")
        assert world.network.phone_client is not None
        world.network.phone_client.set_passcode("not-the-passcode")
        await eventually(lambda: _state(world) is ReachState.AUTH_FAILED)
        shown = world.last_status(PHONE)
        assert shown is not None and "ctidesk secret set phone_passcode" in shown.detail
        asked = len(suite.phone.requests)
        await _still_running_and_a_ring_reaches_the_tracker(world)
        assert len(suite.phone.requests) == asked, "a rejected passcode must not be retried"
        assert sum(1 for s in world.statuses if s.state is ReachState.AUTH_FAILED) == 1
        probe: SystemStatus = await phone_status(world.network)
        assert probe.state is ReachState.UNREACHABLE and "unauthorized" in probe.detail
