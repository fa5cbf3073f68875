"""A forwarder process killed with SIGKILL mid-burst, then restarted: nothing lost or doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from ctidesk.config.secrets import SecretName
from ctidesk.sim.zammad import ZammadSimulator
from tests.clients.zammad_support import applied_pushes

CHILD = Path(__file__).with_name("zammad_forwarder_child.py")
ROOT = Path(__file__).parents[2]


async def _start_child(
    sim: ZammadSimulator, outbox: Path, mode: str, count: int
) -> asyncio.subprocess.Process:
    env = dict(os.environ)
    env[SecretName.ZAMMAD_CTI_URL.env_var] = sim.cti_url
    env[SecretName.ZAMMAD_API_TOKEN.env_var] = sim.agent_token
    # The child runs the source tree under test, not whatever copy of ctidesk is installed.
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        str(outbox),
        sim.base_url,
        mode,
        str(count),
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )


@pytest.mark.slow
async def test_sigkill_mid_burst_then_restart_delivers_every_event_once(tmp_path: Path) -> None:
    sim = ZammadSimulator()
    await sim.start()
    outbox = tmp_path / "outbox.sqlite3"
    child: asyncio.subprocess.Process | None = None
    try:
        sim.set_delay(0.01)
        child = await _start_child(sim, outbox, "burst", 30)
        assert child.stdout is not None
        stored: dict[str, str] = {}
        while len(sim.cti_pushes()) < 12:
            line = await asyncio.wait_for(child.stdout.readline(), 10)
            assert line.startswith(b"stored "), f"the burst ended before the kill: {line!r}"
            _, call_id, outcome = line.decode().split()
            stored[call_id] = outcome
        child.send_signal(signal.SIGKILL)
        rest = await child.stdout.read()
        await child.wait()
        assert child.returncode == -signal.SIGKILL
        for line in rest.decode().splitlines():
            assert line.startswith("stored "), "the burst ended before the kill"
            _, call_id, outcome = line.split()
            stored[call_id] = outcome
        before_restart = len(applied_pushes(sim))
        assert before_restart < 3 * len(stored), "the kill came too late to test anything"

        sim.set_delay(0)
        child = await _start_child(sim, outbox, "resume", 0)
        out, _ = await asyncio.wait_for(child.communicate(), 20)
        assert child.returncode == 0
        assert out.decode().strip().endswith("idle")

        applied = applied_pushes(sim)
        assert all(n == 1 for n in Counter(applied).values()), applied
        for call_id, outcome in stored.items():
            events = [event for cid, event in applied if cid == call_id]
            expected = ["newCall", "answer", "hangup"] if outcome == "answered" else None
            assert events == (expected or ["newCall", "hangup"])
            row = sim.log_row(call_id)
            assert row is not None and row.state == "hangup"
            assert row.done is (outcome == "answered")
        assert len(sim.log) == len(stored)
        assert sim.violations == []  # causes, to, nothing applied twice across the kill
    finally:
        if child is not None and child.returncode is None:
            child.kill()
            await child.wait()
        await sim.stop()
