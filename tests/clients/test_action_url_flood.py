"""Issue 20, finding 5: the Action URL listener under a flood, over real loopback.

Open connections are capped per source and overall, a ring still gets through while many idle
connections are open, and refused requests are logged as a count per window, not a line each.
How fast a ring is under 1,000 idle connections is measured in benchmarks/bench_listener.py.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from ctidesk.clients.grandstream.action_url import (
    MAX_CONNECTIONS_PER_SOURCE,
    ActionUrlListener,
    RefusalLog,
)
from ctidesk.core.calls import CallEvent, EventKind

TOKEN = "s3cret-token-for-tests"
RING = f"GET /gs/{TOKEN}/in?r=+4930123456&n=Jane Doe HTTP/1.1\r\nHost: pc\r\n\r\n".encode()
LISTENER_LOG = "ctidesk.clients.grandstream.action_url"


async def start(events: list[CallEvent], **kwargs: object) -> tuple[ActionUrlListener, int]:
    listener = ActionUrlListener(
        token=TOKEN,
        allowed_hosts=["127.0.0.1"],
        on_event=events.append,
        **kwargs,  # type: ignore[arg-type]
    )
    _, port = await listener.start("127.0.0.1", 0)
    return listener, port


@asynccontextmanager
async def idle_connections(port: int, count: int) -> AsyncIterator[list[asyncio.StreamWriter]]:
    """``count`` connections that send half a request head and then nothing (a slow client)."""
    writers: list[asyncio.StreamWriter] = []
    try:
        for _ in range(count):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /gs/")
            writers.append(writer)
        yield writers
    finally:
        for writer in writers:
            writer.transport.abort()


async def settled(listener: ActionUrlListener, connections: int) -> None:
    """Wait (bounded) until the listener has taken every connection: kept or closed."""
    for _ in range(500):
        if listener.open_connections + listener.evicted >= connections:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the listener took {listener.evicted} + {listener.open_connections}")


async def ring(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(RING)
        return await asyncio.wait_for(reader.read(), 5.0)
    finally:
        writer.close()


async def test_per_source_cap_holds_and_a_ring_still_gets_through() -> None:
    events: list[CallEvent] = []
    listener, port = await start(events)
    try:
        async with idle_connections(port, 300):
            await settled(listener, 300)
            assert listener.open_connections <= MAX_CONNECTIONS_PER_SOURCE
            assert listener.evicted >= 300 - MAX_CONNECTIONS_PER_SOURCE
            reply = await ring(port)
            assert reply.startswith(b"HTTP/1.1 200")
            assert listener.open_connections <= MAX_CONNECTIONS_PER_SOURCE
    finally:
        await listener.stop()
    [event] = events
    assert event.kind is EventKind.RINGING and event.remote_name == "Jane Doe"


async def test_overall_cap_holds_and_a_ring_still_gets_through() -> None:
    events: list[CallEvent] = []
    listener, port = await start(events, max_connections=10, max_per_source=1000)
    try:
        async with idle_connections(port, 60):
            await settled(listener, 60)
            assert listener.open_connections == 10
            assert (await ring(port)).startswith(b"HTTP/1.1 200")
            assert listener.open_connections <= 10
    finally:
        await listener.stop()
    assert len(events) == 1


async def test_refused_requests_are_logged_as_a_count_not_a_line_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LISTENER_LOG)
    events: list[CallEvent] = []
    window = 1.0
    listener, port = await start(events, refusal_log_seconds=window)
    wrong = RING.replace(TOKEN.encode(), b"not-the-token-123")
    try:
        started = time.monotonic()
        for _ in range(100):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(wrong)
            assert (await asyncio.wait_for(reader.read(), 5.0)).startswith(b"HTTP/1.1 403")
            writer.close()
        windows = math.ceil((time.monotonic() - started) / window)
        lines = [r.getMessage() for r in caplog.records if r.name == LISTENER_LOG]
        assert len([line for line in lines if "refused" in line]) <= 1 + windows  # not 100
        for _ in range(200):
            if any("refused" in line and "more" in line for line in lines):
                break
            await asyncio.sleep(0.02)
            lines = [r.getMessage() for r in caplog.records if r.name == LISTENER_LOG]
    finally:
        await listener.stop()
    refused = [line for line in lines if "refused" in line]
    assert "wrong path or token" in refused[0]
    assert sum(int(line.split("refused ")[1].split()[0]) for line in refused[1:]) == 99
    assert listener.rejected == 100 and events == []


def test_an_hour_of_refusals_writes_about_a_line_per_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LISTENER_LOG)
    now = [0.0]
    refusals = RefusalLog(60.0, clock=lambda: now[0])
    for _ in range(3600 * 50):  # 50 refused requests a second for an hour
        refusals.note("127.0.0.1", "wrong path or token (403)")
        now[0] += 0.02
    refusals.flush()
    lines = [r.getMessage() for r in caplog.records if r.name == LISTENER_LOG]
    assert 60 <= len(lines) <= 62
    assert sum(int(line.split("refused ")[1].split()[0]) for line in lines[1:]) == 3600 * 50 - 1
