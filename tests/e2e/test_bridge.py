"""`ctidesk bridge` as a real process against the simulators: phone rings reach Zammad's caller
log and the journal; SIGTERM stops it cleanly; SIGKILL while Zammad is down loses nothing."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ctidesk.sim.suite import SimulatorSuite
from tests.clients.zammad_support import applied_pushes
from tests.e2e.bridge_support import (
    ACTION_URL_TOKEN,
    eventually,
    journal_numbers,
    one_answered_call,
    start_bridge,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
async def suite() -> AsyncIterator[SimulatorSuite]:
    sims = SimulatorSuite()
    await sims.start()
    try:
        yield sims
    finally:
        await sims.stop()


async def test_bridge_forwards_a_call_to_zammad_and_stops_on_sigterm(
    tmp_path: Path, suite: SimulatorSuite
) -> None:
    bridge = await start_bridge(tmp_path, suite)
    assert any(
        line.startswith("listening for the phone's Action URLs on 127.0.0.1:")
        for line in bridge.lines
    )
    assert set(bridge.action_urls()) >= {"incoming_call", "established_call", "terminated_call"}
    # Issue 20, finding 8: the token is printed only by `ctidesk action-urls`, not at every start.
    assert all("/gs/***/" in url for url in bridge.action_urls().values())
    assert not any(ACTION_URL_TOKEN in line for line in bridge.lines)

    await one_answered_call(suite, "+49 89 99998 123", "Maria Huber")
    await eventually(
        lambda: [e for _c, e in applied_pushes(suite.zammad)] == ["newCall", "answer", "hangup"]
    )
    (row,) = suite.zammad.log
    assert row.state == "hangup" and "8999998123" in row.from_
    assert row.comment == "normalClearing" and row.to != "unknown"
    assert suite.zammad.violations == []  # causes, answering agent, to, nothing applied twice

    assert await bridge.stop() == 0
    assert bridge.lines[-1] == "stopping"
    assert journal_numbers(tmp_path) == ["+49 89 99998 123"]


@pytest.mark.slow
async def test_sigkill_while_zammad_is_down_loses_and_doubles_nothing(
    tmp_path: Path, suite: SimulatorSuite
) -> None:
    bridge = await start_bridge(tmp_path, suite)
    suite.zammad.set_unavailable(503)
    callers = [f"+49 30 5550 10{index:02d}" for index in range(8)]
    for number in callers:
        await one_answered_call(suite, number, "")
    stored = f"({3 * len(callers)} call event(s) waiting)"
    await bridge.read_until(stored, 30)
    assert applied_pushes(suite.zammad) == []
    assert await bridge.stop(signal.SIGKILL) == -signal.SIGKILL

    suite.zammad.set_unavailable(None)
    restarted = await start_bridge(tmp_path, suite)
    await eventually(lambda: len(applied_pushes(suite.zammad)) == 3 * len(callers), 30)
    await asyncio.sleep(1.0)
    applied = applied_pushes(suite.zammad)
    assert len(applied) == 3 * len(callers)
    assert set(Counter(applied).values()) == {1}
    per_call = Counter(call_id for call_id, _event in applied)
    assert set(per_call.values()) == {3}
    assert await restarted.stop() == 0


async def test_a_second_bridge_on_the_same_home_refuses_to_start(
    tmp_path: Path, suite: SimulatorSuite
) -> None:
    first = await start_bridge(tmp_path, suite)
    with pytest.raises(AssertionError, match="bridge exited before"):
        await start_bridge(tmp_path, suite)
    assert await first.stop() == 0
    again = await start_bridge(tmp_path, suite)
    assert await again.stop(signal.SIGKILL) == -signal.SIGKILL
    restarted = await start_bridge(tmp_path, suite)
    assert await restarted.stop() == 0
