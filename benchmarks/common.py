"""Shared pieces of the benchmarks: a figure with its reference, and how figures are printed."""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured figure next to its reference, measured in the same run.

    ``ratio`` is figure / reference; ``target`` says what the issue asks for, in words.
    """

    name: str
    value: float
    unit: str
    reference: float
    reference_label: str
    target: str
    meets_target: bool | None = None

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


def print_figures(figures: list[Figure]) -> None:
    header = f"{'figure':<44} {'value':>12} {'reference':>12}  {'ratio':>7}  target"
    print(header)
    print("-" * len(header))
    for f in figures:
        verdict = {True: "ok", False: "MISSED", None: ""}[f.meets_target]
        print(
            f"{f.name:<44} {f.value:>9.3f} {f.unit:<2} {f.reference:>9.3f} {f.unit:<2} "
            f"{f.ratio:>7.2f}  {f.target} {verdict}  (ref: {f.reference_label})"
        )
    for f in figures:
        print(json.dumps({**asdict(f), "ratio": round(f.ratio, 4)}))
