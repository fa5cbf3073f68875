"""Axis ticks of the statistics charts (issue 14, finding 5): "0, 1, 2, 2, 3" for a maximum of
three calls came from dividing the maximum by four; ticks are now nice round steps."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from ctidesk.core.chart_scale import DURATION_STEPS, duration_ticks, nice_ticks


def _is_nice(step: float) -> bool:
    """1, 2 or 5 times a power of ten."""
    exponent = math.floor(math.log10(step))
    mantissa = round(step / 10**exponent, 9)
    return mantissa in (1.0, 2.0, 5.0, 10.0)


def test_three_calls_give_one_tick_per_call() -> None:
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(5) == [0, 2, 4, 6]
    assert nice_ticks(23) == [0, 10, 20, 30]
    assert nice_ticks(0) == [0, 1]


@given(st.integers(min_value=1, max_value=10_000_000))
def test_count_ticks_are_whole_distinct_nice_steps_covering_the_maximum(maximum: int) -> None:
    ticks = nice_ticks(maximum)
    assert ticks[0] == 0 and ticks[-1] >= maximum
    assert 2 <= len(ticks) <= 5
    assert all(t == int(t) for t in ticks)
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and _is_nice(steps.pop())
    labels = [f"{t:.0f}" for t in ticks]
    assert len(set(labels)) == len(labels)
    assert ticks[-2] < maximum  # no empty band on top


@given(st.floats(min_value=0.001, max_value=1e6, allow_nan=False))
def test_fractional_ticks_are_nice_and_cover_the_maximum(maximum: float) -> None:
    ticks = nice_ticks(maximum, integer=False)
    assert ticks[0] == 0 and ticks[-1] >= maximum * (1 - 1e-9)
    assert len(ticks) <= 5 and len(set(ticks)) == len(ticks)
    assert _is_nice(ticks[1] - ticks[0])


@given(st.floats(min_value=0.5, max_value=200_000, allow_nan=False))
def test_duration_ticks_are_whole_round_times(maximum: float) -> None:
    ticks = duration_ticks(maximum)
    assert ticks[0] == 0 and ticks[-1] >= maximum
    assert len(ticks) <= 5
    step = ticks[1]
    assert step in DURATION_STEPS or (step % 3600 == 0 and _is_nice(step / 3600))
    assert all(t == int(t) and t == n * step for n, t in enumerate(ticks))
