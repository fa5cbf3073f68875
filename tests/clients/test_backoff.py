"""Issue 18 point 3: one back-off for the NFON CTI client, the NFON stream and the Zammad
forwarder, with the semantics the three copies had: equal jitter, doubling, a cap, never zero."""

from __future__ import annotations

import random

import pytest

from ctidesk.clients.backoff import Backoff, backoff_delay


@pytest.mark.parametrize(
    ("failures", "low", "high"),
    [(0, 0.5, 1.0), (1, 0.5, 1.0), (2, 1.0, 2.0), (3, 2.0, 4.0), (5, 8.0, 16.0), (40, 30.0, 60.0)],
)
def test_delay_doubles_per_failure_between_half_and_all_of_the_step(
    failures: int, low: float, high: float
) -> None:
    assert backoff_delay(failures, 1.0, 60.0, lambda: 0.0) == low
    assert backoff_delay(failures, 1.0, 60.0, lambda: 0.999999) == pytest.approx(high, rel=1e-5)


def test_jitter_spreads_the_delays_and_never_reaches_zero() -> None:
    rng = random.Random(7)
    delays = {backoff_delay(3, 1.0, 60.0, rng.random) for _ in range(20)}
    assert len(delays) > 1 and min(delays) >= 2.0


def test_a_connection_that_keeps_failing_for_days_stays_at_the_cap() -> None:
    """The CTI client's old copy computed 2.0 ** failures and overflowed after ~1,000 failures."""
    backoff = Backoff(1.0, 60.0, jitter=lambda: 1.0)
    backoff.failures = 5_000
    assert backoff.next_delay() == 60.0


def test_reset_starts_again_from_the_initial_delay() -> None:
    backoff = Backoff(0.5, 10.0, jitter=lambda: 0.0)
    assert [backoff.next_delay() for _ in range(4)] == [0.25, 0.5, 1.0, 2.0]
    backoff.reset()
    assert backoff.next_delay() == 0.25
