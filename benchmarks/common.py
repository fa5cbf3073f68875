"""Shared pieces of the benchmarks: a figure with its reference, the machine probe that tells a
busy machine from a quiet one, and how figures are printed."""

from __future__ import annotations

import json
import os
import platform
import select
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

BUSY_MARGIN = 0.25
"""A group's figures are flagged when the machine probe, taken just before and just after the
group, is more than this much slower than the idle probe taken at the start of the run."""


@dataclass(frozen=True)
class Figure:
    """One measured figure next to its reference, measured in the same run.

    ``ratio`` is figure / reference; ``target`` says what the issue asks for, in words.
    ``busy`` is set by the run: the machine probe around this figure's group moved by more than
    `BUSY_MARGIN` from the idle probe (``probe_ratio``), so the figure is not a quiet one.
    """

    name: str
    value: float
    unit: str
    reference: float
    reference_label: str
    target: str
    meets_target: bool | None = None
    busy: bool | None = None
    probe_ratio: float | None = None

    @property
    def ratio(self) -> float:
        return self.value / self.reference if self.reference else float("inf")


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def read_line(pipe: IO[str], seconds: float) -> str:
    """One line from a child's pipe, or "" when none comes within ``seconds`` (a child that
    hangs before printing must not hang the benchmark)."""
    if not select.select([pipe], [], [], seconds)[0]:
        return ""
    return pipe.readline()


def machine_probe_ms(rounds: int = 7) -> float:
    """A fixed piece of pure-Python work, the median of ``rounds`` runs, in ms (about 10 ms on a
    quiet core). Taken at the start of a run it is the idle reference; taken again around each
    group it shows whether other work on the machine took our core."""

    def work() -> float:
        started = time.perf_counter()
        total = 0
        for number in range(200_000):
            total += number * number % 7
        return (time.perf_counter() - started) * 1000

    return median([work() for _ in range(rounds)])


def machine_line() -> str:
    """The date and the machine, for the table's header and the README."""
    try:
        from importlib.metadata import version

        pyside = f", PySide6 {version('PySide6')}"
    except Exception:
        pyside = ""
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load " + " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}{pyside}{load}"
    )


def print_figures(figures: list[Figure], header: str = "") -> None:
    if header:
        print(header)
    title = f"{'figure':<44} {'value':>12} {'reference':>12}  {'ratio':>7}  target"
    print(title)
    print("-" * len(title))
    for f in figures:
        verdict = {True: "ok", False: "MISSED", None: ""}[f.meets_target]
        busy = f"  BUSY (machine probe x{f.probe_ratio:.2f})" if f.busy else ""
        print(
            f"{f.name:<44} {f.value:>9.3f} {f.unit:<2} {f.reference:>9.3f} {f.unit:<2} "
            f"{f.ratio:>7.2f}  {f.target} {verdict}  (ref: {f.reference_label}){busy}"
        )
    for f in figures:
        print(json.dumps({**asdict(f), "ratio": round(f.ratio, 4)}))
