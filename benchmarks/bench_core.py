"""Headless figures: event throughput through tracker + journal, and journal queries at 1M calls."""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Figure, median
from ctidesk.core.calls import CallEvent, Direction, EventKind, EventSource
from ctidesk.core.journal import Journal
from ctidesk.core.numbers import parse_number
from ctidesk.core.tracker import CallTracker

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FIRST_NAMES = ["Jane", "Max", "Anna", "Lukas", "Mia", "Paul", "Lea", "Jonas", "Emma", "Felix"]
LAST_NAMES = ["Doe", "Muster", "Schmidt", "Meier", "Huber", "Wagner", "Becker", "Fischer"]


def call_events(count: int, seed: int = 1) -> list[CallEvent]:
    """``count`` calls' worth of ringing/answered/ended events, as the phone reports them."""
    rng = random.Random(seed)
    events: list[CallEvent] = []
    for index in range(count):
        number = parse_number(f"+4930{rng.randrange(10**6, 10**7)}")
        start = T0 + timedelta(seconds=index * 10)
        kinds = [EventKind.RINGING, EventKind.ANSWERED, EventKind.ENDED]
        if rng.random() < 0.3:
            kinds = [EventKind.RINGING, EventKind.ENDED]
        for offset, kind in enumerate(kinds):
            events.append(
                CallEvent(
                    source=EventSource.PHONE,
                    kind=kind,
                    remote=number,
                    direction=Direction.INBOUND,
                    remote_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    at=start + timedelta(seconds=offset * 3),
                )
            )
    return events


def bench_throughput(
    extra_listeners: list[Callable[[Path], Callable[..., None]]] | None = None,
) -> list[Figure]:
    """Events/s through the tracker alone (reference) and tracker + journal (+ outbox)."""
    events = call_events(3000)
    clock_time = [T0]

    def run(with_journal: bool) -> float:
        with tempfile.TemporaryDirectory() as tmp:
            tracker = CallTracker(clock=lambda: clock_time[0])
            journal = Journal(Path(tmp) / "j.sqlite3") if with_journal else None
            if journal is not None:
                tracker.subscribe(journal.on_call_changed)
            for factory in (extra_listeners or []) if with_journal else []:
                tracker.subscribe(factory(Path(tmp)))
            started = time.perf_counter()
            for event in events:
                clock_time[0] = event.at
                tracker.handle(event)
            if journal is not None:
                journal.close()  # the writer thread's last commit counts too
            elapsed = time.perf_counter() - started
        return len(events) / elapsed

    reference = median([run(False) for _ in range(3)])
    full = median([run(True) for _ in range(3)])
    label = "tracker + journal + outbox" if extra_listeners else "tracker + journal"
    return [
        Figure(
            f"event throughput ({label})",
            full,
            "ev/s",
            reference,
            "tracker alone",
            ">= 5000 ev/s",
            full >= 5000,
        )
    ]


def outbox_listener(folder: Path) -> Callable[..., None]:
    """The Zammad forwarder's tracker listener with its durable outbox (nothing is sent: the
    forwarder's delivery task is not running, so this is the cost on the event path)."""
    from ctidesk.clients.zammad.forwarder import ZammadForwarder
    from ctidesk.config.secrets import MemorySecretStore
    from ctidesk.config.settings import ZammadSettings

    settings = ZammadSettings(url="http://127.0.0.1:9")
    forwarder = ZammadForwarder(
        settings=settings, secrets=MemorySecretStore(), outbox=folder / "outbox.sqlite3"
    )
    return forwarder.on_call_changed


def bench_throughput_with_outbox() -> list[Figure]:
    return bench_throughput([outbox_listener])


def populated_journal(path: Path, calls: int) -> None:
    """Fill a journal with ``calls`` rows quickly (bulk SQL, same schema as the app)."""
    Journal(path).close()
    rng = random.Random(7)
    with sqlite3.connect(path) as db:
        rows = []
        for index in range(calls):
            digits = f"4930{rng.randrange(10**6, 10**7)}"
            missed = rng.random() < 0.2
            start = T0.timestamp() + index * 30
            rows.append(
                (
                    f"c{index}",
                    "in",
                    "+" + digits,
                    "+" + digits,
                    "+" + digits,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {index % 997}",
                    "ended",
                    "missed" if missed else "normal",
                    start,
                    None if missed else start + 5,
                    start + 60,
                    int(missed),
                    int(rng.random() < 0.5),
                )
            )
        db.executemany(
            "INSERT INTO calls (id, direction, remote_raw, remote_e164, remote_key, remote_name, "
            "state, ending, started_at, answered_at, ended_at, needs_callback, done) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    db.close()


def bench_journal(calls: int = 1_000_000, cache_dir: Path | None = None) -> list[Figure]:
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "ctidesk-bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"journal-{calls}.sqlite3"
    if not path.exists():
        populated_journal(path, calls)
    journal = Journal(path)
    try:

        def timed(operation: Callable[[], object]) -> float:
            samples = []
            for _ in range(15):
                started = time.perf_counter()
                operation()
                samples.append((time.perf_counter() - started) * 1000)
            return median(samples)

        reference = timed(lambda: journal.get("c12345"))
        figures = []
        for name, operation in [
            ("journal search by number (1M calls)", lambda: journal.search("3045678")),
            ("journal search by name (1M calls)", lambda: journal.search("Schmidt 42")),
            ("journal list needs-callback (1M calls)", lambda: journal.callbacks(100)),
        ]:
            value = timed(operation)
            figures.append(
                Figure(name, value, "ms", reference, "primary-key lookup", "<= 20 ms", value <= 20)
            )
        return figures
    finally:
        journal.close()
