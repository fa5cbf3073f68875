"""Soak: calls at a busy hotline's rate for an hour against the simulators, with the real network.

Run on demand: ``pytest -m soak tests/soak`` (``scripts/test`` leaves it out). The length and the
rate come from the environment: ``CTIDESK_SOAK_SECONDS`` (default 3600) and
``CTIDESK_SOAK_CALL_SECONDS`` (one call every so many seconds, default 3). With
``CTIDESK_SOAK_REPORT=<file>`` the figures are also written there as JSON.

Resident memory, asyncio tasks, open file descriptors and sockets are counted after a warm-up and
at the end; they must stay flat. The simulators run in a process of their own, so this process's
memory is ctidesk's (and the test's); the simulators' is reported beside it, and the requests they
record are cleared as the test goes.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from _pytest.logging import LogCaptureHandler

from ctidesk.core.numbers import parse_number
from tests.network_support import Running, eventually, network_on
from tests.soak.simulator_process import RemoteSimulators, resident_mb, simulator_process

SOAK_SECONDS = float(os.environ.get("CTIDESK_SOAK_SECONDS", "3600"))
pytestmark = [pytest.mark.soak, pytest.mark.timeout(SOAK_SECONDS + 600)]

RSS_GROWTH_LIMIT_MB = 10.0
TASK_GROWTH_LIMIT = 2
FD_GROWTH_LIMIT = 4


@dataclass(frozen=True)
class Sample:
    seconds: float
    calls: int
    rss_mb: float
    simulators_rss_mb: float
    tasks: int
    fds: int
    sockets: int


async def _sample(started: float, calls: int, simulators: RemoteSimulators) -> Sample:
    gc.collect()
    rss = resident_mb()
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
        rss_mb=rss,
        simulators_rss_mb=await simulators.call("rss_mb"),
        tasks=len(asyncio.all_tasks()),
        fds=fds,
        sockets=sockets,
    )


async def _one_call(
    world: Running, simulators: RemoteSimulators, rng: random.Random, index: int
) -> None:
    """Ring; the agent answers most calls; the pop-up looks the caller up; NFON logs the call."""
    number = f"+49 30 5550{index % 10_000:04d}"
    line = await simulators.call("phone.ring", number, "")
    assert line is not None
    lookup = world.network.zammad.lookup if world.network.zammad else None
    if lookup is not None:
        await lookup.lookup(parse_number(number))
    await asyncio.sleep(rng.uniform(0.1, 0.5))
    answered = rng.random() < 0.7
    if answered:
        await simulators.call("phone.answer", line)
        await asyncio.sleep(rng.uniform(0.1, 0.8))
        await simulators.call("phone.end", line)
    else:
        await simulators.call("phone.caller_hangs_up", line)
    await eventually(lambda: not world.core.tracker.live_calls())
    await simulators.call(
        "nfon.add_record",
        status="answered" if answered else "missed",
        caller={"name": "", "number": number.replace(" ", "").lstrip("+"), "context": "global"},
    )


@contextmanager
def _pytest_log_capture_off() -> Iterator[None]:
    """pytest keeps every log record of a test in memory for its report. Over an hour of calls
    that is megabytes (about three INFO records a call, held twice), which would count as
    ctidesk's; the records still reach ctidesk's own log file."""
    root = logging.getLogger()
    capturing = [h for h in root.handlers if isinstance(h, LogCaptureHandler)]
    for handler in capturing:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in capturing:
            root.addHandler(handler)


def _write_report(samples: list[Sample], figures: dict[str, object]) -> None:
    report = os.environ.get("CTIDESK_SOAK_REPORT")
    if report:
        Path(report).write_text(json.dumps({"samples": [asdict(s) for s in samples], **figures}))


async def test_an_hour_of_calls_leaks_nothing(tmp_path: Path) -> None:
    duration = SOAK_SECONDS
    every = float(os.environ.get("CTIDESK_SOAK_CALL_SECONDS", "3"))
    warm_up = min(120.0, duration / 10)
    rng = random.Random(20250304)
    with _pytest_log_capture_off():
        samples, calls = await _soak(tmp_path, duration, every, warm_up, rng)
    first = next(s for s in samples if s.seconds >= warm_up) if len(samples) > 2 else samples[0]
    last = samples[-1]
    halfway = next(s for s in samples if s.seconds >= (first.seconds + last.seconds) / 2)
    figures = {
        "seconds": last.seconds,
        "calls": calls,
        "start": asdict(first),
        "end": asdict(last),
        "rss_growth_mb": round(last.rss_mb - first.rss_mb, 1),
        "rss_growth_second_half_mb": round(last.rss_mb - halfway.rss_mb, 1),
        "simulators_rss_growth_mb": round(last.simulators_rss_mb - first.simulators_rss_mb, 1),
        "task_growth": last.tasks - first.tasks,
        "fd_growth": last.fds - first.fds,
        "socket_growth": last.sockets - first.sockets,
    }
    print("soak figures", json.dumps(figures), flush=True)
    _write_report(samples, figures)
    assert last.rss_mb - first.rss_mb <= RSS_GROWTH_LIMIT_MB, figures
    assert last.tasks - first.tasks <= TASK_GROWTH_LIMIT, figures
    assert last.fds - first.fds <= FD_GROWTH_LIMIT, figures
    assert last.sockets - first.sockets <= FD_GROWTH_LIMIT, figures


async def _soak(
    home: Path, duration: float, every: float, warm_up: float, rng: random.Random
) -> tuple[list[Sample], int]:
    """Calls for ``duration`` seconds; a sample a minute after ``warm_up``, and one at the end."""
    async with (
        simulator_process() as simulators,
        network_on(home, simulators.endpoints) as world,
    ):
        await simulators.call("phone.configure_action_urls", world.network.action_urls)
        assert world.network.nfon is not None
        await world.network.nfon.login()
        started = time.monotonic()
        samples: list[Sample] = []
        calls = 0
        next_report = 0.0
        while time.monotonic() - started < duration:
            call_started = time.monotonic()
            await _one_call(world, simulators, rng, calls)
            calls += 1
            elapsed = time.monotonic() - started
            if elapsed >= next_report:
                await simulators.call("forget")
                if elapsed >= warm_up or not samples:
                    samples.append(await _sample(started, calls, simulators))
                    print("soak", json.dumps(asdict(samples[-1])), flush=True)
                next_report = elapsed + 60.0
            await asyncio.sleep(max(0.0, every - (time.monotonic() - call_started)))
        forwarder = world.network.zammad.forwarder if world.network.zammad else None
        assert forwarder is not None
        await eventually(lambda: forwarder.pending_count() == 0, 30)
        assert forwarder.failed_events() == []
        world.core.journal.flush()
        await eventually(lambda: world.core.journal.count() == calls, 10)
        await simulators.call("forget")
        samples.append(await _sample(started, calls, simulators))
        # Sampled before this check: reading back every entry is the test's memory, not ctidesk's.
        await eventually(
            lambda: all(e.nfon_uuid for e in world.core.journal.recent(limit=calls)), 30
        )
    return samples, calls
