"""Time as the engine sees it: one object, so deadlines can be tested without sleeping for real."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

T = TypeVar("T")


class Clock:
    """Wall clock (aware UTC) plus a monotonic clock for deadlines."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


@dataclass
class Deadline:
    """A point in monotonic time; `remaining()` never goes below zero."""

    clock: Clock
    at: float

    @classmethod
    def after(cls, clock: Clock, seconds: float) -> Deadline:
        return cls(clock, clock.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.at - self.clock.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0.0


BACKOFF = 1.5  # each probe waits this much longer than the previous one...
BACKOFF_CAP_S = 1.0  # ...up to this: quick answers are seen at once, long waits cost few probes


def poll_until(
    probe: Callable[[], T | None], *, clock: Clock, timeout: float, interval: float = 0.25
) -> T | None:
    """Call `probe` until it returns something not None or `timeout` elapses (bounded loop).

    The pause starts at `interval` and grows by `BACKOFF` up to `BACKOFF_CAP_S` (or `interval` if
    larger): with 30 vendors at once, each run's long waits must not flood the database and the
    management API with probes that steal the CPU from the vendors being waited for.
    """
    deadline = Deadline.after(clock, timeout)
    max_rounds = int(timeout / max(interval, 0.01)) + 2
    pause, cap = interval, max(interval, BACKOFF_CAP_S)
    for _ in range(max_rounds):
        result = probe()
        if result is not None:
            return result
        if deadline.expired():
            return None
        clock.sleep(min(pause, deadline.remaining()))
        pause = min(cap, pause * BACKOFF)
    return probe()
