"""The results store as the run's event listener (`hubbench.results.store.ResultsStore`).

Events are written by a thread of their own, in the order they were emitted (one transaction per
event, as the store does): a step never waits on the database (≈ 10–35 ms per event on a loaded
machine, some 600 events per run of tiers 1–7). `close()` writes what is left before returning, so
a finished or interrupted run is complete in the database when `engine.runner.run` returns. A prompt is the
exception: `PromptShown` returns once it is written, so an operator (or a reference vendor reading
the database) has the whole of the prompt's delay to act, however busy the database.
"""

from __future__ import annotations

import threading
from queue import Empty, SimpleQueue

from hubbench.events import Event, Listener, PromptShown

CLOSE_LIMIT_S = 120.0  # writing the events still queued at the end of a run never takes longer
BATCH_LIMIT = 200  # events queued while the writer was busy go in one transaction, this many at most


class StoreListener:
    """Forwards every event to the results store (which also applies `AttestationAnswered`)."""

    def __init__(self, store: Listener) -> None:  # a `ResultsStore` (closed with the listener) in runs
        self.store = store
        self.errors: list[Exception] = []  # what the store refused (reported with the run's listener errors)
        self._queue: SimpleQueue[Event | threading.Event | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._write, name="hubbench-resultats", daemon=True)
        self._thread.start()

    @classmethod
    def open(cls, db_url: str) -> StoreListener:
        from hubbench.results import ResultsStore

        return cls(ResultsStore(db_url))

    def __call__(self, event: Event) -> None:
        self._queue.put(event)
        if isinstance(event, PromptShown):
            self.flush()

    def flush(self, timeout: float = CLOSE_LIMIT_S) -> bool:
        """Wait until every event queued so far is written (False if that took longer than `timeout`)."""
        written = threading.Event()
        self._queue.put(written)
        return written.wait(timeout) if self._thread.is_alive() else False

    def _write(self) -> None:
        pending: list[Event | threading.Event | None] = []
        while True:
            item = pending.pop() if pending else self._queue.get()
            if item is None:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            batch = [item]  # the backlog up to the next barrier, written in one transaction
            while len(batch) < BATCH_LIMIT:
                try:
                    following = self._queue.get_nowait()
                except Empty:
                    break
                if not isinstance(following, Event):  # a flush barrier or the end: after this batch
                    pending.append(following)
                    break
                batch.append(following)
            self._store(batch)

    def _store(self, batch: list[Event]) -> None:
        write_many = getattr(self.store, "write_many", None)
        try:
            if write_many is not None and len(batch) > 1:
                self.errors.extend(write_many(batch))
                return
            for event in batch:
                try:
                    self.store(event)
                except Exception as exc:  # a store error must never break a run: reported at the end
                    self.errors.append(exc)
        except Exception as exc:
            self.errors.append(exc)

    def close(self) -> None:
        """Write every queued event, then close the store."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(CLOSE_LIMIT_S)
        if self._thread.is_alive():
            self.errors.append(TimeoutError(f"résultats non écrits en {CLOSE_LIMIT_S:g} s"))
            return
        closer = getattr(self.store, "close", None)
        if callable(closer):
            closer()


class SharedResults:
    """One results writer for many runs of one process (`hubbench session run`): each run gets a view
    (`for_run()`) whose `close()` waits until the run's events are written, without closing the writer."""

    def __init__(self, db_url: str) -> None:
        self.listener = StoreListener.open(db_url)

    def for_run(self) -> _RunView:
        return _RunView(self.listener)

    def close(self) -> None:
        self.listener.close()


class _RunView:
    def __init__(self, listener: StoreListener) -> None:
        self._listener = listener
        self.errors: list[Exception] = []

    def __call__(self, event: Event) -> None:
        self._listener(event)

    def close(self) -> None:
        if not self._listener.flush():
            self.errors.append(TimeoutError(f"résultats non écrits en {CLOSE_LIMIT_S:g} s"))
