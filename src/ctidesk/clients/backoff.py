"""The one back-off of every client that reconnects or retries (NFON's streams, Zammad's push).

Exponential with "equal jitter": a delay lies between half and all of ``initial * 2**(n-1)``
after the n-th failure in a row, capped at ``maximum``. It is never zero, so a flapping server
is no busy loop, and the jitter spreads the retries of several ctidesk instances after an outage.
"""

from __future__ import annotations

import random
from collections.abc import Callable

MAX_DOUBLINGS = 30
"""Past this many doublings the cap has long been reached; it keeps `2.0 ** n` finite."""


def backoff_delay(
    failures: int,
    initial: float,
    maximum: float,
    jitter: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after `failures` failures in a row (0 counts as 1); `jitter` is in [0, 1)."""
    doublings = min(max(failures, 1) - 1, MAX_DOUBLINGS)
    ceiling = min(maximum, initial * 2.0**doublings)
    return ceiling / 2 + ceiling / 2 * jitter()


class Backoff:
    """Counts the failures in a row of one connection; `reset()` once it works again."""

    def __init__(
        self,
        initial: float = 1.0,
        maximum: float = 60.0,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.initial, self.maximum, self._jitter = initial, maximum, jitter
        self.failures = 0

    def delay(self, failures: int) -> float:
        """The delay after `failures` failures in a row, with this back-off's limits."""
        return backoff_delay(failures, self.initial, self.maximum, self._jitter)

    def next_delay(self) -> float:
        """Count one more failure and return how long to wait before the next try."""
        self.failures += 1
        return self.delay(self.failures)

    def reset(self) -> None:
        self.failures = 0
