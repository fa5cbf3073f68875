"""Soak: calls at a busy hotline's rate for an hour against the simulators, with the real network.

Run on demand: ``pytest -m soak tests/soak`` (``scripts/test`` leaves it out). The length and the
rate come from the environment: ``CTIDESK_SOAK_SECONDS`` (default 3600) and
``CTIDESK_SOAK_CALL_SECONDS`` (one call every so many seconds, default 3). With
``CTIDESK_SOAK_REPORT=<file>`` the figures are also written there as JSON.

Resident memory, asyncio tasks, open file descriptors and sockets are counted after a warm-up and
at the end; they must stay flat. The simulators run in the same process, so the requests they
record are cleared as the test goes (they are the test's memory, not ctidesk's).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from ctidesk.core.numbers import parse_number
from ctidesk.sim.suite import SimulatorSuite
from tests.network_support import World, eventually, running_network, simulators

SOAK_SECONDS = float(os.environ.get("CTIDESK_SOAK_SECONDS", "3600"))
pytestmark = [pytest.mark.soak, pytest.mark.timeout(SOAK_SECONDS + 600)]

RSS_GROWTH_LIMIT_MB = 10.0
TASK_GROWTH_LIMIT = 2
FD_GROWTH_LIMIT = 4
KEEP_IN_SIMULATORS = 200


@dataclass(frozen=True)
class Sample:
    seconds: float
    calls: int
    rss_mb: float
    tasks: int
    fds: int
    sockets: int


def _sample(started: float, calls: int) -> Sample:
    gc.collect()
    with open("/proc/self/statm") as statm:
        rss_pages = int(statm.read().split()[1])
    fds = sockets = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        fds += 1
        sockets += target.startswith("socket:")
    return Sample(
        seconds=round(time.monotonic() - started, 1),
        calls=calls,
        rss_mb=round(rss_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1),
        tasks=len(asyncio.all_tasks()),
        fds=fds,
        sockets=sockets,
    )


def _forget_recorded_requests(suite: SimulatorSuite) -> None:
    """The simulators keep what they saw; only the last few minutes of it matter here."""
    suite.phone.requests.clear()
    suite.phone.fired.clear()
    suite.zammad.requests.clear()
    del suite.zammad.log[:-KEEP_IN_SIMULATORS]
    suite.nfon.requests.clear()
    suite.nfon._history_events.clear()
    for uuid in list(suite.nfon._records)[:-KEEP_IN_SIMULATORS]:
        del suite.nfon._records[uuid]


async def _one_call(world: World, rng: random.Random, index: int) -> None:
    """Ring; the agent answers most calls; the pop-up looks the caller up; NFON logs the call."""
    suite = world.suite
    number = f"+49 30 5550{index % 10_000:04d}"
    line = suite.phone.ring(number, "")
    assert line is not None
    lookup = world.network.zammad.lookup if world.network.zammad else None
    if lookup is not None:
        await lookup.lookup(parse_number(number))
    await asyncio.sleep(rng.uniform(0.1, 0.5))
    answered = rng.random() < 0.7
    if answered:
        suite.phone.answer(line)
        await asyncio.sleep(rng.uniform(0.1, 0.8))
        suite.phone.end(line)
    else:
        suite.phone.caller_hangs_up(line)
    await eventually(lambda: not world.core.tracker.live_calls())
    suite.nfon.add_record(
        status="answered" if answered else "missed",
        caller={"name": "", "number": number.replace(" ", "").lstrip("+"), "context": "global"},
    )


def _write_report(samples: list[Sample], figures: dict[str, object]) -> None:
    report = os.environ.get("CTIDESK_SOAK_REPORT")
    if report:
        Path(report).write_text(json.dumps({"samples": [asdict(s) for s in samples], **figures}))


async def test_an_hour_of_calls_leaks_nothing(tmp_path: Path) -> None:
    duration = SOAK_SECONDS
    every = float(os.environ.get("CTIDESK_SOAK_CALL_SECONDS", "3"))
    warm_up = min(120.0, duration / 10)
    rng = random.Random(20250304)
    async with simulators() as suite, running_network(tmp_path, suite) as world:
        assert world.network.nfon is not None
        await world.network.nfon.login()
        started = time.monotonic()
        samples: list[Sample] = []
        calls = 0
        next_report = 0.0
        while time.monotonic() - started < duration:
            call_started = time.monotonic()
            await _one_call(world, rng, calls)
            calls += 1
            elapsed = time.monotonic() - started
            if elapsed >= next_report:
                _forget_recorded_requests(suite)
                if elapsed >= warm_up or not samples:
                    samples.append(_sample(started, calls))
                    print("soak", json.dumps(asdict(samples[-1])), flush=True)
                next_report = elapsed + 60.0
            await asyncio.sleep(max(0.0, every - (time.monotonic() - call_started)))
        forwarder = world.network.zammad.forwarder if world.network.zammad else None
        assert forwarder is not None
        await eventually(lambda: forwarder.pending_count() == 0, 30)
        assert forwarder.failed_events() == []
        world.core.journal.flush()
        await eventually(lambda: world.core.journal.count() == calls, 10)
        await eventually(
            lambda: all(e.nfon_uuid for e in world.core.journal.recent(limit=calls)), 30
        )
        _forget_recorded_requests(suite)
        samples.append(_sample(started, calls))

    first = next(s for s in samples if s.seconds >= warm_up) if len(samples) > 2 else samples[0]
    last = samples[-1]
    figures = {
        "seconds": last.seconds,
        "calls": calls,
        "start": asdict(first),
        "end": asdict(last),
        "rss_growth_mb": round(last.rss_mb - first.rss_mb, 1),
        "task_growth": last.tasks - first.tasks,
        "fd_growth": last.fds - first.fds,
        "socket_growth": last.sockets - first.sockets,
    }
    print("soak figures", json.dumps(figures), flush=True)
    _write_report(samples, figures)
    assert figures["rss_growth_mb"] <= RSS_GROWTH_LIMIT_MB, figures
    assert figures["task_growth"] <= TASK_GROWTH_LIMIT, figures
    assert figures["fd_growth"] <= FD_GROWTH_LIMIT, figures
    assert figures["socket_growth"] <= FD_GROWTH_LIMIT, figures
