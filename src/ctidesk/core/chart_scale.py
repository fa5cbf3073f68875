"""Axis ticks for the statistics charts: round values a person reads at a glance.

Dividing the largest value by four gave "0, 1, 2, 2, 3" for a maximum of 3 calls. Ticks here
are multiples of a "nice" step (1, 2 or 5 times a power of ten; whole numbers for counts; for
durations 1 s ... 30 min, then hours), start at 0 and end at or just above the largest value,
so no two ticks (and no two labels) are the same.
"""

from __future__ import annotations

import math

MAX_INTERVALS = 4
NICE_FACTORS = (1, 2, 5, 10)
DURATION_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800)
SECONDS_PER_HOUR = 3600


def nice_step(rough: float, *, integer: bool = False) -> float:
    """The smallest step of 1, 2 or 5 times a power of ten that is at least ``rough``."""
    if rough <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(rough))
    step = next(f * magnitude for f in NICE_FACTORS if f * magnitude >= rough * (1 - 1e-9))
    return max(step, 1.0) if integer else step


def ticks_for_step(maximum: float, step: float) -> list[float]:
    """0, step, 2·step, … up to the first tick at or above ``maximum``."""
    intervals = max(1, math.ceil(maximum / step - 1e-9))
    return [_tidy(index * step) for index in range(intervals + 1)]


def nice_ticks(
    maximum: float, *, integer: bool = True, max_intervals: int = MAX_INTERVALS
) -> list[float]:
    """Axis ticks from 0 to (at least) ``maximum`` in at most ``max_intervals`` nice steps."""
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0, 1.0]
    return ticks_for_step(maximum, nice_step(maximum / max_intervals, integer=integer))


def duration_ticks(maximum_seconds: float, *, max_intervals: int = MAX_INTERVALS) -> list[float]:
    """Ticks for a time axis in seconds: whole seconds, minutes or hours."""
    if not math.isfinite(maximum_seconds) or maximum_seconds <= 0:
        return [0.0, 1.0]
    rough = maximum_seconds / max_intervals
    step = next((float(s) for s in DURATION_STEPS if s >= rough), None)
    if step is None:
        step = SECONDS_PER_HOUR * nice_step(rough / SECONDS_PER_HOUR, integer=True)
    return ticks_for_step(maximum_seconds, step)


def _tidy(value: float) -> float:
    """0.30000000000000004 → 0.3, so labels print as people write them."""
    return float(f"{value:.12g}")
