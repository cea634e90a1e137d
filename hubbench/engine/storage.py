"""The results store as the run's event listener (`hubbench.results.store.ResultsStore`)."""

from __future__ import annotations

from hubbench.engine.events import Event


class StoreListener:
    """Forwards every event to the results store (which also applies `AttestationAnswered`)."""

    def __init__(self, store: object) -> None:
        self.store = store

    @classmethod
    def open(cls, db_url: str) -> StoreListener:
        from hubbench.results.store import ResultsStore

        return cls(ResultsStore(db_url))

    def __call__(self, event: Event) -> None:
        self.store(event)  # type: ignore[operator]

    def close(self) -> None:
        closer = getattr(self.store, "close", None)
        if callable(closer):
            closer()
