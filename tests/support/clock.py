"""A clock the tests move by hand: `sleep` advances time at once (engine deadlines without waiting)."""

from __future__ import annotations

from datetime import UTC, datetime

from hubbench.engine.clock import Clock


class FakeClock(Clock):
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds
