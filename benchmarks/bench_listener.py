"""The Action URL listener under a flood (issue 20, finding 5): ring latency and log lines.

The listener runs in its own process with a desktop's usual soft limit of 1,024 open files, as
the tray app does. This process opens 1,000 idle connections to it (half a request head each,
then nothing: a slow client) and keeps them open; once the listener has taken them all (kept
or closed over its caps), it times real rings (connect, send the Action URL, read the reply).
Every connection comes from 127.0.0.1, the phone's own address here, so the per-source cap is
the one that holds. Then it sends wrong-token requests for a minute and counts the lines the
listener logged about them. Loopback only; every loop is bounded.

    .venv/bin/python -m benchmarks.bench_listener [--quick] [CONNECTIONS]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Figure, percentile, print_figures, read_line

MAX_CONNECTIONS_PER_SOURCE = 16
"""The listener's cap per address (`action_url.MAX_CONNECTIONS_PER_SOURCE`), repeated here so
the benchmark runs against a listener without caps too, for the figures before the fix."""

TOKEN = "bench-token-0123456789"
IDLE_CONNECTIONS = 1_000
RINGS = 200
DESKTOP_FILE_LIMIT = 1_024
REFUSED_SECONDS = 60.0
CHILD_READY_SECONDS = 30.0
RING = f"GET /gs/{TOKEN}/in?r=+4930123456&n=Jane Doe HTTP/1.1\r\nHost: pc\r\n\r\n".encode()
WRONG = RING.replace(TOKEN.encode(), b"not-the-token-123")


def _child(log_file: str) -> None:
    """The listener's process: the soft file limit of a desktop session, the app's logging."""
    from ctidesk.clients.grandstream.action_url import ActionUrlListener
    from ctidesk.config.logs import Redactor, setup_logging

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(DESKTOP_FILE_LIMIT, hard), hard))
    setup_logging(Redactor(), Path(log_file), "INFO")
    delivered = [0]

    async def serve() -> None:
        listener = ActionUrlListener(
            token=TOKEN,
            allowed_hosts=["127.0.0.1"],
            on_event=lambda _event: delivered.__setitem__(0, delivered[0] + 1),
        )
        _, port = await listener.start("127.0.0.1", 0)
        print(port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await listener.stop()
        print(json.dumps({"delivered": delivered[0], "rejected": listener.rejected}), flush=True)

    asyncio.run(serve())


async def _ring(port: int) -> float | None:
    """Seconds from connecting to having the 200; None when the ring did not get through."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        writer.write(RING)
        reply = await asyncio.wait_for(reader.read(), 10)
    except (OSError, TimeoutError):
        return None
    writer.close()
    return time.perf_counter() - start if reply.startswith(b"HTTP/1.1 200") else None


async def _hold_idle(port: int, stop: asyncio.Event, opened: list[int], closed: list[int]) -> None:
    """One slow client: half a request head, then nothing until the end or until closed."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    opened[0] += 1
    writer.write(b"GET /gs/")
    stopped = asyncio.ensure_future(stop.wait())
    eof = asyncio.ensure_future(reader.read())
    await asyncio.wait({stopped, eof}, return_when=asyncio.FIRST_COMPLETED)
    if eof.done():
        closed[0] += 1
    stopped.cancel()
    eof.cancel()
    await asyncio.gather(stopped, eof, return_exceptions=True)
    writer.transport.abort()


async def _rings_under_flood(
    port: int, rings: int, connections: int
) -> tuple[list[float], int, int]:
    """Ring latencies and lost rings with the slow clients connected, and how many of those
    the listener closed."""
    stop = asyncio.Event()
    opened, closed = [0], [0]
    flood = [
        asyncio.create_task(_hold_idle(port, stop, opened, closed)) for _ in range(connections)
    ]
    settled_at = connections - MAX_CONNECTIONS_PER_SOURCE
    last, still = -1, 0
    for _ in range(1000):  # bounded: until the listener has taken every slow client
        await asyncio.sleep(0.01)
        if opened[0] >= connections and closed[0] >= settled_at:
            break  # each slow client over the cap has closed an older one: all taken
        if opened[0] + closed[0] == last:
            still += 1
            if still >= 100:
                break  # a listener without caps closes none: nothing moved for a second
        else:
            last, still = opened[0] + closed[0], 0
    samples: list[float] = []
    lost = 0
    for _ in range(rings):
        took = await _ring(port)
        if took is None:
            lost += 1
        else:
            samples.append(took)
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.gather(*flood, return_exceptions=True)
    return samples, lost, closed[0]


async def _refused_flood(port: int, seconds: float) -> int:
    sent = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, TimeoutError):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(WRONG)
            await asyncio.wait_for(reader.read(), 5)
            writer.close()
            sent += 1
    return sent


def bench_listener(
    rings: int = RINGS,
    refused_seconds: float = REFUSED_SECONDS,
    connections: int = IDLE_CONNECTIONS,
) -> list[Figure]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * connections
    if soft < wanted:  # this process holds the 1,000 client ends
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    with tempfile.TemporaryDirectory() as tmp:
        log_file = Path(tmp) / "listener.log"
        child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_listener", "--child", str(log_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            line = read_line(child.stdout, CHILD_READY_SECONDS)
            if not line.strip():
                raise SystemExit(
                    f"the listener process printed no port within {CHILD_READY_SECONDS:.0f} s"
                )
            port = int(line)

            async def measure() -> tuple[list[float], list[float], int, int, int]:
                quiet = [t for t in [await _ring(port) for _ in range(rings)] if t is not None]
                idle, lost, closed = await _rings_under_flood(port, rings, connections)
                sent = await _refused_flood(port, refused_seconds)
                return quiet, idle, lost, closed, sent

            quiet, idle, lost, closed, sent = asyncio.run(measure())
        finally:
            child.stdin.close()
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(10)
        logs = sorted(log_file.parent.glob(log_file.name + "*"))  # with the rotated ones
        text = "".join(f.read_text(encoding="utf-8", errors="replace") for f in logs)
    refused_lines = [line for line in text.splitlines() if "refused" in line]
    tracebacks = text.count("Traceback")
    figures = [
        Figure(
            f"ring, {connections} slow clients connected, p{pct}",
            percentile(idle, pct) * 1000,
            "ms",
            percentile(quiet, pct) * 1000,
            f"the same ring with no other connection, p{pct}",
            "p99 <= 25 ms" if pct == 99 else "-",
            (percentile(idle, 99) * 1000 <= 25 and lost == 0) if pct == 99 else None,
        )
        for pct in (50, 99)
    ]
    figures += [
        Figure(
            "rings lost with the slow clients connected",
            float(lost),
            "",
            0.0,
            f"{rings} rings",
            "0",
            lost == 0,
        ),
        Figure(
            "slow clients the listener closed (over its caps)",
            float(closed),
            "",
            float(connections),
            "slow clients connected",
            "-",
        ),
        Figure(
            f"refused-request log lines, {refused_seconds:.0f} s flood",
            float(len(refused_lines)),
            "",
            float(sent),
            f"refused requests sent in those {refused_seconds:.0f} s",
            "about 1 a minute (+1 at once, +1 at stop)",
        ),
        Figure("tracebacks in the listener's log", float(tracebacks), "", 0.0, "none", "0"),
        Figure(
            "log files after the floods (2 MB each, 5 kept)",
            float(len(logs)),
            "",
            1.0,
            "one file: nothing rotated away",
            "1",
        ),
    ]
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2])
    else:
        quick = "--quick" in sys.argv
        given = [arg for arg in sys.argv[1:] if arg.isdigit()]  # e.g. 1100: over the file limit
        print_figures(
            bench_listener(
                50 if quick else RINGS,
                5.0 if quick else REFUSED_SECONDS,
                int(given[0]) if given else IDLE_CONNECTIONS,
            )
        )
