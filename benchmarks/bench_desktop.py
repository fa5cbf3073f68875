"""The desktop in one process, offscreen, on the demo's simulators and the app's own wiring.

- ring to pop-up: the phone simulator fires its Action URL; from just before the ring until the
  card is shown. Reference: the same ring answered by a bare asyncio HTTP handler.
- ring to customer shown: until the Zammad customer and tickets are in the card, for numbers
  never looked up (cold) and again (cached). Reference: that ring's own look-up (its Zammad round
  trips, timed inside the desktop); next to it, the same look-up with nothing else going on, as
  the simulators share this process and its loop.
- GUI stall: the longest main-thread gap of a 1 ms heartbeat while 1,000 events/s flow through
  the tracker with the desktop up, each event at its due time (each Action URL request is its
  own callback). Calls have 2 or 3 events, so about 370 calls ring and end a second.
  Reference: the same heartbeat with no events.
- memory: RSS growth after 10,000 calls through the tracker, journal and pop-ups.
"""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, median, percentile, rss_mb
from ctidesk.core.numbers import parse_number

RINGS = 200
BURST_SECONDS = 5.0
BURST_EVENTS_PER_SECOND = 1000
STALL_ROUNDS = 3
SAME_CALLER_AGAIN_SECONDS = 2.5
"""A ring from a number whose call ended within the tracker's clock slack (2 s) counts as a late
report of that call; the cached round waits this long so each ring is a new call."""


@dataclass
class Bench:
    loop: asyncio.AbstractEventLoop
    desktop: Any
    world: Any
    core: Any
    parts: Any


@contextmanager
def desktop_on_the_demo(with_network: bool = True) -> Iterator[Bench]:
    """QApplication + qasync loop + Desktop attached to the demo's network, as `ctidesk --demo`
    (``with_network=False``: the desktop with tracker and journal only, fed events directly)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from ctidesk.app import Context, build_core
    from ctidesk.config.logs import Redactor
    from ctidesk.config.paths import AppPaths
    from ctidesk.config.secrets import MemorySecretStore
    from ctidesk.config.settings import Settings
    from ctidesk.gui.demo import DemoWorld
    from ctidesk.gui.desktop import Desktop

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="ctidesk-bench-") as folder:
        paths = AppPaths.under(Path(folder))
        paths.ensure()
        settings = Settings()
        context = Context(paths, paths.settings_file, settings, MemorySecretStore(), Redactor())
        core = build_core(context)
        desktop = Desktop(
            context,
            core,
            loop,
            tray_available=True,
            opener=lambda _url: None,
            enable_hotkey=False,
            quit_app=lambda: None,
        )
        desktop.show()
        world = DemoWorld(context, core, call_now_and_then=False)

        async def attach() -> Any:
            """Start and attach while the loop runs: qasync may deliver socket callbacks
            whenever Qt handles events, and outside the loop they find none running."""
            started = await world.start()
            desktop.attach(started)
            await asyncio.sleep(0.1)
            return started

        parts = loop.run_until_complete(attach()) if with_network else None
        try:
            yield Bench(loop, desktop, world, core, parts)
        finally:
            loop.run_until_complete(desktop.close())
            loop.run_until_complete(core.close())
            loop.close()
            asyncio.set_event_loop(None)


class Stopwatch:
    """Marks when the desktop has shown a call's card (the stack's ``card_shown``) and when its
    caller info arrived (a slot connected after the stack's own, so it runs once the card is
    updated)."""

    def __init__(self, desktop: Any) -> None:
        self.desktop = desktop
        self.rung: dict[str, float] = {}
        self.shown: dict[str, float] = {}
        self.informed: dict[str, float] = {}
        self.shown_after_listener: dict[str, float] = {}
        self.informed_after_listener: dict[str, float] = {}
        desktop.popups.card_shown.connect(self._shown)
        desktop.bridge.caller_info_ready.connect(self._informed)

    def _shown(self, call_id: str) -> None:
        card = self.desktop.popups.card_for(call_id)
        if call_id not in self.shown and card is not None and card.isVisible():
            self.shown[call_id] = time.perf_counter()
            self.shown_after_listener[call_id] = _since(card.call.started_at)
            if card.info is not None and card.info.customers:
                self.informed[call_id] = self.shown[call_id]
                self.informed_after_listener[call_id] = self.shown_after_listener[call_id]

    def _informed(self, call_id: str, info: Any) -> None:
        card = self.desktop.popups.card_for(call_id)
        if call_id not in self.informed and card is not None and info.customers:
            self.informed[call_id] = time.perf_counter()
            call = self.desktop.bridge.call(call_id)
            if call is not None:
                self.informed_after_listener[call_id] = _since(call.started_at)


def _since(moment: datetime) -> float:
    """Milliseconds since a call event's time stamp (taken when the listener parsed it)."""
    return (time.time() - moment.timestamp()) * 1000


async def _until(predicate: Callable[[], Any], within: float = 10.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.0005)
    raise TimeoutError("benchmark step did not finish in time")


def _seed_customers(zammad: Any, count: int, prefix: str) -> list[str]:
    numbers = []
    for index in range(count):
        number = f"+49 221 {prefix}{index:05d}"
        user = zammad.add_user(
            firstname="Bench", lastname=f"Customer {prefix}{index}", phone=number
        )
        zammad.add_ticket(customer_id=user, title=f"Question {index}", age=timedelta(days=1))
        zammad.add_ticket(
            customer_id=user, title=f"Old question {index}", state="closed", age=timedelta(days=9)
        )
        numbers.append(number)
    return numbers


async def _ring_once(bench: Bench, watch: Stopwatch, number: str, info: bool) -> tuple[float, str]:
    phone = bench.world.suite.phone
    tracker = bench.core.tracker
    started = time.perf_counter()
    line = phone.ring(number, "")
    call = await _until(lambda: next(iter(tracker.live_calls()), None))
    watch.rung[call.id] = started
    marks = watch.informed if info else watch.shown
    await _until(lambda: call.id in marks)
    elapsed = (marks[call.id] - started) * 1000
    if info:
        await _until(lambda: call.id in watch.shown)
    phone.caller_hangs_up(line)
    await _until(lambda: not tracker.live_calls())
    await _until(lambda: bench.desktop.popups.card_for(call.id) is None)
    return elapsed, call.id


async def _bare_handler_latency(bench: Bench, rings: int) -> list[float]:
    """The phone simulator's Action URL answered by a bare asyncio handler, timed the same way."""
    phone = bench.world.suite.phone
    arrived: list[float] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = await reader.read(1024)
            if not chunk:
                break
            data += chunk
        arrived.append(time.perf_counter())
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    saved = dict(phone.action_urls)
    phone.configure_action_urls(
        {event: f"http://127.0.0.1:{port}/{event}" for event in ("incoming_call", "call_ended")}
    )
    samples = []
    try:
        for index in range(rings):
            arrived.clear()
            started = time.perf_counter()
            line = phone.ring(f"+49 30 9{index:06d}", "")
            await _until(lambda: arrived)
            samples.append((arrived[0] - started) * 1000)
            phone.caller_hangs_up(line)
            await asyncio.sleep(0.002)
    finally:
        phone.configure_action_urls(saved)
        server.close()
        await server.wait_closed()
    return samples


def bench_popup(rings: int = RINGS) -> list[Figure]:
    with desktop_on_the_demo() as bench:
        watch = Stopwatch(bench.desktop)
        zammad = bench.world.suite.zammad
        cold_numbers = _seed_customers(zammad, rings, "1")
        reference_numbers = _seed_customers(zammad, rings, "2")
        lookup = bench.parts.lookup
        in_app_trips: dict[str, float] = {}
        original_lookup = lookup.lookup

        async def timed_lookup(number: Any, call_id: str | None = None) -> Any:
            """The desktop's own look-up of a ringing caller, timed: its Zammad round trips
            as they went during that ring (the simulators share the process and its loop)."""
            started = time.perf_counter()
            try:
                return await original_lookup(number, call_id)
            finally:
                if call_id is not None:
                    in_app_trips[call_id] = (time.perf_counter() - started) * 1000

        lookup.lookup = timed_lookup

        async def ring_all(numbers: list[str], info: bool) -> list[str]:
            return [(await _ring_once(bench, watch, n, info=info))[1] for n in numbers]

        async def measure() -> dict[str, list[float]]:
            await _ring_once(bench, watch, "+49 30 5550000", info=False)
            bare = await _bare_handler_latency(bench, rings)
            unknown = [f"+49 30 7{i:06d}" for i in range(rings)]
            popup_ids = await ring_all(unknown, info=False)
            round_trips = []
            for index, number in enumerate(reference_numbers):
                started = time.perf_counter()
                await lookup.lookup(parse_number(number, "DE"), f"reference-{index}")
                round_trips.append((time.perf_counter() - started) * 1000)
            cold_ids = await ring_all(cold_numbers, info=True)
            await asyncio.sleep(SAME_CALLER_AGAIN_SECONDS)
            cached_ids = await ring_all(cold_numbers, info=True)
            return {
                "bare": bare,
                "ring_to_popup": [(watch.shown[i] - watch.rung[i]) * 1000 for i in popup_ids],
                "listener_to_popup": [watch.shown_after_listener[i] for i in popup_ids],
                "round_trips": round_trips,
                "cold": [watch.informed_after_listener[i] for i in cold_ids],
                "cold_trips": [in_app_trips[i] for i in cold_ids if i in in_app_trips],
                "cached": [watch.informed_after_listener[i] for i in cached_ids],
            }

        samples = bench.loop.run_until_complete(measure())
    bare, ring, listener = samples["bare"], samples["ring_to_popup"], samples["listener_to_popup"]
    trips = median(samples["round_trips"])
    cold = median(samples["cold"])
    cold_trips = median(samples["cold_trips"])
    cached = median(samples["cached"])
    bare_label = f"phone fires -> bare asyncio HTTP handler has it ({rings} rings)"
    return [
        Figure(
            "phone fires -> pop-up shown, p50",
            percentile(ring, 50),
            "ms",
            percentile(bare, 50),
            bare_label,
            "-",
        ),
        Figure(
            "phone fires -> pop-up shown, p99",
            percentile(ring, 99),
            "ms",
            percentile(bare, 99),
            bare_label,
            "-",
        ),
        Figure(
            "listener has the ring -> pop-up shown, p50",
            percentile(listener, 50),
            "ms",
            percentile(bare, 50),
            bare_label,
            "-",
        ),
        Figure(
            "listener has the ring -> pop-up shown, p99",
            percentile(listener, 99),
            "ms",
            percentile(bare, 99),
            bare_label,
            "<= 25 ms",
            percentile(listener, 99) <= 25,
        ),
        Figure(
            "listener has the ring -> customer shown, cold p50",
            cold,
            "ms",
            cold_trips,
            "that ring's own look-up (its Zammad round trips), p50",
            "<= round trips + 15 ms",
            cold <= cold_trips + 15,
        ),
        Figure(
            "Zammad look-up during a ring, p50",
            cold_trips,
            "ms",
            trips,
            "the same look-up with nothing else going on, p50",
            "-",
        ),
        Figure(
            "listener has the ring -> customer shown, cold p99",
            percentile(samples["cold"], 99),
            "ms",
            percentile(samples["cold_trips"], 99),
            "that ring's own look-up, p99",
            "-",
        ),
        Figure(
            "listener has the ring -> customer shown, cached p50",
            cached,
            "ms",
            percentile(listener, 50),
            "listener -> pop-up shown, p50",
            "<= 5 ms",
            cached <= 5,
        ),
    ]


def _burst_events(count: int, seed: int = 0) -> list[Any]:
    """``count`` events of calls with 2 or 3 events each."""
    from benchmarks.bench_core import call_events

    return call_events(count // 2 + 1, seed=3 + seed)[:count]


def bench_stall(
    seconds: float = BURST_SECONDS, rate: int = BURST_EVENTS_PER_SECOND
) -> list[Figure]:
    """Longest gap of a 1 ms heartbeat on the GUI loop, idle and during an event burst."""
    with desktop_on_the_demo(with_network=False) as bench:
        tracker = bench.core.tracker

        async def heartbeat(until: float) -> float:
            longest = 0.0
            while time.perf_counter() < until:
                before = time.perf_counter()
                await asyncio.sleep(0.001)
                longest = max(longest, time.perf_counter() - before - 0.001)
            return longest * 1000

        async def burst(events: list[Any], until: float) -> int:
            """Each event at its due time, as each of the phone's Action URL requests is its own
            callback; a loop turn that wakes late takes every event due by then, as one select
            round would hand over every request that arrived meanwhile."""
            started = time.perf_counter()
            sent = 0
            while sent < len(events) and time.perf_counter() < until:
                due = started + sent / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                now = time.perf_counter()
                while sent < len(events) and started + sent / rate <= now:
                    tracker.handle(events[sent])
                    sent += 1
            return sent

        async def measure() -> tuple[float, float, int]:
            """Median over rounds of each round's longest stall: one hiccup of a shared machine
            should not decide the figure (the idle reference shows how large they get)."""
            idle: list[float] = []
            busy: list[float] = []
            sent = 0
            for round_number in range(STALL_ROUNDS):
                idle.append(await heartbeat(time.perf_counter() + seconds))
                events = _burst_events(int(rate * seconds), seed=round_number)
                until = time.perf_counter() + seconds
                longest, sent = await asyncio.gather(heartbeat(until), burst(events, until))
                busy.append(longest)
            return median(idle), median(busy), sent

        idle, busy, sent = bench.loop.run_until_complete(measure())
    return [
        Figure(
            f"GUI stall, {rate} events/s burst ({sent} events), median of {STALL_ROUNDS}",
            busy,
            "ms",
            idle,
            "same heartbeat, no events",
            "<= 16 ms",
            busy <= 16,
        )
    ]


def bench_memory_growth(calls: int = 10_000) -> list[Figure]:
    """RSS after warm-up, then after ``calls`` calls through tracker, journal, pop-ups."""
    from benchmarks.bench_core import call_events

    with desktop_on_the_demo(with_network=False) as bench:
        tracker = bench.core.tracker
        warm = call_events(200, seed=5)
        events = call_events(calls, seed=6)

        async def feed(batch: list[Any]) -> None:
            for index, event in enumerate(batch):
                tracker.handle(event)
                if index % 30 == 0:
                    await asyncio.sleep(0)
            await asyncio.sleep(0.5)

        bench.loop.run_until_complete(feed(warm))
        gc.collect()
        before = rss_mb()
        bench.loop.run_until_complete(feed(events))
        bench.core.journal.flush()
        gc.collect()
        after = rss_mb()
    growth = after - before
    return [
        Figure(
            f"memory growth after {calls:,} calls",
            growth,
            "MB",
            before,
            "RSS after warm-up",
            "<= 10 MB",
            growth <= 10,
        )
    ]
