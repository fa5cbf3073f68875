"""`ctidesk bridge` killed with SIGKILL at random moments of a burst of calls, restarted each time:
every call event that reached the bridge is delivered to Zammad once, in order, per call.

The phone only rings while a bridge runs: a real phone's Action URL sent to a dead bridge is
lost, so a call cut by a kill simply stops where it was. The kills are random but seeded
(``CTIDESK_CRASH_SEED``) so a failure can be replayed.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ctidesk.sim.phone import PhoneSimulator
from ctidesk.sim.suite import SimulatorSuite
from tests.e2e.bridge_support import eventually, start_bridge

pytestmark = pytest.mark.e2e

KILLS = 4
CTI_EVENT_OF = {
    "incoming_call": "newCall",
    "established_call": "answer",
    "terminated_call": "hangup",
    "missed_call": "hangup",
}


@pytest.fixture
async def suite() -> AsyncIterator[SimulatorSuite]:
    sims = SimulatorSuite()
    await sims.start()
    try:
        yield sims
    finally:
        await sims.stop()


def _caller(index: int) -> str:
    return f"+49 30 5551 {index:04d}"


def _key(number: str) -> str:
    """The caller's last eight digits: how a Zammad push is matched to the call that caused it."""
    return "".join(ch for ch in number if ch.isdigit())[-8:]


class PhoneScript:
    """Random calls on the simulated phone; remembers which events reached the bridge."""

    def __init__(self, phone: PhoneSimulator, rng: random.Random) -> None:
        self.phone = phone
        self.rng = rng
        self.calls = 0
        self.reached: dict[str, list[str]] = {}

    async def step(self, action: str) -> None:
        """One phone event, then wait until the phone got the bridge's answer."""
        fired_before = len(self.phone.fired)
        line = self.phone.line(1)
        if action == "ring":
            number = _caller(self.calls)
            self.calls += 1
            self.phone.ring(number, "")
        elif action == "answer":
            number = line.remote_number
            self.phone.answer(1)
        elif action == "agent ends":
            number = line.remote_number
            self.phone.end(1)
        else:
            number = line.remote_number
            self.phone.caller_hangs_up(1)
        await self.phone.drain()
        for fired in self.phone.fired[fired_before:]:
            event = CTI_EVENT_OF.get(fired.event)
            if event is not None and fired.status == 200:
                self.reached.setdefault(_key(number), []).append(event)

    def next_action(self) -> str:
        state = self.phone.line(1).state
        if state == "idle":
            return "ring"
        if state == "ringing":
            return self.rng.choice(["answer", "answer", "caller hangs up"])
        return self.rng.choice(["agent ends", "caller hangs up"])

    def cut(self) -> None:
        """The bridge died: the rest of the call on the line never reaches it."""
        self.phone.line(1).clear()


def _applied_by_caller(suite: SimulatorSuite) -> list[tuple[str, str]]:
    applied = []
    for push in suite.zammad.cti_pushes():
        if push.status == 200 and push.params:
            applied.append((_key(str(push.params.get("from"))), str(push.params.get("event"))))
    return applied


@pytest.mark.slow
async def test_sigkill_at_random_points_of_a_burst_delivers_each_event_once_in_order(
    tmp_path: Path, suite: SimulatorSuite
) -> None:
    rng = random.Random(int(os.environ.get("CTIDESK_CRASH_SEED", "4711")))
    suite.zammad.set_delay(0.08)
    script = PhoneScript(suite.phone, rng)
    loop = asyncio.get_running_loop()
    killed_with_backlog = 0
    for _kill in range(KILLS):
        bridge = await start_bridge(tmp_path, suite)
        bridge.keep_reading()
        kill_at = loop.time() + rng.uniform(0.4, 1.8)
        while loop.time() < kill_at:
            await script.step(script.next_action())
            await asyncio.sleep(rng.uniform(0.0, 0.03))
        await asyncio.sleep(rng.uniform(0.02, 0.06))
        delivered = sum(len(events) for events in script.reached.values())
        killed_with_backlog += len(_applied_by_caller(suite)) < delivered
        assert await bridge.stop(signal.SIGKILL) == -signal.SIGKILL
        script.cut()

    expected = sum(len(events) for events in script.reached.values())
    restarted = await start_bridge(tmp_path, suite)
    restarted.keep_reading()
    await eventually(lambda: len(_applied_by_caller(suite)) >= expected, 30)
    await asyncio.sleep(1.0)  # anything sent twice would show up now
    assert await restarted.stop() == 0

    applied = _applied_by_caller(suite)
    print(f"{script.calls} calls, {expected} events, {killed_with_backlog} kill(s) with a backlog")
    assert all(count == 1 for count in Counter(applied).values()), applied
    per_caller: dict[str, list[str]] = {}
    for caller, event in applied:
        per_caller.setdefault(caller, []).append(event)
    assert per_caller == script.reached
    assert script.calls >= 2 * KILLS, "too few calls to test anything"
    assert killed_with_backlog >= 1, "no kill came while events were still on their way"
