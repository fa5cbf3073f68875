"""Run every benchmark and print a table plus one JSON line per figure.

.venv/bin/python -m benchmarks.run            # all figures (5-10 minutes; needs Xvfb, trayer)
.venv/bin/python -m benchmarks.run core popup # only the named groups
.venv/bin/python -m benchmarks.run --quick    # fewer rings and starts, 10 s of idle CPU

Groups: core (throughput, journal at 1M calls), journal_ui, popup (ring to pop-up and to
customer), stall (GUI during a burst), memory (start-up, RSS, growth), idle (CPU),
listener (rings and log lines under a flood of slow and refused connections).

A busy machine says so: a fixed piece of pure-Python work (the machine probe) is timed at the
start of the run (the idle reference) and again just before and after each group; a group whose
probe moved by more than `BUSY_MARGIN` gets its figures flagged BUSY, and each group's probe is
a row of its own.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable

from benchmarks.common import (
    BUSY_MARGIN,
    Figure,
    machine_line,
    machine_probe_ms,
    print_figures,
)

GROUPS: dict[str, Callable[[], list[Figure]]] = {}


def _register(quick: bool) -> None:
    from benchmarks import (
        bench_core,
        bench_desktop,
        bench_journal_ui,
        bench_listener,
        bench_process,
    )

    GROUPS["core"] = lambda: (
        bench_core.bench_throughput()
        + bench_core.bench_throughput_with_outbox()
        + bench_core.bench_journal()
    )
    GROUPS["journal_ui"] = bench_journal_ui.bench_journal_ui
    GROUPS["popup"] = lambda: bench_desktop.bench_popup(50 if quick else bench_desktop.RINGS)
    GROUPS["stall"] = bench_desktop.bench_stall
    GROUPS["memory"] = lambda: (
        bench_process.bench_startup_and_memory(1 if quick else bench_process.STARTS)
        + bench_desktop.bench_memory_growth(2_000 if quick else 10_000)
    )
    GROUPS["idle"] = lambda: bench_process.bench_idle_cpu(10.0 if quick else 60.0)
    GROUPS["listener"] = lambda: bench_listener.bench_listener(
        50 if quick else bench_listener.RINGS, 5.0 if quick else bench_listener.REFUSED_SECONDS
    )


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    argv = [arg for arg in argv if arg != "--quick"]
    _register(quick)
    wanted = argv or list(GROUPS)
    unknown = [name for name in wanted if name not in GROUPS]
    if unknown:
        print(f"unknown benchmark group(s) {unknown}; choose from {list(GROUPS)}", file=sys.stderr)
        return 2
    idle = machine_probe_ms()
    figures: list[Figure] = []
    for name in wanted:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        before = machine_probe_ms()
        measured = GROUPS[name]()
        figures += flag_busy(name, measured, idle, [before, machine_probe_ms()])
    print_figures(figures, header=machine_line())
    return 0


def flag_busy(group: str, figures: list[Figure], idle: float, probes: list[float]) -> list[Figure]:
    """The group's figures, flagged BUSY when the slower of the probes around the group is more
    than `BUSY_MARGIN` above the idle probe; then a row for the probe itself."""
    probe = max(probes)
    ratio = probe / idle
    busy = ratio > 1 + BUSY_MARGIN
    flagged = [dataclasses.replace(f, busy=busy, probe_ratio=round(ratio, 3)) for f in figures]
    flagged.append(
        Figure(
            f"machine probe around group {group}",
            probe,
            "ms",
            idle,
            "the same probe at the start of the run (idle)",
            f"<= {1 + BUSY_MARGIN:.2f}x idle",
            not busy,
            busy,
            round(ratio, 3),
        )
    )
    return flagged


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
