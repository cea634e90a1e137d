"""The trace written by a child process: `TraceWriter`'s work off the caller's interpreter (and its GIL).

`TraceProcess(db_url)` has `TraceWriter`'s interface (`record`, `flush`, `close`, `stats`) and its
guarantees — `record()` never blocks and never raises; what cannot be written is counted, never lost
silently; `close()` writes everything recorded — but the rows are built and inserted by a `TraceWriter`
running in a spawned child process. The caller only appends the record to a deque; a sender thread
wakes every `interval_s` while records arrive (never per record), turns them into plain tuples and hands
them over in one pickled batch through a pipe. In the dispatcher the in-process writer thread cost 13–20 %
of a worker's samples and fought the event loop for the GIL; this leaves the pickling of a batch.

The child exits on `close()` or when the pipe closes (its parent died): it writes what it received first.
Counters live in shared memory. Needs a database the child can open by URL (not an in-memory SQLite).
"""

from __future__ import annotations

import ctypes
import dataclasses
import itertools
import logging
import multiprocessing
import operator
import pickle
import signal
import threading
import time
from collections import deque
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from hubbench.results.trace import TraceRecord, TraceStats, TraceWriter

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import SynchronizedArray, SynchronizedString

log = logging.getLogger(__name__)

_FIELDS = tuple(f.name for f in dataclasses.fields(TraceRecord))
_as_tuple = operator.attrgetter(*_FIELDS)
_ERROR_BYTES = 512
_STATS_S = 0.05  # how often a busy child publishes its counters
_WRITTEN, _FAILED, _RETRIES = range(3)


@dataclasses.dataclass(frozen=True)
class _Mark:
    kind: str  # "flush" | "stop"
    token: int
    timeout: float


class TraceProcess:
    """`TraceWriter` in a child process (see the module docstring)."""

    def __init__(self, db_url: str, *, interval_s: float = 0.05, **writer_options: Any) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._interval_s = interval_s
        inbox_r, self._inbox = ctx.Pipe(duplex=False)
        self._replies, replies_w = ctx.Pipe(duplex=False)
        self._counters = ctx.Array(ctypes.c_longlong, 3)  # typecode "q"
        self._error = ctx.Array(ctypes.c_char, _ERROR_BYTES)  # typecode "c"
        self._process = ctx.Process(
            target=_child, name="hubbench-trace", daemon=True,
            args=(inbox_r, replies_w, self._counters, self._error, db_url, writer_options))
        self._process.start()
        inbox_r.close()
        replies_w.close()
        self._queue: deque[TraceRecord | _Mark] = deque()
        self._wake = threading.Event()
        self._idle = True
        self._recorded = self._failed = 0
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._tokens = itertools.count(1)
        self._closed = False
        self._thread = threading.Thread(target=self._send_loop, name="hubbench-trace-sender", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- caller side (never blocks)
    def record(self, rec: TraceRecord) -> None:
        with self._lock:
            self._recorded += 1
        if self._closed:
            self._count_failure(1, "trace fermée : enregistrement refusé")
        elif not isinstance(rec, TraceRecord):
            self._count_failure(1, f"objet refusé (TraceRecord attendu) : {type(rec).__name__}")
        else:
            self._queue.append(rec)
            if self._idle:
                self._idle = False
                self._wake.set()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded before this call is written (or counted failed)."""
        with self._flush_lock:
            token = next(self._tokens)
            self._push(_Mark("flush", token, timeout))
            return self._reply(token, time.monotonic() + timeout + 1.0)

    def close(self, timeout: float = 30.0) -> bool:
        """Write what is recorded, stop the child; True when it stopped within `timeout`."""
        deadline = time.monotonic() + timeout
        if not self._closed:
            self._closed = True
            self._push(_Mark("stop", 0, timeout))
        self._thread.join(max(0.0, deadline - time.monotonic()))
        self._process.join(max(0.0, deadline - time.monotonic()))
        stopped = not self._process.is_alive()
        if stopped:
            self._inbox.close()
            self._replies.close()
        return stopped

    @property
    def stats(self) -> TraceStats:
        with self._counters.get_lock():
            written, failed, retries = self._counters[:]
        with self._error.get_lock():
            error = self._error.value.decode("utf-8", "replace") or None
        with self._lock:
            failed += self._failed
        return TraceStats(self._recorded, written, failed, retries,
                          max(0, self._recorded - written - failed), error)

    # ---------------------------------------------------------------- sender thread
    def _push(self, item: TraceRecord | _Mark) -> None:
        self._queue.append(item)
        self._idle = False
        self._wake.set()

    def _send_loop(self) -> None:
        while True:
            self._wake.clear()
            if not self._queue:
                self._idle = True
                if not self._queue:
                    self._wake.wait()
                self._idle = False
                continue
            self._wake.wait(self._interval_s)  # let a batch gather
            rows: list[tuple[Any, ...]] = []
            while self._queue:
                item = self._queue.popleft()
                if isinstance(item, TraceRecord):
                    rows.append(_as_tuple(item))
                    continue
                self._send_rows(rows)
                rows = []
                self._send(("mark", item.kind, item.token, item.timeout), 0)
                if item.kind == "stop":
                    return
            self._send_rows(rows)

    def _send_rows(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        try:
            payload = pickle.dumps(("rows", rows), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # one odd value: isolate it, send the others
            for row in rows:
                try:
                    self._send_bytes(pickle.dumps(("rows", [row]), protocol=pickle.HIGHEST_PROTOCOL), 1)
                except Exception as exc:
                    self._count_failure(1, f"enregistrement de trace invalide ({exc})")
            return
        self._send_bytes(payload, len(rows))

    def _send(self, message: tuple[Any, ...], rows: int) -> None:
        self._send_bytes(pickle.dumps(message), rows)

    def _send_bytes(self, payload: bytes, rows: int) -> None:
        try:
            self._inbox.send_bytes(payload)
        except (OSError, ValueError) as exc:  # the child is gone
            if rows:
                self._count_failure(rows, f"processus de trace arrêté ({exc})")

    def _reply(self, token: int, deadline: float) -> bool:
        while True:
            try:
                if not self._replies.poll(max(0.0, deadline - time.monotonic())):
                    return False
                kind, got, ok = self._replies.recv()
            except (EOFError, OSError):
                return False
            if kind == "flushed" and got == token:
                return bool(ok)

    def _count_failure(self, count: int, reason: str) -> None:
        with self._lock:
            self._failed += count
        _set_error(self._error, reason)
        log.error("trace : %d enregistrement(s) perdu(s) : %s", count, reason)


def _set_error(error: SynchronizedString, reason: str) -> None:
    with error.get_lock():
        error.value = reason.encode("utf-8")[: _ERROR_BYTES - 4]


# -------------------------------------------------------------------- child process
def _child(inbox: Connection, replies: Connection, counters: SynchronizedArray[int],
           error: SynchronizedString, db_url: str, options: dict[str, Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop (close, or its death)
    writer = TraceWriter(db_url, **options)
    published: tuple[Any, ...] = ()

    def publish() -> bool:
        """Copy the counters to shared memory; True while rows are still to be written."""
        nonlocal published
        stats = writer.stats
        now = (stats.written, stats.failed, stats.retries, stats.last_error)
        if now != published:
            published = now
            with counters.get_lock():
                counters[_WRITTEN], counters[_FAILED], counters[_RETRIES] = now[:3]
            if now[3]:
                _set_error(error, now[3])
        return stats.written + stats.failed < stats.recorded

    busy = False
    try:
        while True:
            if not inbox.poll(_STATS_S if busy else None):
                busy = publish()
                continue
            message = pickle.loads(inbox.recv_bytes())
            if message[0] == "rows":
                for values in message[1]:
                    writer.record(TraceRecord(**dict(zip(_FIELDS, values, strict=True))))
                busy = publish()
                continue
            _, kind, token, timeout = message
            if kind == "flush":
                ok = writer.flush(timeout)
                publish()
                replies.send(("flushed", token, ok))
            else:
                break
    except (EOFError, OSError):
        pass  # the parent died: write what arrived, then go
    finally:
        writer.close()
        publish()
