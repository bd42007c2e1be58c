"""Pauses between retries of something that failed: reconnects to the mail server."""

from __future__ import annotations

import random
from collections.abc import Iterator


def backoff_delays(*, base: float = 1.0, cap: float = 60.0) -> Iterator[float]:
    """Pauses between reconnects, doubling up to `cap` s with jitter: 0.7, 1.6, 3.1, ... 41.2."""
    ceiling = base
    while True:
        # Half fixed, half random: many bots restarted together do not reconnect in step.
        yield random.uniform(ceiling / 2, ceiling)
        ceiling = min(ceiling * 2, cap)
